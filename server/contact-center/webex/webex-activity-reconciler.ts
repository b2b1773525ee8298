import type { Logger } from '../../logger.js';
import type { AgentSnapshot, Clock } from '../../ports.js';
import type { WebexAgentTracker } from './webex-agent-tracker.js';
import type { WebexConfigClient } from './webex-config-client.js';
import type { WebexHttpClient } from './webex-http-client.js';
import { isRonaName, num, obj, str, type Json } from './webex-payload.js';

/**
 * Reconciliation from `GET /v1/agents/activities`: the active record (endTime -1) of every agent is the
 * agent's current state. Webex delivers events at least once and in no guaranteed order and recommends such a
 * periodic job; the engine calls it on start, periodically and whenever the event stream comes back.
 *
 * Limits of the vendor API shape what this can see: the window is < 24 h and at most 10,000 records, so an
 * agent whose current state began more than a day ago without any activity since is not listed.
 * Activities do not say who made a change; an unchanged state keeps the origin learnt from events.
 */

const WINDOW_MS = 24 * 60 * 60_000 - 60_000;
const PAGE_SIZE = 1000;
const MAX_RECORDS = 10_000;

const ENGAGED = new Set(['connected', 'engaged', 'conferencing', 'conference', 'hold', 'consulting', 'consult']);
const AVAILABLE = new Set(['available', 'ringing', 'reserved', 'offered']);

export class WebexActivityReconciler {
  constructor(
    private readonly http: WebexHttpClient,
    private readonly orgId: string,
    private readonly tracker: WebexAgentTracker,
    private readonly codes: WebexConfigClient,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  async snapshot(): Promise<AgentSnapshot[]> {
    const startedAt = this.clock.now();
    // The idle-code cache decides which Idle is RONA; refresh it if it has expired.
    await this.codes.listIdleCodes().catch(() => undefined);
    const records = await this.activeRecords(startedAt);
    const out: AgentSnapshot[] = [];
    for (const rec of records.values()) {
      const snap = this.toSnapshot(rec);
      if (snap) out.push(this.tracker.reconcile(snap));
    }
    this.tracker.markLoggedOutExcept(new Set(out.map((s) => s.agentId)), startedAt);
    return out;
  }

  /** The record that describes each agent now: a contact in progress wins over a channel's idle/available record. */
  private async activeRecords(now: number): Promise<Map<string, Json>> {
    const byAgent = new Map<string, Json>();
    let seen = 0;
    for (let page = 0; seen < MAX_RECORDS; page++) {
      const res = await this.http.request<unknown>('read agent activities', {
        method: 'GET',
        path: '/v1/agents/activities',
        params: { orgId: this.orgId, from: now - WINDOW_MS, to: now, page, pageSize: PAGE_SIZE },
      });
      const data = obj(res.data).data;
      const rows = Array.isArray(data) ? data.map(obj) : [];
      seen += rows.length;
      for (const row of rows) {
        const agentId = str(row.agentId);
        if (!agentId || num(row.endTime) !== -1) continue;
        const prev = byAgent.get(agentId);
        if (!prev || outranks(row, prev)) byAgent.set(agentId, row);
      }
      if (rows.length < PAGE_SIZE) break;
    }
    if (seen >= MAX_RECORDS) {
      this.logger?.warn({ records: seen }, 'agent activities hit the 10,000-record limit; the snapshot may miss agents');
    }
    return byAgent;
  }

  private toSnapshot(r: Json): AgentSnapshot | null {
    const agentId = str(r.agentId)!;
    const state = (str(r.currentState) ?? '').toLowerCase();
    const changedAt = num(r.startTime) ?? this.clock.now();
    const reason = str(r.reason);
    const base = { agentId, changedAt, origin: 'unknown' as const, ...(reason ? { reason } : {}) };
    if (AVAILABLE.has(state)) return { ...base, state: 'Available', contact: null };
    if (state === 'idle' || state === 'rona') {
      const code = str(r.idleCode) ?? str(r.auxCodeId);
      const rona = state === 'rona' || this.codes.isRona(code) || isRonaName(str(r.idleCodeName) ?? '');
      const idleCodeId = code ?? (rona ? this.codes.ronaCodeId() : undefined);
      return { ...base, state: rona ? 'RONA' : 'Idle', ...(idleCodeId ? { idleCodeId } : {}), ...(rona ? { origin: 'system' } : {}), contact: null };
    }
    const contactId = str(r.taskId);
    const contact = contactId ? { id: contactId, mediaType: str(r.channelType) ?? 'telephony', conference: state.startsWith('conferenc') } : null;
    if (ENGAGED.has(state)) return { ...base, state: 'Engaged', origin: 'system', contact };
    if (state === 'wrapup' || state === 'wrap-up' || state === 'wrapping') return { ...base, state: 'WrapUp', origin: 'system', contact };
    return null;
  }
}

function rank(r: Json): number {
  const s = (str(r.currentState) ?? '').toLowerCase();
  return ENGAGED.has(s) || s.startsWith('wrap') ? 1 : 0;
}

function outranks(a: Json, b: Json): boolean {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra > rb;
  return (num(a.startTime) ?? 0) >= (num(b.startTime) ?? 0);
}
