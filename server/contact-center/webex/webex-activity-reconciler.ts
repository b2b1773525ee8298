import type { Logger } from '../../logger.js';
import type { AgentSnapshot, Clock } from '../../ports.js';
import type { Priority } from '../command-scheduler.js';
import type { WebexContactMemory } from './webex-contact-memory.js';
import type { WebexConfigClient } from './webex-config-client.js';
import type { WebexHttpClient } from './webex-http-client.js';
import { isRonaName, num, obj, str, type Json } from './webex-payload.js';

/**
 * Reconciliation from `GET /v1/agents/activities` (OAS: `from` required, window under 24 h, `pageSize` ≤ 1000,
 * at most 10,000 records per query, at most 100 `agentIds`, sorted by start time ascending).
 *
 * Correct by construction:
 * - agents are queried by id, at most 100 per query, so one busy team cannot push another out of the answer;
 * - each query's window ends when that query is sent (not when the snapshot started), so a change made while
 *   earlier chunks were read is inside the window of the chunk that lists its agent;
 * - an agent is reported only from an explicit record: the latest record of that agent, when it is open
 *   (`endTime` -1). An agent absent from the answer, or whose latest record is already closed (it changed again
 *   while we read), is **not reported at all**: absence never means logged out. Logout comes from a logout event
 *   or an explicit logged-out record;
 * - a record older than an event this process already received for the agent was read before that event: it
 *   does not say where the agent is now and is not reported (the event already told the engine);
 * - an answer that may be truncated (10,000 records, or more records announced than read) is never trusted:
 *   the chunk is split in two and read again, down to one agent, whose window is then shortened.
 *
 * Activities do not say who made a change; the reason text (where the connector's marker lives) is passed on.
 */

const DAY_MS = 24 * 60 * 60_000;
const WINDOW_MS = DAY_MS - 5 * 60_000;
const PAGE_SIZE = 1000;
const MAX_RECORDS = 10_000;
export const MAX_AGENT_IDS = 100;
const MIN_WINDOW_MS = 60_000;

const ENGAGED = new Set(['connected', 'engaged', 'conferencing', 'conference', 'hold', 'consulting', 'consult']);
const OFFERED = new Set(['ringing', 'reserved', 'offered']);
const LOGGED_OUT = new Set(['logged-out', 'loggedout', 'logout', 'logged_out']);

export interface ReconcileStats {
  queries: number;
  narrowed: number;
  lastAgents: number;
  lastReported: number;
}

export class WebexActivityReconciler {
  readonly stats: ReconcileStats = { queries: 0, narrowed: 0, lastAgents: 0, lastReported: 0 };

