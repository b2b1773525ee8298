import { connectorOwnsIdle } from '../domain/decide.js';
import { noticeReason, TEAMS_STATE_LABEL, type ReasonCode } from '../domain/describe.js';
import { pullsTeamsToCc } from '../domain/mapping.js';
import { classifyPresence, type Presence } from '../domain/presence.js';
import type { AgentView, DirectoryEntryView, PresenceView } from './view-types.js';
import type { DirectoryEntry } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { AgentRegistry } from './agent-registry.js';

export function presenceLabel(p: Presence): string {
  const states = classifyPresence(p);
  if (states.length === 0) return p.availability.toLowerCase().startsWith('available') ? 'Available in Teams' : `${p.availability} in Teams`;
  return TEAMS_STATE_LABEL[states[0]!];
}

export function presenceView(p: Presence | null, observedAt: number | null): PresenceView | null {
  if (!p) return null;
  const states = classifyPresence(p);
  const teamsState = states[0] ?? (p.availability.toLowerCase().startsWith('available') ? 'Available' : null);
  return { ...p, label: presenceLabel(p), teamsState, observedAt: observedAt ?? 0 };
}

export function directoryEntryView(e: DirectoryEntry, observedAt: number): DirectoryEntryView {
  return {
    id: e.id,
    displayName: e.displayName,
    department: e.department ?? null,
    jobTitle: e.jobTitle ?? null,
    phone: e.phone,
    presence: presenceView(e.presence, observedAt),
  };
}

/** Builds what widgets show from the registry; pure reads, no I/O. */
export class ViewService {
  constructor(private readonly registry: AgentRegistry) {}

  agentView(a: AgentRecord): AgentView {
    const r = this.registry;
    const team = a.teamId ? r.teams.get(a.teamId) : undefined;
    const profile = r.profileFor(a);
    const syncEnabled = (team?.syncEnabled ?? true) && profile != null && pullsTeamsToCc(profile.syncMode);
    return {
      agentId: a.id,
      name: a.name,
      email: a.email,
      teamId: a.teamId ?? '',
      teamName: team?.name ?? '',
      teamsUserId: a.teamsUserId,
      state: a.cc.state,
      idleCodeId: a.cc.idleCodeId ?? null,
      idleCodeName: a.cc.idleCodeId ? r.idleCodeName(a.cc.idleCodeId) : null,
      origin: a.cc.origin,
      stateChangedAt: a.cc.changedAt,
      setByConnector: connectorOwnsIdle(a.cc),
      presence: presenceView(a.presence, a.presenceAt),
      pendingIdleCodeName: a.pendingIdleCodeId ? r.idleCodeName(a.pendingIdleCodeId) : null,
      releaseDueAt: a.releaseDueAt,
      pausedUntil: a.pausedUntil,
      syncEnabled,
      lastDecision: r.lastDecision(a.id) ?? null,
      notice: this.notice(a, syncEnabled),
      noticeCode: this.noticeCode(a, syncEnabled),
    };
  }

  view(agentId: string): AgentView | null {
    const a = this.registry.agents.get(agentId);
    return a ? this.agentView(a) : null;
  }

  /** Every agent the connector knows, for pushing fresh views after a connector-wide change. */
  agentIds(): string[] {
    return [...this.registry.agents.keys()];
  }

  all(): AgentView[] {
    return [...this.registry.agents.values()].map((a) => this.agentView(a));
  }

  /** The same notice as {@link notice}, as a code the components render in the agent's language. */
  private noticeCode(a: AgentRecord, syncEnabled: boolean): ReasonCode | null {
    const r = this.registry;
    if (r.lifecycle !== 'active') return noticeReason('connector-inactive');
    if (r.presenceStaleSince != null) return noticeReason('presence-stale', r.presenceStaleSince);
    if (!syncEnabled) return noticeReason('sync-disabled');
    if (!a.teamsUserId) return noticeReason('unmatched');
    if (a.pausedUntil != null && a.pausedUntil > Date.now()) return noticeReason('paused', a.pausedUntil);
    return null;
  }

  private notice(a: AgentRecord, syncEnabled: boolean): string | null {
    const r = this.registry;
    if (r.lifecycle !== 'active') return 'The Teams presence connector is not active.';
    if (r.presenceStaleSince != null) {
      return `Teams presence cannot be read since ${new Date(r.presenceStaleSince).toISOString()}; the connector released agents it held and resumes by itself.`;
    }
    if (!syncEnabled) return 'Teams presence sync is disabled for your team.';
    if (!a.teamsUserId) return 'No Teams user matches your email address.';
    if (a.pausedUntil != null && a.pausedUntil > Date.now()) return `Sync paused until ${new Date(a.pausedUntil).toISOString()}.`;
    return null;
  }
}
