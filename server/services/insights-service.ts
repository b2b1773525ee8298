import type { AgentState, CcState, Origin } from '../domain/agent.js';
import { decide, type Decision, type DecisionInput } from '../domain/decide.js';
import type { MappingProfile } from '../domain/mapping.js';
import type { Clock } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { AuditFact } from '../store/audit-store.js';
import type { Stores } from '../store/index.js';
import type { AgentRegistry } from './agent-registry.js';

/**
 * Supervisor insights: aggregates over the audit trail for a time range, and the impact preview of a candidate
 * mapping profile. Read-only: everything comes from the registry and the audit store; the preview runs the pure
 * decide() and sends nothing. Answers carry codes and numbers only; the console renders the words.
 */

export interface InsightsDeps {
  registry: AgentRegistry;
  stores: Stores;
  clock: Clock;
  commandTimeoutMs: number;
  /** Most audit entries one insights answer reads; older entries in the range are left out and flagged. */
  maxScan?: number;
}

export interface InsightsRange {
  from: number;
  to: number;
  teamId?: string;
}

/** Upper bounds of the freshness buckets (ms); the last bucket is open. */
export const FRESHNESS_BUCKETS_MS = [500, 1000, 2000, 5000, 10_000, 30_000] as const;

export interface Insights {
  from: number;
  to: number;
  teamId: string | null;
  idle: { totalMinutes: number; byTeam: { teamId: string; teamName: string; minutes: number }[]; byAgent: { agentId: string; name: string; teamId: string; minutes: number }[] };
  decisions: { action: string; reason: string; count: number }[];
  freshness: { count: number; p50Ms: number | null; p90Ms: number | null; p99Ms: number | null; maxMs: number | null; buckets: { upToMs: number | null; count: number }[] };
  /** Estimated: the team's offers per Available minute × minutes its agents were held idle by the connector. */
  offersAvoided: { total: number; byTeam: { teamId: string; teamName: string; offers: number; availableMinutes: number; heldMinutes: number; estimate: number }[] };
  scanned: number;
  /** True when the range held more entries than one answer reads: the oldest ones were left out. */
  truncated: boolean;
}

export type ImpactOutcome = 'idle' | 'switch' | 'release' | 'idle-after-contact' | 'unchanged';

export interface ImpactPreview {
  profileId: string | null;
  agents: number;
  counts: Record<ImpactOutcome, number>;
  byTeam: { teamId: string; teamName: string; counts: Record<ImpactOutcome, number> }[];
  /** The agents whose state would change (first 200), with the decision's action, reason and idle code. */
  changes: { agentId: string; name: string; teamId: string; outcome: ImpactOutcome; reason: string; idleCodeId: string | null; idleCodeName: string | null }[];
}

const MINUTE = 60_000;
/** Audit facts read per page of an insights scan (a few milliseconds each). */
const PAGE = 2_000;
const yieldToEngine = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const round1 = (n: number): number => Math.round(n * 10) / 10;
const emptyCounts = (): Record<ImpactOutcome, number> => ({ idle: 0, switch: 0, release: 0, 'idle-after-contact': 0, unchanged: 0 });

interface Segment {
  state: AgentState;
  origin: Origin;
  start: number;
}

const ccOf = (cc: AuditFact['cc'] | undefined): CcState | null =>
  cc && typeof cc.state === 'string' && typeof cc.origin === 'string' && typeof cc.changedAt === 'number' ? (cc as CcState) : null;

