import { css, html, nothing, type TemplateResult } from 'lit';
import type { AdminStatus, AdminTeamDto } from '../server/gateway/contract.js';
import type { Formatters } from './i18n/formatters.js';
import type { MessagesOf, Translator } from './i18n/i18n.js';
import type { adminMessages } from './messages/admin-messages.js';

/**
 * Read-only sections of `<presence-connector-admin>` as pure templates in the reader's language: health, the
 * services the connector depends on, the contact-center request budget, permissions, unmatched agents, Teams users
 * left out of subscriptions, the team sync switches (whose handler the element supplies) and, so that a field a
 * newer server adds is never hidden, every other status field in a generic form.
 */

export type AdminT = Translator<MessagesOf<typeof adminMessages>>;
export interface Ctx {
  t: AdminT;
  fmt: Formatters;
  now: number;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v && Number.isFinite(Date.parse(v)) ? Date.parse(v) : null);

/** "5 minutes ago", or `fallback` when there is no time. */
function ago(c: Ctx, at: unknown, fallback: string): string {
  const t = num(at);
  return t == null ? fallback : c.fmt.relative(t, c.now);
}

function span(c: Ctx, ms: unknown): string {
  const v = num(ms);
  if (v == null) return c.t('notMeasured');
  if (v < 1000) return `${c.fmt.number(Math.round(v))} ms`;
  if (v < 60_000) return c.fmt.number(v / 1000, { style: 'unit', unit: 'second', unitDisplay: 'long', maximumFractionDigits: 1 });
  return c.fmt.duration(v);
}

/** Health fields this page renders itself; anything else in `health` goes to "More status". */
const HEALTH_KEYS = new Set([
  'tokenAcquiredAt',
  'lastGraphSuccessAt',
  'lastGraphError',
  'lastCcSuccessAt',
  'lastCcError',
  'ccEventStreamUp',
  'subscriptionExpiresAt',
  'subscriptions',
  'pollIntervalMs',
  'pollLagMs',
  'throttled429',
  'graphCalls',
  'presenceStale',
  'staleSince',
  'lastDirectoryRefreshAt',
  'presenceCatches',
]);

export function renderHealth(status: AdminStatus, c: Ctx) {
  const { t } = c;
  const h = (status.health ?? {}) as Rec;
  const rows: Array<[string, string, string, boolean?]> = [
    ['token', t('health.token'), ago(c, h.tokenAcquiredAt, t('never'))],
    ['graph', t('health.graph'), ago(c, h.lastGraphSuccessAt, t('never'))],
  ];
  if (typeof h.lastGraphError === 'string' && h.lastGraphError) rows.push(['graph-error', t('health.graphError'), h.lastGraphError, true]);
  rows.push(['cc', t('health.cc'), ago(c, h.lastCcSuccessAt, t('never'))]);
  if (typeof h.lastCcError === 'string' && h.lastCcError) rows.push(['cc-error', t('health.ccError'), h.lastCcError, true]);
  if (typeof h.ccEventStreamUp === 'boolean') rows.push(['stream', t('health.stream'), h.ccEventStreamUp ? t('up') : t('down'), !h.ccEventStreamUp]);
  rows.push([
    'subscription',
    t('health.subscription'),
    status.presenceMode === 'poll' && !h.subscriptionExpiresAt ? t('notInPoll') : ago(c, h.subscriptionExpiresAt, t('noSubscription')),
  ]);
  if (typeof h.subscriptions === 'number') rows.push(['subscriptions', t('health.subscriptions'), c.fmt.number(h.subscriptions)]);
  rows.push(['poll-interval', t('health.pollInterval'), span(c, h.pollIntervalMs)], ['poll-lag', t('health.pollLag'), span(c, h.pollLagMs)]);
  rows.push(['throttled', t('health.throttled'), c.fmt.number(num(h.throttled429) ?? 0)]);
  if (typeof h.graphCalls === 'number') rows.push(['graph-calls', t('health.graphCalls'), c.fmt.number(h.graphCalls)]);
  rows.push(['presence', t('health.presence'), h.presenceStale ? t('staleSince', { when: ago(c, h.staleSince, t('never')) }) : t('fresh'), !!h.presenceStale]);
  if ('lastDirectoryRefreshAt' in h) rows.push(['directory', t('health.directory'), ago(c, h.lastDirectoryRefreshAt, t('never'))]);
  if (isRec(h.presenceCatches)) {
    const n = (k: string): number => num(h.presenceCatches && (h.presenceCatches as Rec)[k]) ?? 0;
    rows.push(['catches', t('health.catches'), t('catchesValue', { notification: n('notification'), reconcile: n('reconcile'), poll: n('poll') })]);
  }
  const mode = status.presenceMode === 'poll' ? t('mode.poll') : status.presenceMode === 'subscribe' ? t('mode.subscribe') : String(status.presenceMode);
  return html`<table data-testid="health">
    <caption class="visually-hidden">${t('healthCaption')}</caption>
    <tbody>
      ${rows.map(
        ([key, label, value, bad]) => html`<tr data-health=${key}>
          <th scope="row">${label}</th>
          <td class=${bad ? 'error' : ''}>${value}</td>
        </tr>`,
      )}
      <tr data-health="mode"><th scope="row">${t('health.mode')}</th><td>${mode}</td></tr>
      <tr data-health="counts">
        <th scope="row">${t('health.agents')}</th>
        <td>${t('counts', { agents: status.counts?.agents ?? 0, matched: status.counts?.matched ?? 0, held: status.counts?.connectorIdle ?? 0 })}</td>
      </tr>
    </tbody>
  </table>`;
}

