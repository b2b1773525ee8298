import { html } from 'lit';
import type { AdminStatus, AdminTeamDto } from '../server/gateway/contract.js';
import { ago, isRec, num, span, type Ctx, type Rec } from './connector-admin-format.js';

/**
 * Sections of `<presence-connector-admin>` about the services the connector depends on: health of the Graph and
 * contact-center connections, each readiness check, and whom the connector acts as at the contact center.
 */

/** Health fields this page renders itself; anything else in `health` goes to "More status". */
export const HEALTH_KEYS = new Set([
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

/** The paths a credential section covers, for {@link otherFields}. */
export const credentialPaths = (path: string): string[] => CREDENTIAL_KEYS.map((k) => `${path}.${k}`);
