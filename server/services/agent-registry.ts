import type { IdleCode } from '../domain/agent.js';
import type { MappingProfile } from '../domain/mapping.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { Lifecycle } from '../store/connector-store.js';
import type { TeamRecord } from '../store/profile-store.js';
import type { Stores } from '../store/index.js';
import type { DecisionView } from '../gateway/contract.js';

/**
 * The engine's working set, in memory and written through to SQLite: agents, their teams and profiles, idle
 * code names, lifecycle. Everything the hot path reads comes from here, never from a query.
 */
export class AgentRegistry {
  readonly agents = new Map<string, AgentRecord>();
  readonly byTeamsUser = new Map<string, string>();
  readonly teams = new Map<string, TeamRecord>();
  readonly profiles = new Map<string, MappingProfile>();
  readonly idleCodes = new Map<string, IdleCode>();
  readonly lastDecision = new Map<string, DecisionView>();
  lifecycle: Lifecycle = 'unconfigured';
  presenceStaleSince: number | null = null;

  constructor(private readonly stores: Stores) {}

  load(): void {
    this.agents.clear();
    this.byTeamsUser.clear();
    for (const a of this.stores.agents.all()) this.putAgent(a);
    this.reloadTeams();
    this.reloadProfiles();
    this.idleCodes.clear();
    for (const c of this.stores.connector.idleCodes()) this.idleCodes.set(c.id, c);
    this.lifecycle = this.stores.connector.get().lifecycle;
    for (const a of this.agents.values()) {
      if (a.lastDecisionId == null) continue;
      const e = this.stores.audit.get(a.lastDecisionId);
      if (e) this.lastDecision.set(a.id, { id: e.id, at: e.at, trigger: e.trigger, action: e.action, reason: e.reason, text: e.text, result: e.result });
    }
  }

  reloadTeams(): void {
    this.teams.clear();
    for (const t of this.stores.profiles.teams()) this.teams.set(t.id, t);
  }

  reloadProfiles(): void {
    this.profiles.clear();
    for (const p of this.stores.profiles.all()) this.profiles.set(p.id, p);
  }

  setIdleCodes(codes: readonly IdleCode[]): void {
    this.idleCodes.clear();
    for (const c of codes) this.idleCodes.set(c.id, c);
  }

  putAgent(a: AgentRecord): void {
    const old = this.agents.get(a.id);
    if (old?.teamsUserId && old.teamsUserId !== a.teamsUserId) this.byTeamsUser.delete(old.teamsUserId.toLowerCase());
    this.agents.set(a.id, a);
    if (a.teamsUserId) this.byTeamsUser.set(a.teamsUserId.toLowerCase(), a.id);
  }

  agentByTeamsUser(teamsUserId: string): AgentRecord | undefined {
    const id = this.byTeamsUser.get(teamsUserId.toLowerCase());
    return id ? this.agents.get(id) : undefined;
  }

  /** The profile that governs an agent: their team's, else the default profile, else none. */
  profileFor(a: AgentRecord): MappingProfile | null {
    const team = a.teamId ? this.teams.get(a.teamId) : undefined;
    if (team?.profileId) {
      const p = this.profiles.get(team.profileId);
      if (p) return p;
    }
    return this.profiles.get('default') ?? null;
  }

  teamSyncEnabled(a: AgentRecord): boolean {
    const team = a.teamId ? this.teams.get(a.teamId) : undefined;
    return team ? team.syncEnabled : true;
  }

  idleCodeName = (id: string): string => this.idleCodes.get(id)?.name ?? id;
}