interface Readiness {
  ready: boolean;
  degraded: boolean;
  summary: string | null;
  checks: Record<string, { ok: boolean; error: string | null; checkedAt: number | null; latencyMs: number | null }>;
}

export function readinessOf(status: AdminStatus): Readiness | null {
  const r = (status as unknown as Rec).readiness;
  return isRec(r) && isRec(r.checks) ? (r as unknown as Readiness) : null;
}

const CHECK_KEYS: Record<string, 'check.store' | 'check.graph' | 'check.contactCenter'> = {
  store: 'check.store',
  graph: 'check.graph',
  contactCenter: 'check.contactCenter',
};

/** Each dependency answering or failing, with the failure in the server's own words. */
export function renderReadiness(r: Readiness, c: Ctx) {
  const { t } = c;
  const overall = !r.ready ? 'notReady' : r.degraded ? 'degraded' : 'ready';
  return html`<p data-testid="readiness" data-state=${overall} class=${overall === 'ready' ? '' : 'error'}>${t(`ready.${overall}`)}</p>
    <table data-testid="readiness-checks">
      <tbody>
        ${Object.entries(r.checks).map(([name, check]) => {
          const label = CHECK_KEYS[name] ? t(CHECK_KEYS[name]) : name;
          const when = ago(c, check.checkedAt, t('never'));
          const value = check.ok
            ? check.latencyMs != null
              ? t('checkOk', { ms: Math.round(check.latencyMs), when })
              : t('checkOkNoLatency', { when })
            : t('checkFailing', { error: check.error ?? '' });
          return html`<tr data-check=${name} data-ok=${String(check.ok)}>
            <th scope="row">${label}</th>
            <td class=${check.ok ? '' : 'error'}>${value}</td>
          </tr>`;
        })}
      </tbody>
    </table>`;
}

interface Budget {
  perMinute: number;
  usedLastMinute: number;
  budgetUse: number;
  queued: Record<string, number>;
  oldestWaitMs: number;
  superseded?: number;
  throttled?: number;
  pausedUntil?: number | null;
  capacityAgents?: number | null;
}

