import type { Config } from '../config.js';
import type { CcState } from '../domain/agent.js';
import type { DecisionInput, Trigger } from '../domain/decide.js';
import type { AgentSnapshot, Clock, WriteBack } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { AgentRegistry } from './agent-registry.js';

export interface InputSources {
  registry: AgentRegistry;
  clock: Clock;
  config: Config['sync'];
  writeBack?: WriteBack;
}

/** Everything decide() needs for one agent, read from the registry (never from a query) and the write-back echo. */
export function decisionInput(d: InputSources, agent: Readonly<AgentRecord>, trigger: Trigger, previousCc?: CcState): DecisionInput {
  const r = d.registry;
  return {
    trigger,
    now: d.clock.now(),
    connectorActive: r.lifecycle === 'active',
    teamSyncEnabled: r.teamSyncEnabled(agent),
    matched: agent.teamsUserId != null,
    pausedUntil: agent.pausedUntil,
    cc: agent.cc,
    previousCc: previousCc ?? null,
    presence: agent.presence,
    presenceStale: r.presenceStaleSince != null,
    profile: r.profileFor(agent),
    pendingIdleCodeId: agent.pendingIdleCodeId,
    releaseDueAt: agent.releaseDueAt,
    overridePresence: agent.overridePresence,
    inFlight: agent.inFlight,
    commandTimeoutMs: d.config.commandTimeoutMs,
    echo: agent.teamsUserId && d.writeBack ? d.writeBack.echoFor(agent.teamsUserId) : null,
    releaseOnStale: d.config.releaseOnStale,
  };
}

/**
 * Which agents a reconciliation snapshot must be applied to: those whose state differs from what the engine
 * knows, has a command in flight, or lost a command in a restart. Agents missing from the snapshot are left as
 * they are (never logged out for being absent).
 */
export function reconcilePlan(
  agents: Iterable<Readonly<AgentRecord>>,
  snapshots: readonly AgentSnapshot[],
  needsDecision: Set<string>,
  now: number,
): AgentSnapshot[] {
  const known = new Map([...agents].map((a) => [a.id, a]));
  const plan: AgentSnapshot[] = [];
  for (const s of snapshots) {
    const agent = known.get(s.agentId);
    if (!agent) continue;
    const differs = agent.cc.state !== s.state || (agent.cc.idleCodeId ?? null) !== (s.idleCodeId ?? null);
    if (differs || agent.inFlight || needsDecision.delete(agent.id)) plan.push(s);
  }
  // An agent absent from the snapshot is not logged out: the contact center did not say so (a capped or narrowed
  // answer, a change while it was read). Logout comes only from a logout event or an explicit logged-out state.
  void now;
  return plan;
}
