import type { IdleCode } from '../domain/agent.js';
import type { MappingProfile } from '../domain/mapping.js';
import type { DecisionView } from './view-types.js';
import type { Clock, Stores } from '../ports.js';
import type { AgentRecord, InFlightRecord } from '../store/agent-store.js';
import type { Lifecycle } from '../store/connector-store.js';
import type { TeamRecord } from '../store/profile-store.js';

/** The fields of an agent the engine and the services may change; identity (`id`) never changes. */
export type AgentPatch = Partial<Omit<AgentRecord, 'id'>>;

/**
 * The one owner of agent state: agents, their teams and profiles, idle code names, lifecycle and each agent's
 * last decision. Everything the hot path reads comes from here, never from a query. The maps are private;
 * others read them as read-only views and change them only through the methods below, which update memory and
 * SQLite in the same call.
 */
export class AgentRegistry {
  private readonly agentMap = new Map<string, AgentRecord>();
  private readonly byTeamsUser = new Map<string, string>();
  private readonly teamMap = new Map<string, TeamRecord>();
  private readonly profileMap = new Map<string, MappingProfile>();
  private readonly idleCodeMap = new Map<string, IdleCode>();
  private readonly decisions = new Map<string, DecisionView>();
  private currentLifecycle: Lifecycle = 'unconfigured';
  private staleSince: number | null = null;

  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
  ) {}

  get agents(): ReadonlyMap<string, Readonly<AgentRecord>> {
    return this.agentMap;
  }
  get teams(): ReadonlyMap<string, TeamRecord> {
    return this.teamMap;
  }
  get profiles(): ReadonlyMap<string, MappingProfile> {
    return this.profileMap;
  }
  get idleCodes(): ReadonlyMap<string, IdleCode> {
    return this.idleCodeMap;
  }
  get lifecycle(): Lifecycle {
    return this.currentLifecycle;
  }
  /** Since when Teams presence could not be read (fail-open), or null. Memory only: it is re-measured at start. */
  get presenceStaleSince(): number | null {
    return this.staleSince;
  }

  load(): void {
    this.agentMap.clear();
    this.byTeamsUser.clear();
    this.decisions.clear();
    for (const a of this.stores.agents.all()) this.index(a);
    this.reloadTeams();
    this.profileMap.clear();
    for (const p of this.stores.profiles.all()) this.profileMap.set(p.id, p);
    this.setIdleCodes(this.stores.connector.idleCodes());
    this.currentLifecycle = this.stores.connector.get().lifecycle;
    for (const a of this.agentMap.values()) {
      const e = a.lastDecisionId == null ? null : this.stores.audit.get(a.lastDecisionId);
      if (e) this.decisions.set(a.id, this.shared({ id: e.id, at: e.at, trigger: e.trigger, action: e.action, reason: e.reason, text: e.text, reasonCode: e.reasonCode, result: e.result }));
    }
  }

  /**
   * Runs `fn` in one SQLite transaction (with 'turn', part of the event-loop turn's group commit). If it throws,
   * SQLite rolls back, and so does memory: the registry reloads what was stored, so the two never disagree.
   */
  transaction(fn: () => void, group?: 'turn'): void {
    try {
      this.stores.transaction(fn, group);
    } catch (err) {
      this.load();
      throw err;
    }
  }

  // ------------------------------------------------------------------------------------------- agents

  /**
   * Changes an agent in memory and in SQLite together; with `lastDecision`, also the decision the agent sees.
   * Returns the new record, or undefined for an unknown agent.
   */
  updateAgent(id: string, patch: AgentPatch, lastDecision?: DecisionView): Readonly<AgentRecord> | undefined {
    const current = this.agentMap.get(id);
    if (!current) return undefined;
    // The stored id string is kept (not the caller's copy): one string per agent, however many events name it.
    const next: AgentRecord = { ...current, ...patch, ...(lastDecision ? { lastDecisionId: lastDecision.id } : {}), id: current.id };
    if (patch.teamsUserId !== undefined && patch.teamsUserId === current.teamsUserId) next.teamsUserId = current.teamsUserId;
    this.stores.agents.save(next, this.clock.now(), current);
    this.index(next);
    if (lastDecision) this.decisions.set(id, this.shared(lastDecision));
    return next;
  }

  /**
   * An unchanged presence was observed again: only its time moves, in memory. It is stored with the agent's
   * next change; writing a row per agent per poll cycle would cost more than losing it in a crash.
   */
  touchPresence(id: string, at: number): void {
    const current = this.agentMap.get(id);
    if (current) this.agentMap.set(id, { ...current, presenceAt: at });
  }

  /**
   * The contact center accepted the command in flight, which carries a command id: the tracking id it answered joins
   * the record in memory only, and is stored with the agent's next change (normally the confirmation, milliseconds
   * later). A restart in between finds the command in flight with its command id, which recovery resolves by
   * reading the marker back (CommandTracker.recoverUnsent), as it does for a command whose answer never came; so
   * the write this saves, one per command, holds nothing recovery needs.
   */
  noteAccepted(id: string, inFlight: InFlightRecord & { commandId: string }): void {
    const current = this.agentMap.get(id);
    if (current) this.agentMap.set(id, { ...current, inFlight });
  }

  /** Adds or refreshes agents from the contact-center directory (name, email, team), keeping state and memory. */
  upsertDirectory(agents: readonly { id: string; name: string; email: string; teamId: string | null }[]): void {
    this.stores.agents.upsertDirectory(agents, this.clock.now());
    const stored = new Map(this.stores.agents.all().map((a) => [a.id, a]));
    for (const a of agents) {
      const existing = this.agentMap.get(a.id);
      const fresh = stored.get(a.id);
      if (existing) this.index({ ...existing, name: a.name, email: a.email, teamId: a.teamId });
      else if (fresh) this.index(fresh);
    }
  }

  agentByTeamsUser(teamsUserId: string): Readonly<AgentRecord> | undefined {
    const id = this.byTeamsUser.get(teamsUserId.toLowerCase());
    return id ? this.agentMap.get(id) : undefined;
  }

  /** The decision the agent sees (the last one that was not a mere re-check after a command result). */
  lastDecision(agentId: string): DecisionView | undefined {
    return this.decisions.get(agentId);
  }

  /** A command's outcome reaches the agent's view when it belongs to the decision they see. */
  setDecisionResult(agentId: string, auditId: number, result: DecisionView['result']): void {
    const view = this.decisions.get(agentId);
    if (view?.id === auditId) this.decisions.set(agentId, { ...view, result });
  }

  // ------------------------------------------------------------------------------------------- catalog

  reloadTeams(): void {
    this.teamMap.clear();
    for (const t of this.stores.profiles.teams()) this.teamMap.set(t.id, t);
  }

  /** Keeps a profile the caller has just stored (inside its own transaction) in memory. */
  putProfile(p: MappingProfile): void {
    this.profileMap.set(p.id, p);
  }

  removeProfile(id: string): void {
    this.profileMap.delete(id);
    this.reloadTeams();
  }

  setIdleCodes(codes: readonly IdleCode[]): void {
    this.idleCodeMap.clear();
    for (const c of codes) this.idleCodeMap.set(c.id, c);
  }

  /** Lifecycle in memory and in SQLite together. */
  setLifecycle(lifecycle: Lifecycle): void {
    const rec = this.stores.connector.get();
    this.stores.connector.set({ ...rec, lifecycle, changedAt: this.clock.now() });
    this.currentLifecycle = lifecycle;
  }

  setPresenceStale(since: number | null): void {
    this.staleSince = since;
  }

  /** The profile that governs an agent: their team's, else the default profile, else none. */
  profileFor(a: Pick<AgentRecord, 'teamId'>): MappingProfile | null {
    const team = a.teamId ? this.teamMap.get(a.teamId) : undefined;
    if (team?.profileId) {
      const p = this.profileMap.get(team.profileId);
      if (p) return p;
    }
    return this.profileMap.get('default') ?? null;
  }

  teamSyncEnabled(a: Pick<AgentRecord, 'teamId'>): boolean {
    const team = a.teamId ? this.teamMap.get(a.teamId) : undefined;
    return team ? team.syncEnabled : true;
  }

  idleCodeName = (id: string): string => this.idleCodeMap.get(id)?.name ?? id;

  /**
   * The decision with its words shared: tens of thousands of agents see a handful of distinct texts and reasons,
   * and one copy each (instead of one per agent) is most of what their decisions cost in memory.
   */
  private shared(v: DecisionView): DecisionView {
    const s = this.words;
    if (s.size > 20_000) s.clear();
    const one = <T extends string>(x: T): T => {
      const known = s.get(x);
      if (known !== undefined) return known as T;
      s.set(x, x);
      return x;
    };
    const words = { ...v, trigger: one(v.trigger), action: one(v.action), reason: one(v.reason), text: one(v.text), result: one(v.result) };
    if (v.reasonCode) words.reasonCode = { ...v.reasonCode, code: one(v.reasonCode.code) };
    return words;
  }
  private readonly words = new Map<string, string>();

  private index(a: AgentRecord): void {
    const old = this.agentMap.get(a.id);
    if (old?.teamsUserId && old.teamsUserId !== a.teamsUserId) this.byTeamsUser.delete(old.teamsUserId.toLowerCase());
    this.agentMap.set(a.id, a);
    if (a.teamsUserId) {
      const key = a.teamsUserId.toLowerCase();
      this.byTeamsUser.set(key === a.teamsUserId ? a.teamsUserId : key, a.id);
    }
  }
}