const looksLikeBudget = (v: unknown): v is Budget => isRec(v) && typeof v.perMinute === 'number' && isRec(v.queued);
/** A list of Teams users: named like one (`isolatedUsers`), or not empty and every entry has a `teamsUserId`. */
const looksLikeIsolated = (v: unknown, key: string): v is Rec[] =>
  Array.isArray(v) && v.every((x) => isRec(x) && typeof x.teamsUserId === 'string') && (v.length > 0 || /isolated/i.test(key));

/** Where a field of a given shape sits in the status (top level or one level down), wherever a server put it. */
function find<T>(status: AdminStatus, test: (v: unknown, key: string) => v is T): { path: string; value: T } | null {
  for (const [k, v] of Object.entries(status as unknown as Rec)) {
    if (test(v, k)) return { path: k, value: v };
    if (isRec(v)) for (const [k2, v2] of Object.entries(v)) if (test(v2, k2)) return { path: `${k}.${k2}`, value: v2 };
  }
  return null;
}

export const budgetOf = (s: AdminStatus) => find(s, looksLikeBudget);
export const isolatedOf = (s: AdminStatus) => find(s, looksLikeIsolated);

/** The contact-center request budget: use, queue per priority, oldest wait, capacity estimate. */
export function renderBudget(b: Budget, c: Ctx) {
  const { t, fmt } = c;
  const q = (p: string): string => fmt.number(b.queued[p] ?? 0);
  const rows: Array<[string, string, string]> = [
    ['use', t('sched.budget'), t('sched.budgetValue', { used: b.usedLastMinute, limit: b.perMinute, share: fmt.number(b.budgetUse, { style: 'percent', maximumFractionDigits: 0 }) })],
    ['queue', t('sched.queue'), t('sched.queueValue', { p1: q('p1'), p2: q('p2'), p3: q('p3'), p4: q('p4') })],
    ['oldest', t('sched.oldest'), b.oldestWaitMs > 0 ? span(c, b.oldestWaitMs) : t('none')],
    ['capacity', t('sched.capacity'), b.capacityAgents != null ? t('sched.capacityValue', { count: b.capacityAgents }) : t('sched.capacityUnknown')],
  ];
  if (typeof b.superseded === 'number') rows.push(['superseded', t('sched.superseded'), fmt.number(b.superseded)]);
  if (typeof b.throttled === 'number') rows.push(['throttled', t('sched.throttled'), fmt.number(b.throttled)]);
  return html`<table data-testid="budget">
      <tbody>
        ${rows.map(([key, label, value]) => html`<tr data-budget=${key}><th scope="row">${label}</th><td>${value}</td></tr>`)}
      </tbody>
    </table>
    ${b.pausedUntil ? html`<p class="notice" data-testid="budget-paused">${t('sched.paused', { time: fmt.time(b.pausedUntil) })}</p>` : nothing}`;
}

const ISOLATION_REASONS = ['not-in-directory', 'subscription-refused', 'presence-refused'] as const;

/** The server's isolation reason code in words; an unknown code is shown as it is. */
function isolationReason(c: Ctx, reason: unknown): string {
  const r = ISOLATION_REASONS.find((x) => x === reason);
  return r ? c.t(`isolated.${r}`) : typeof reason === 'string' ? reason : '';
}

export function renderIsolated(users: Rec[], c: Ctx) {
  const { t } = c;
  if (users.length === 0) return html`<p class="muted" data-testid="isolated-none">${t('isolatedNone')}</p>`;
  return html`<p class="muted">${t('isolatedHint')}</p>
    <table data-testid="isolated">
      <thead><tr><th scope="col">${t('colUser')}</th><th scope="col">${t('colWhy')}</th><th scope="col">${t('colSince')}</th></tr></thead>
      <tbody>
        ${users.map(
          (u) => html`<tr data-teams-user=${String(u.teamsUserId)}>
            <td>${String(u.displayName ?? u.userPrincipalName ?? u.teamsUserId)}</td>
            <td>${[isolationReason(c, u.reason), u.detail].filter((x) => typeof x === 'string' && x).join(' — ')}</td>
            <td>${ago(c, u.since, '')}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
}

