import { decide, type DecisionResult, type Trigger } from '../domain/decide.js';
import { describeDecision } from '../domain/describe.js';
import { samePresence, type Presence } from '../domain/presence.js';
import type { Logger } from '../logger.js';
import type { AgentEvent, AgentSnapshot, ContactCenter, PresenceEvent, Publisher, Stores } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import { CommandTracker } from './command-tracker.js';
import { DecisionRecorder } from './decision-recorder.js';
import type { LatencyRecorder } from './metrics.js';
import { AgentTimers } from './release-scheduler.js';
import { StateIntake, type EvaluateOptions } from './state-intake.js';
import { decisionInput, reconcilePlan, type InputSources } from './decision-input.js';

export interface SyncDeps extends InputSources {
  stores: Stores;
  cc: ContactCenter;
  logger: Logger;
  publisher: Publisher;
  metrics?: LatencyRecorder;
}


/**
 * Orchestrates the sync rule: event → domain (ownership, contact-center state, decide) → one write per agent and
 * an audit entry (one transaction per batch) → command → publish. The rule itself lives in domain/; commands in
 * CommandTracker, the audit in DecisionRecorder, settle and retry timers in AgentTimers.
 */
export class SyncService {
  private readonly recorder: DecisionRecorder;
  private readonly commands: CommandTracker;
  private readonly releases: AgentTimers;
  private readonly retries: AgentTimers;
  private readonly intake: StateIntake;
  /** Agents whose unsent command was lost in a restart: decided again at the first reconciliation. */
  private readonly needsDecision = new Set<string>();

  constructor(private readonly d: SyncDeps) {
    this.recorder = new DecisionRecorder({ stores: d.stores, registry: d.registry });
    this.releases = new AgentTimers(d.clock, (id) => this.reevaluate([id], 'settle-timer'), (id) => d.registry.agents.get(id)?.releaseDueAt ?? null);
    this.retries = new AgentTimers(d.clock, (id) => this.reevaluate([id], 'reconcile'));
    this.commands = new CommandTracker({
      ...d,
      recorder: this.recorder,
      batch: (fn) => this.batch(fn),
      retryLater: (id, ms) => this.retries.scheduleOnce(id, ms),
      readBack: () => void this.reconcile(),
      agentsChanged: (ids) => d.publisher.agentsChanged(ids),
    });
    this.intake = new StateIntake({ ...d, commands: this.commands, releases: this.releases, evaluate: (id, trigger, o) => this.evaluate(id, trigger, o) });
  }

  /** Reschedules settle timers and completes decisions that were in flight when the process stopped. */
  recover(): void {
    const now = this.d.clock.now();
    this.batch(() => {
      for (const a of [...this.d.registry.agents.values()]) {
        if (a.releaseDueAt != null) this.releases.schedule(a.id, a.releaseDueAt - now);
        if (this.commands.recoverUnsent(a, now)) this.needsDecision.add(a.id);
      }
    });
  }

  stop(): void {
    this.releases.stop();
    this.retries.stop();
    this.commands.stop();
  }

  onPresence(events: readonly PresenceEvent[]): void {
    this.inBatch((changed) => {
      for (const ev of events) {
        const agent = this.d.registry.agentByTeamsUser(ev.teamsUserId);
        if (!agent) continue;
        if (samePresence(agent.presence ?? undefined, ev.presence)) {
          this.d.registry.touchPresence(agent.id, ev.observedAt);
          continue;
        }
        const patch = { presence: { ...ev.presence }, presenceAt: ev.observedAt };
        this.guarded(agent.id, () => this.evaluate(agent.id, 'presence', { observedAt: ev.observedAt, patch }));
        changed.add(agent.id);
      }
    });
  }

  onAgentEvents(events: readonly AgentEvent[]): void {
    let reconcile = false;
    this.inBatch((changed) => {
      for (const ev of events) {
        if (ev.kind === 'stream') {
          reconcile ||= ev.status === 'up';
          continue;
        }
        if (!this.d.registry.agents.has(ev.agentId)) continue;
        changed.add(ev.agentId);
        this.guarded(ev.agentId, () => {
          if (ev.kind === 'command-failed') this.commands.failedByTracking(ev.agentId, ev.trackingId, ev.reason);
          else this.intake.apply(ev.agentId, ev, 'event', ev.trackingId);
        });
      }
    });
    if (reconcile) void this.reconcile();
  }

