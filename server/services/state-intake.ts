import type { Config } from '../config.js';
import type { CcState } from '../domain/agent.js';
import { applyCcState } from '../domain/cc-state.js';
import { connectorOwnsIdle, type Trigger } from '../domain/decide.js';
import { reconcileOrigin } from '../domain/ownership.js';
import type { AgentSnapshot, WriteBack } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { AgentRegistry } from './agent-registry.js';
import type { CommandTracker } from './command-tracker.js';
import type { AgentTimers } from './release-scheduler.js';

/** How far the contact center's clock may run behind ours when its timestamps are compared with our commands. */
const CLOCK_SKEW_MS = 2_000;

/** `observedAt`: when the presence behind it was observed (latency metrics); `patch`: changes stored with the decision's. */
export type EvaluateOptions = { previousCc?: CcState; observedAt?: number; patch?: Partial<AgentRecord> };

/**
 * Takes one contact-center state (an event or a reconciliation snapshot) into the engine: who owns it
 * (domain/ownership), what it does to the command in flight (domain/cc-state), the write-back to Teams, and the
 * decision that follows.
 */
export class StateIntake {
  constructor(
    private readonly d: {
      registry: AgentRegistry;
      commands: CommandTracker;
      releases: AgentTimers;
      clock: { now(): number };
      config: Config['sync'];
      writeBack?: WriteBack;
      evaluate: (agentId: string, trigger: Trigger, o: EvaluateOptions) => void;
    },
  ) {}

  /** Ownership first (domain/ownership), then what the state does to the command in flight (domain/cc-state). */
  apply(agentId: string, s: AgentSnapshot, via: 'event' | 'reconcile', trackingId?: string): void {
    const agent = this.d.registry.agents.get(agentId)!;
    const now = this.d.clock.now();
    const ledger = this.d.commands.ledger(agent);
    const owner = reconcileOrigin({ observed: s, known: agent.cc, ledger, clockSkewMs: CLOCK_SKEW_MS });
    const changedAt = owner.why === 'unchanged-since-known' ? Math.max(s.changedAt, agent.cc.changedAt) : s.changedAt;
    const observed: CcState = { state: s.state, ...(s.idleCodeId ? { idleCodeId: s.idleCodeId } : {}), origin: owner.origin, changedAt };
    const trackedAsInFlight = trackingId != null && agent.inFlight?.trackingId === trackingId;
    const r = applyCcState({ known: agent.cc, observed, via, trackedAsInFlight, inFlight: ledger.inFlight, sameContact: (s.contact?.id ?? null) === (agent.contact?.id ?? null), now, commandTimeoutMs: this.d.config.commandTimeoutMs });
    if (!r.store) return;
    let patch: Partial<AgentRecord> = { cc: observed, contact: s.contact ?? null };
    if (r.settle) patch = { ...patch, ...this.d.commands.settle(agent, r.settle, r.detail ?? null, now, s.commandId) };
    if (!r.decideWith) return void this.d.registry.updateAgent(agentId, patch);
    const mode = this.d.registry.profileFor(agent)?.syncMode;
    if (this.d.writeBack && agent.teamsUserId && mode) this.d.writeBack.onAgentState({ agentId, teamsUserId: agent.teamsUserId, mode }, { ...s, origin: owner.origin });
    if (!connectorOwnsIdle(observed) && agent.releaseDueAt != null) patch.releaseDueAt = this.d.releases.setDue(agentId, null);
    this.d.evaluate(agentId, r.decideWith, { previousCc: agent.cc, patch });
  }
}