interface Credential {
  actingAs?: { id: string; displayName: string } | null;
  tokenKind?: string;
  tokenExpiresAt?: number | null;
  credentialError?: string | null;
  events?: string;
  changeableTeams?: 'all' | string[] | null;
}

/** The fields of the contact-center object this page renders as the credential section. */
const CREDENTIAL_KEYS = ['actingAs', 'tokenKind', 'tokenExpiresAt', 'credentialError', 'events', 'changeableTeams'] as const;

export function credentialOf(status: AdminStatus): { path: string; value: Credential } | null {
  const cc = (status as unknown as Rec).contactCenter;
  return isRec(cc) && CREDENTIAL_KEYS.some((k) => k in cc) ? { path: 'contactCenter', value: cc as Credential } : null;
}

/** Whom the connector acts as at the contact center, its token and how agent events arrive. */
export function renderCredential(cred: Credential, c: Ctx, teams: readonly AdminTeamDto[] = []) {
  const { t } = c;
  const rows: Array<[string, string, string, boolean?]> = [
    ['acting-as', t('cred.actingAs'), cred.actingAs ? `${cred.actingAs.displayName} (${cred.actingAs.id})` : t('cred.unknown')],
  ];
  if (cred.tokenKind) rows.push(['token', t('cred.token'), cred.tokenKind === 'oauth' ? t('cred.oauth') : cred.tokenKind === 'static' ? t('cred.static') : cred.tokenKind]);
  if ('tokenExpiresAt' in cred) {
    const at = num(cred.tokenExpiresAt);
    rows.push(['expires', t('cred.expires'), at == null ? t('cred.noExpiry') : `${c.fmt.dateTime(at)} (${c.fmt.relative(at, c.now)})`, at != null && at < c.now]);
  }
  if (cred.credentialError) rows.push(['error', t('cred.error'), cred.credentialError, true]);
  if ('changeableTeams' in cred) {
    const reach = cred.changeableTeams;
    const names = Array.isArray(reach) ? reach.map((id) => teams.find((x) => x.id === id)?.name ?? id) : [];
    rows.push(['teams', t('cred.teams'), reach === 'all' ? t('cred.allTeams') : reach == null ? t('cred.teamsUnknown') : names.length ? names.join(', ') : t('none')]);
  }
  if (cred.events) rows.push(['events', t('cred.events'), cred.events === 'webhook' ? t('cred.webhook') : cred.events === 'websocket' ? t('cred.websocket') : cred.events]);
  return html`<table data-testid="credential">
    <tbody>
      ${rows.map(([key, label, value, bad]) => html`<tr data-credential=${key}><th scope="row">${label}</th><td class=${bad ? 'error' : ''}>${value}</td></tr>`)}
    </tbody>
  </table>`;
}

interface Storage {
  ok: boolean;
  pending?: number;
  error?: string | null;
  since?: number | null;
  replayed?: number;
}

const STORAGE_KEYS = ['ok', 'pending', 'errorCode', 'error', 'persistent', 'since', 'replayed'] as const;

export function storageOf(status: AdminStatus): { path: string; value: Storage } | null {
  const st = (status as unknown as Rec).storage;
  return isRec(st) && typeof st.ok === 'boolean' ? { path: 'storage', value: st as unknown as Storage } : null;
}

export const storagePaths = (path: string): string[] => STORAGE_KEYS.map((k) => `${path}.${k}`);