  /** Pulls every agent's state from the contact center and decides again where it differs. */
  async reconcile(): Promise<void> {
    let snapshots: AgentSnapshot[];
    try {
      snapshots = await this.d.cc.snapshot([...this.d.registry.agents.keys()]);
    } catch (err) {
      this.d.logger.warn({ err: (err as Error).message }, 'reconcile: contact-center snapshot failed');
      return;
    }
    this.inBatch((changed) => {
      for (const snap of reconcilePlan(this.d.registry.agents.values(), snapshots, this.needsDecision, this.d.clock.now())) {
        this.guarded(snap.agentId, () => this.intake.apply(snap.agentId, snap, 'reconcile'));
        changed.add(snap.agentId);
      }
    });
  }

  /** Decides again for the given agents (lifecycle, team sync, profile edits, pause, stale presence). */
  reevaluate(agentIds: Iterable<string>, trigger: Trigger): void {
    this.inBatch((changed) => {
      for (const id of [...agentIds]) {
        if (!this.d.registry.agents.has(id)) continue;
        this.evaluate(id, trigger);
        changed.add(id);
      }
    });
  }

  /** The decision for a hypothetical presence, with no effect (supervisor dry-run). */
  dryRun(agent: Readonly<AgentRecord>, presence: Presence): DecisionResult {
    return decide(decisionInput(this.d, { ...agent, presence, overridePresence: null }, 'presence'));
  }

  /** One agent's failure (a bug, a constraint) is logged and never loses the rest of the batch. */
  private guarded(agentId: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.d.logger.error({ agentId, err: (err as Error).message }, 'sync: could not process an event for this agent');
    }
  }

  /** One transaction per batch, committed with the rest of the turn's; commands leave after that commit (the outbox). */
  private batch(fn: () => void): void {
    this.d.registry.transaction(fn, 'turn');
    this.d.stores.afterCommit(() => this.commands.flush());
  }

  /** A batch, then one fresh view pushed for every agent it touched. */
  private inBatch(fn: (changed: Set<string>) => void): void {
    const changed = new Set<string>();
    this.batch(() => fn(changed));
    this.d.publisher.agentsChanged(changed);
  }

  private evaluate(agentId: string, trigger: Trigger, o: EvaluateOptions = {}): void {
    let agent = { ...this.d.registry.agents.get(agentId)!, ...o.patch };
    const now = this.d.clock.now();
    // Under the request budget a command still queued that the agent no longer wants is withdrawn (CommandTracker).
    const withdrawn = this.commands.withdrawIfUnwanted(agent, () => decide(decisionInput(this.d, { ...agent, inFlight: null }, trigger, o.previousCc)).decision, now);
    if (withdrawn) agent = { ...agent, ...withdrawn };
    const input = decisionInput(this.d, agent, trigger, o.previousCc);
    const { decision, memory } = decide(input);
    // Results are not guaranteed to arrive (Webex delivers events at least once, not always): decide again
    // when the command in flight times out, so a lost confirmation cannot leave the agent where it is.
    if (decision.action === 'skip' && decision.reason === 'command-in-flight' && agent.inFlight) {
      this.commands.checkAt(agent.inFlight.sentAt + this.d.config.commandTimeoutMs + 1);
    }
    const patch: Partial<AgentRecord> = { ...o.patch, ...withdrawn };
    if (memory.pendingIdleCodeId !== undefined) patch.pendingIdleCodeId = memory.pendingIdleCodeId;
    if (memory.overridePresence !== undefined) patch.overridePresence = memory.overridePresence;
    if (memory.releaseDueAt !== undefined && memory.releaseDueAt !== agent.releaseDueAt) {
      patch.releaseDueAt = this.releases.setDue(agentId, memory.releaseDueAt);
    }
    const text = describeDecision(decision, this.d.registry.idleCodeName);
    if ((decision.action === 'set-idle' || decision.action === 'set-available') && agent.inFlight) {
      // A command unanswered past the timeout is superseded by the new one.
      Object.assign(patch, this.commands.settle(agent, 'superseded', 'no answer within the command timeout', now));
    }
    const { auditId, view } = this.recorder.record(agent, trigger, decision, input, text, now);
    if (decision.action === 'set-idle' || decision.action === 'set-available') {
      patch.inFlight = this.commands.start(agent, decision, auditId, text, o.observedAt ?? null, now);
    }
    this.d.registry.updateAgent(agentId, patch, view ?? undefined);
  }
}