export function outcomeOf(d: Decision): ImpactOutcome {
  switch (d.action) {
    case 'set-idle':
      return d.reason === 'idle-code-switch' ? 'switch' : 'idle';
    case 'set-available':
    case 'schedule-release':
      return 'release';
    case 'hold-pending':
      return 'idle-after-contact';
    default:
      return 'unchanged';
  }
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export class InsightsService {
  constructor(private readonly d: InsightsDeps) {}

  /** The engine's clock, for default ranges. */
  now(): number {
    return this.d.clock.now();
  }

  async insights(range: InsightsRange): Promise<Insights> {
    const r = this.d.registry;
    const now = this.d.clock.now();
    const end = Math.min(range.to, now);
    const agents = [...r.agents.values()].filter((a) => !range.teamId || a.teamId === range.teamId);
    const wanted = new Set(agents.map((a) => a.id));
    const decisions = new Map<string, number>();
    const fresh: number[] = [];
    const observed = new Map<string, CcState[]>();
    const max = this.d.maxScan ?? 200_000;
    let scanned = 0;
    let truncated = false;
    let cursor: { at: number; id: number } | null = null;
    // Newest first, so a range too large for one answer loses its oldest entries, never the recent ones. Between
    // pages the event loop runs, so a large range never holds up the sync engine for more than one page.
    for (;;) {
      const page = this.d.stores.audit.factsPage(range.from, range.to, cursor, Math.min(PAGE, max - scanned + 1));
      for (const e of page) {
        if (scanned >= max) {
          truncated = true;
          break;
        }
        scanned++;
        if (!wanted.has(e.agentId)) continue;
        const key = `${e.action}\u0000${e.reason}`;
        decisions.set(key, (decisions.get(key) ?? 0) + 1);
        if ((e.action === 'set-idle' || e.action === 'set-available') && e.result === 'confirmed' && e.resultAt != null) fresh.push(Math.max(0, e.resultAt - e.at));
        const cc = ccOf(e.cc);
        if (cc) (observed.get(e.agentId) ?? observed.set(e.agentId, []).get(e.agentId)!).push(cc);
      }
      const last = page.at(-1);
      if (truncated || !last || page.length < PAGE) break;
      cursor = { at: last.at, id: last.id };
      await yieldToEngine();
    }

    const teamTotals = new Map<string, { held: number; available: number; offers: number }>();
    const byAgent: Insights['idle']['byAgent'] = [];
    for (const [i, a] of agents.entries()) {
      if (i > 0 && i % PAGE === 0) await yieldToEngine();
      const t = this.timeline(a, observed.get(a.id) ?? [], range.from);
      const m = measure(t, range.from, end);
      const team = teamTotals.get(a.teamId ?? '') ?? teamTotals.set(a.teamId ?? '', { held: 0, available: 0, offers: 0 }).get(a.teamId ?? '')!;
      team.held += m.held;
      team.available += m.available;
      team.offers += m.offers;
      if (m.held > 0) byAgent.push({ agentId: a.id, name: a.name, teamId: a.teamId ?? '', minutes: round1(m.held / MINUTE) });
    }
    byAgent.sort((x, y) => y.minutes - x.minutes || x.name.localeCompare(y.name));
    const teamName = (id: string): string => r.teams.get(id)?.name ?? '';
    const teams = [...teamTotals.entries()].sort(([a], [b]) => teamName(a).localeCompare(teamName(b)));
    const byTeam = teams.map(([teamId, t]) => ({ teamId, teamName: teamName(teamId), minutes: round1(t.held / MINUTE) }));
    const offersByTeam = teams.map(([teamId, t]) => {
      const availableMinutes = t.available / MINUTE;
      const heldMinutes = t.held / MINUTE;
      const estimate = availableMinutes > 0 ? (t.offers / availableMinutes) * heldMinutes : 0;
      return { teamId, teamName: teamName(teamId), offers: t.offers, availableMinutes: round1(availableMinutes), heldMinutes: round1(heldMinutes), estimate: round1(estimate) };
    });

    fresh.sort((x, y) => x - y);
    const buckets = [...FRESHNESS_BUCKETS_MS, null].map((upToMs, i) => {
      const lower = i === 0 ? -1 : FRESHNESS_BUCKETS_MS[i - 1]!;
      return { upToMs, count: fresh.filter((v) => v > lower && (upToMs == null || v <= upToMs)).length };
    });

    return {
      from: range.from,
      to: range.to,
      teamId: range.teamId ?? null,
      idle: { totalMinutes: round1(byTeam.reduce((s, t) => s + t.minutes, 0)), byTeam, byAgent: byAgent.slice(0, 100) },
      decisions: [...decisions.entries()]
        .map(([k, count]) => {
          const [action, reason] = k.split('\u0000') as [string, string];
          return { action, reason, count };
        })
        .sort((x, y) => y.count - x.count || x.reason.localeCompare(y.reason)),
      freshness: { count: fresh.length, p50Ms: percentile(fresh, 50), p90Ms: percentile(fresh, 90), p99Ms: percentile(fresh, 99), maxMs: fresh.at(-1) ?? null, buckets },
      offersAvoided: { total: round1(offersByTeam.reduce((s, t) => s + t.estimate, 0)), byTeam: offersByTeam },
      scanned,
      truncated,
    };
  }

  /**
   * What saving `candidate` now would do to the agents it governs: the same decide() the engine runs on a
   * profile change ('profile-changed'), with each agent's current state, presence and memory. `teamIds` previews
   * an assignment instead: the agents of those teams.
   */
  impact(candidate: MappingProfile, profileId: string | null, teamIds?: readonly string[]): ImpactPreview {
    const r = this.d.registry;
    const now = this.d.clock.now();
    const teams = teamIds ? new Set(teamIds) : null;
    const governed = [...r.agents.values()].filter((a) => (teams ? a.teamId != null && teams.has(a.teamId) : profileId != null && r.profileFor(a)?.id === profileId));
    const counts = emptyCounts();
    const perTeam = new Map<string, Record<ImpactOutcome, number>>();
    const changes: ImpactPreview['changes'] = [];
    for (const a of governed) {
      const { decision } = decide(this.inputFor(a, candidate, now));
      const outcome = outcomeOf(decision);
      counts[outcome]++;
      const team = perTeam.get(a.teamId ?? '') ?? perTeam.set(a.teamId ?? '', emptyCounts()).get(a.teamId ?? '')!;
      team[outcome]++;
      if (outcome !== 'unchanged' && changes.length < 200) {
        const idleCodeId = 'idleCodeId' in decision ? decision.idleCodeId : null;
        changes.push({ agentId: a.id, name: a.name, teamId: a.teamId ?? '', outcome, reason: decision.reason, idleCodeId, idleCodeName: idleCodeId ? r.idleCodeName(idleCodeId) : null });
      }
    }
    const byTeam = [...perTeam.entries()].map(([teamId, c]) => ({ teamId, teamName: r.teams.get(teamId)?.name ?? '', counts: c }));
    byTeam.sort((x, y) => x.teamName.localeCompare(y.teamName));
    return { profileId, agents: governed.length, counts, byTeam, changes };
  }

  /** The engine's decision input for an agent under another profile (write-back echoes are not previewed). */
  private inputFor(a: AgentRecord, profile: MappingProfile, now: number): DecisionInput {
    const r = this.d.registry;
    return {
      trigger: 'profile-changed',
      now,
      connectorActive: r.lifecycle === 'active',
      teamSyncEnabled: r.teamSyncEnabled(a),
      matched: a.teamsUserId != null,
      pausedUntil: a.pausedUntil,
      cc: a.cc,
      previousCc: null,
      presence: r.presenceStaleSince != null ? null : a.presence,
      profile,
      pendingIdleCodeId: a.pendingIdleCodeId,
      releaseDueAt: a.releaseDueAt,
      overridePresence: a.overridePresence,
      inFlight: a.inFlight,
      commandTimeoutMs: this.d.commandTimeoutMs,
      echo: null,
      releaseOnStale: true,
    };
  }

  /**
   * The agent's state over the range, from the states the audit recorded (every state change is decided, and
   * each decision records the state it saw with its start time), the current state, and for the state at the
   * start of the range the latest entry before it.
   */
  private timeline(a: AgentRecord, seen: CcState[], from: number): Segment[] {
    const states = [...seen, a.cc];
    if (!states.some((s) => s.changedAt <= from)) {
      const cc = ccOf(this.d.stores.audit.stateAtOrBefore(a.id, from));
      if (cc) states.push(cc);
    }
    const byStart = new Map<number, Segment>();
    for (const s of states) byStart.set(s.changedAt, { state: s.state, origin: s.origin, start: s.changedAt });
    return [...byStart.values()].sort((x, y) => x.start - y.start);
  }
}

/** Milliseconds held idle by the connector and Available within [from, end], and offers (Available → Engaged/RONA). */
function measure(t: Segment[], from: number, end: number): { held: number; available: number; offers: number } {
  let held = 0;
  let available = 0;
  let offers = 0;
  for (let i = 0; i < t.length; i++) {
    const s = t[i]!;
    const next = t[i + 1]?.start ?? Number.POSITIVE_INFINITY;
    const span = Math.max(0, Math.min(next, end) - Math.max(s.start, from));
    if (s.state === 'Idle' && s.origin === 'connector') held += span;
    if (s.state === 'Available') available += span;
    const prev = t[i - 1];
    if (prev?.state === 'Available' && (s.state === 'Engaged' || s.state === 'RONA') && s.start >= from && s.start <= end) offers++;
  }
  return { held, available, offers };
}