/** Whether the database takes writes, and what waits in memory until it does. */
export function renderStorage(st: Storage, c: Ctx) {
  const { t, fmt } = c;
  const rows: Array<[string, string, string, boolean?]> = [
    ['state', t('storage.state'), st.ok ? t('storage.ok') : t('storage.failing', { when: ago(c, st.since, t('never')), error: st.error ?? '' }), !st.ok],
    ['pending', t('storage.pending'), fmt.number(st.pending ?? 0), (st.pending ?? 0) > 0],
  ];
  if (typeof st.replayed === 'number') rows.push(['replayed', t('storage.replayed'), fmt.number(st.replayed)]);
  return html`<table data-testid="storage">
    <tbody>
      ${rows.map(([key, label, value, bad]) => html`<tr data-storage=${key}><th scope="row">${label}</th><td class=${bad ? 'error' : ''}>${value}</td></tr>`)}
    </tbody>
  </table>`;
}

export function renderPermissions(status: AdminStatus, c: Ctx) {
  const { t } = c;
  const perms = status.permissions ?? [];
  return html`<ul class="perms" data-testid="permissions">
      ${perms.map(
        (p) => html`<li data-permission=${p.permission} data-ok=${String(p.ok)}>
          <span class=${p.ok ? 'ok' : 'bad'} role="img" aria-label=${p.ok ? t('perm.granted') : t('perm.missing')}>${p.ok ? '✓' : '✗'}</span>
          <code>${p.permission}</code>
          ${p.detail ? html`<span class="muted">${p.detail}</span>` : nothing}
        </li>`,
      )}
    </ul>
    ${perms.length === 0 ? html`<p class="muted">${t('permNotChecked')}</p>` : nothing}
    ${status.adminConsentUrl
      ? html`<p>
          <a data-testid="consent-link" href=${status.adminConsentUrl} target="_blank" rel="noopener noreferrer">${t('consent')}</a>
          <span class="muted">${t('consentHint')}</span>
        </p>`
      : nothing}`;
}

export function renderUnmatched(status: AdminStatus, c: Ctx) {
  const { t } = c;
  const agents = status.unmatchedAgents ?? [];
  if (agents.length === 0) return html`<p class="muted" data-testid="unmatched-none">${t('unmatchedNone')}</p>`;
  return html`<p class="muted">${t('unmatchedHint')}</p>
    <table data-testid="unmatched">
      <thead><tr><th scope="col">${t('colAgent')}</th><th scope="col">${t('colEmail')}</th></tr></thead>
      <tbody>
        ${agents.map((a) => html`<tr data-agent-id=${a.agentId}><td>${a.name}</td><td>${a.email}</td></tr>`)}
      </tbody>
    </table>`;
}

