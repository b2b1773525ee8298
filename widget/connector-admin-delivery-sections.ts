import { html, nothing } from 'lit';
import type { AdminStatus } from '../server/gateway/contract.js';
import { ago, isRec, span, type Ctx, type Rec } from './connector-admin-format.js';

/**
 * Sections of `<presence-connector-admin>` about what the connector has not yet delivered: the contact-center
 * request budget and its queue, Teams users left out of presence subscriptions, and writes waiting for the database.
 */

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