  constructor(
    private readonly http: WebexHttpClient,
    private readonly orgId: string,
    private readonly memory: WebexContactMemory,
    private readonly codes: WebexConfigClient,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  /**
   * Current state of the given agents that the contact center states explicitly (see the class comment). With
   * `since` (a time in Webex's clock before which nothing the caller asks about changed: the webhooks being followed
   * up), the window starts a minute before it instead of a day back: an agent's open record started at or after
   * its latest change, and the answer carries a few records per agent instead of a day of them.
   */
  async snapshot(agentIds: readonly string[], priority: Priority = 4, since?: number): Promise<AgentSnapshot[]> {
    // The idle-code cache decides which Idle is RONA; refresh it if it has expired.
    await this.codes.listIdleCodes().catch(() => undefined);
    const ids = [...new Set(agentIds.filter(Boolean))];
    const out: AgentSnapshot[] = [];
    for (let i = 0; i < ids.length; i += MAX_AGENT_IDS) {
      const windowMs = since === undefined ? WINDOW_MS : Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, this.clock.now() - since + MIN_WINDOW_MS));
      const rows = await this.readChunk(ids.slice(i, i + MAX_AGENT_IDS), windowMs, priority);
      for (const row of rows.values()) {
        const snap = this.toSnapshot(row);
        // Read before an event this process already received: not where the agent is now, so not stated.
        if (snap && this.memory.record(snap, undefined, true)) out.push(snap);
      }
    }
    this.stats.lastAgents = ids.length;
    this.stats.lastReported = out.length;
    return out;
  }

  /** The latest record of each agent in the chunk, when it is open. Narrows a truncated answer. */
  private async readChunk(ids: readonly string[], windowMs: number, priority: Priority): Promise<Map<string, Json>> {
    const to = this.clock.now();
    const read = await this.query(ids, to - windowMs, to, priority);
    if (read.truncated) {
      this.stats.narrowed++;
      if (ids.length > 1) {
        const half = Math.ceil(ids.length / 2);
        const [a, b] = await Promise.all([this.readChunk(ids.slice(0, half), windowMs, priority), this.readChunk(ids.slice(half), windowMs, priority)]);
        return new Map([...a, ...b]);
      }
      if (windowMs > MIN_WINDOW_MS) return this.readChunk(ids, Math.max(MIN_WINDOW_MS, Math.floor(windowMs / 4)), priority);
      this.logger?.warn({ agentId: ids[0] }, 'agent activities still truncated for one agent in one minute; the agent is left as known');
      return new Map();
    }
    const latest = new Map<string, Json>();
    const open = new Map<string, Json>();
    for (const row of read.rows) {
      const agentId = str(row.agentId);
      if (!agentId) continue;
      const prev = latest.get(agentId);
      if (!prev || (num(row.startTime) ?? 0) >= (num(prev.startTime) ?? 0)) latest.set(agentId, row);
      if (num(row.endTime) === -1) {
        const o = open.get(agentId);
        if (!o || outranks(row, o)) open.set(agentId, row);
      }
    }
    const result = new Map<string, Json>();
    for (const [agentId, last] of latest) {
      const current = open.get(agentId);
      if (current) result.set(agentId, current);
      else if (LOGGED_OUT.has((str(last.currentState) ?? '').toLowerCase())) result.set(agentId, last);
      // No open record: the agent changed while we read; its event (or the next pass) says where it is now.
    }
    return result;
  }

  private async query(ids: readonly string[], from: number, to: number, priority: Priority): Promise<{ rows: Json[]; truncated: boolean }> {
    const rows: Json[] = [];
    let announced: number | undefined;
    for (let page = 0; page * PAGE_SIZE < MAX_RECORDS; page++) {
      this.stats.queries++;
      const res = await this.http.request<unknown>('read agent activities', {
        method: 'GET',
        path: '/v1/agents/activities',
        params: { orgId: this.orgId, from, to, agentIds: ids.join(','), page, pageSize: PAGE_SIZE },
        priority,
      });
      const body = obj(res.data);
      const data = Array.isArray(body.data) ? body.data.map(obj) : [];
      announced = num(obj(body.meta).totalRecords) ?? announced;
      rows.push(...data);
      if (data.length < PAGE_SIZE) break;
      if (announced !== undefined && rows.length >= announced) break;
    }
    const truncated = rows.length >= MAX_RECORDS || (announced !== undefined && announced > rows.length) || (announced !== undefined && announced >= MAX_RECORDS);
    return { rows, truncated };
  }

  private toSnapshot(r: Json): AgentSnapshot | null {
    const agentId = str(r.agentId)!;
    const state = (str(r.currentState) ?? '').toLowerCase();
    const changedAt = num(r.startTime) ?? this.clock.now();
    const reason = str(r.reason);
    const base = { agentId, changedAt, origin: 'unknown' as const, ...(reason ? { reason } : {}) };
    if (LOGGED_OUT.has(state)) return { ...base, state: 'LoggedOut', contact: null };
    if (state === 'available') return { ...base, state: 'Available', contact: null };
    if (state === 'idle' || state === 'rona') {
      const code = str(r.idleCode) ?? str(r.auxCodeId);
      const rona = state === 'rona' || this.codes.isRona(code) || isRonaName(str(r.idleCodeName) ?? '');
      const idleCodeId = code ?? (rona ? this.codes.ronaCodeId() : undefined);
      return { ...base, state: rona ? 'RONA' : 'Idle', ...(idleCodeId ? { idleCodeId } : {}), ...(rona ? { origin: 'system' } : {}), contact: null };
    }
    const contactId = str(r.taskId);
    const contact = contactId ? { id: contactId, mediaType: str(r.channelType) ?? 'telephony', conference: state.startsWith('conferenc') } : null;
    // An offered (ringing) contact is a contact: a mapped idle waits as pending instead of failing.
    if (ENGAGED.has(state) || OFFERED.has(state)) return { ...base, state: 'Engaged', origin: 'system', contact };
    if (state === 'wrapup' || state === 'wrap-up' || state === 'wrapping') return { ...base, state: 'WrapUp', origin: 'system', contact };
    return null;
  }
}

function rank(r: Json): number {
  const s = (str(r.currentState) ?? '').toLowerCase();
  return ENGAGED.has(s) || OFFERED.has(s) || s.startsWith('wrap') ? 1 : 0;
}

function outranks(a: Json, b: Json): boolean {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra > rb;
  return (num(a.startTime) ?? 0) >= (num(b.startTime) ?? 0);
}