export function renderTeamSync(teams: AdminTeamDto[], busyTeam: string | null, toggle: (team: AdminTeamDto, enabled: boolean) => void, c: Ctx) {
  const { t } = c;
  if (teams.length === 0) return html`<p class="muted">${t('teamsNone')}</p>`;
  return html`<table data-testid="team-sync">
    <thead><tr><th scope="col">${t('colTeam')}</th><th scope="col">${t('colProfile')}</th><th scope="col">${t('colSync')}</th></tr></thead>
    <tbody>
      ${teams.map(
        (team) => html`<tr data-team-id=${team.id}>
          <th scope="row">${team.name}</th>
          <td>${team.profileName ?? team.profileId ?? t('defaultProfile')}</td>
          <td>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                data-testid="team-sync-toggle"
                .checked=${team.syncEnabled}
                ?disabled=${busyTeam === team.id}
                aria-checked=${team.syncEnabled ? 'true' : 'false'}
                @change=${(e: Event) => toggle(team, (e.target as HTMLInputElement).checked)}
              />
              ${team.syncEnabled ? t('on') : t('off')}
            </label>
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Top-level fields this page renders in its own sections. */
const KNOWN_TOP = new Set(['lifecycle', 'presenceMode', 'health', 'permissions', 'adminConsentUrl', 'unmatchedAgents', 'counts', 'readiness']);

/** "lastDirectoryRefreshAt" → "Last directory refresh at": a readable label for a field this page does not know. */
const humanise = (key: string): string => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function genericValue(v: unknown, key: string, c: Ctx, depth: number): TemplateResult | string {
  if (v == null) return c.t('none');
  if (typeof v === 'boolean') return v ? c.t('yes') : c.t('no');
  if (typeof v === 'number') {
    // Epoch milliseconds in fields named like times read as relative times.
    if (/(At|Since|Until|Expires)$/i.test(key) && v > 1e12) return `${c.fmt.dateTime(v)} (${c.fmt.relative(v, c.now)})`;
    if (/Ms$/.test(key)) return span(c, v);
    return c.fmt.number(v);
  }
  if (typeof v === 'string') return v;
  if (depth >= 2) return JSON.stringify(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return c.t('none');
    return html`<ul class="generic">${v.map((x) => html`<li>${genericValue(x, key, c, depth + 1)}</li>`)}</ul>`;
  }
  return html`<dl class="generic">${Object.entries(v as Rec).map(([k, x]) => html`<dt>${humanise(k)}</dt><dd>${genericValue(x, k, c, depth + 1)}</dd>`)}</dl>`;
}

/** Every status field the sections above do not render, so nothing a server adds stays invisible. */
export function otherFields(status: AdminStatus, skip: readonly string[]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(status as unknown as Rec)) {
    if (k === 'health' && isRec(v)) {
      for (const [hk, hv] of Object.entries(v)) if (!HEALTH_KEYS.has(hk) && !skip.includes(`health.${hk}`)) out.push([hk, hv]);
    } else if (!KNOWN_TOP.has(k) && !skip.includes(k)) {
      if (!isRec(v)) {
        out.push([k, v]);
        continue;
      }
      // Keys of this object that a section above already shows are left out of the generic view.
      const rest = Object.entries(v).filter(([sub]) => !skip.includes(`${k}.${sub}`));
      if (rest.length > 0) out.push([k, Object.fromEntries(rest)]);
    }
  }
  return out;
}

/** The paths a credential section covers, for {@link otherFields}. */
export const credentialPaths = (path: string): string[] => CREDENTIAL_KEYS.map((k) => `${path}.${k}`);

export function renderOther(fields: Array<[string, unknown]>, c: Ctx) {
  return html`<table data-testid="other-status">
    <tbody>
      ${fields.map(([k, v]) => html`<tr data-field=${k}><th scope="row">${humanise(k)}</th><td>${genericValue(v, k, c, 0)}</td></tr>`)}
    </tbody>
  </table>`;
}

export const adminStyles = css`
  :host {
    padding: 16px;
    max-width: 960px;
  }
  section {
    margin-top: 20px;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
  }
  .badge {
    font-weight: 700;
    padding: 2px 10px;
    border-radius: 999px;
    border: 2px solid currentColor;
  }
  .badge[data-lifecycle='active'] {
    color: var(--tpc-success);
  }
  .badge[data-lifecycle='inactive'] {
    color: var(--tpc-warning-fg);
  }
  .badge[data-lifecycle='unconfigured'],
  .badge[data-lifecycle='deleted'] {
    color: var(--tpc-muted);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-top: 12px;
  }
  .perms {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .perms li {
    display: flex;
    gap: 8px;
    align-items: baseline;
    padding: 2px 0;
  }
  .ok {
    color: var(--tpc-success);
    font-weight: 700;
  }
  .bad {
    color: var(--tpc-error);
    font-weight: 700;
  }
  a {
    color: var(--mds-color-theme-text-accent-normal);
  }
  th[scope='row'] {
    font-weight: 500;
    width: 45%;
  }
  dl.generic {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 2px 12px;
    margin: 0;
  }
  dl.generic dd {
    margin: 0;
  }
  ul.generic {
    margin: 0;
    padding-left: 18px;
  }
  dialog {
    color: var(--tpc-fg);
    background: var(--tpc-bg);
    border: 1px solid var(--tpc-border);
    border-radius: var(--tpc-radius);
    max-width: min(480px, calc(100vw - 32px));
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  dialog .row {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 12px;
  }
`;
