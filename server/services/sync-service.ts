import type { Config } from '../config.js';
import type { CcState } from '../domain/agent.js';
import { connectorOwnsIdle, decide, type Decision, type DecisionInput, type DecisionResult, type Trigger } from '../domain/decide.js';
import { decisionReason, describeDecision } from '../domain/describe.js';
import { samePresence, type Presence } from '../domain/presence.js';
import type { Logger } from '../logger.js';
import type { AgentEvent, AgentSnapshot, Clock, ContactCenter, PresenceEvent, Publisher, WriteBack } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { AuditResult } from '../store/audit-store.js';
import type { Stores } from '../store/index.js';
import type { AgentRegistry } from './agent-registry.js';
import { preciseNow, type LatencyRecorder } from './metrics.js';

export interface SyncDeps {
  stores: Stores;
  registry: AgentRegistry;
  cc: ContactCenter;
  clock: Clock;
  logger: Logger;
  publisher: Publisher;
  config: Config['sync'];
  writeBack?: WriteBack;
  metrics?: LatencyRecorder;
}

interface OutboxItem {
  agentId: string;
  decision: Decision;
  auditId: number;
  reason: string;
  observedAt: number | null;
}

/** After a failed command, decide again after this long (the adapter already retried transient errors). */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * Orchestrates the sync rule: event → decide → store (audit + agent memory, one transaction per batch) →
 * command to the contact center → publish. Commands go out after the transaction commits, so a crash between
 * the two leaves an in-flight record that recovery completes.
 */
export class SyncService {
  private readonly timers = new Map<string, { cancel(): void }>();
  private readonly retryTimers = new Map<string, { cancel(): void }>();
  private readonly outbox: OutboxItem[] = [];
  /** Observation time of the presence event being decided, for latency metrics. */
  private observedAt: number | null = null;
  private stopped = false;
  private timeoutCheck: { cancel(): void } | null = null;
  /** Agents whose unsent command was lost in a restart: decided again at the first reconciliation. */
  private readonly needsDecision = new Set<string>();

  constructor(private readonly d: SyncDeps) {}

  /** Reschedules settle timers and completes decisions that were in flight when the process stopped. */
  recover(): void {
    const now = this.d.clock.now();
    this.batch(() => {
      for (const a of this.d.registry.agents.values()) {
        if (a.releaseDueAt != null) this.scheduleRelease(a.id, a.releaseDueAt - now);
        if (a.inFlight && !a.inFlight.trackingId) {
          this.auditResult(a.id, a.inFlight.auditId, 'superseded', 'the connector stopped before the command was sent', now);
          a.inFlight = null;
          this.d.stores.agents.save(a, now);
          this.needsDecision.add(a.id);
        }
      }
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of [...this.timers.values(), ...this.retryTimers.values()]) t.cancel();
    this.timeoutCheck?.cancel();
    this.timers.clear();
    this.retryTimers.clear();
  }

  // ------------------------------------------------------------------------------------------- inputs

  onPresence(events: readonly PresenceEvent[]): void {
    const changed = new Set<string>();
    this.batch(() => {
      for (const ev of events) {
        const agent = this.d.registry.agentByTeamsUser(ev.teamsUserId);
        if (!agent) continue;
        if (samePresence(agent.presence ?? undefined, ev.presence)) {
          agent.presenceAt = ev.observedAt;
          continue;
        }
        agent.presence = { ...ev.presence };
        agent.presenceAt = ev.observedAt;
        this.observedAt = ev.observedAt;
        this.guarded(agent.id, () => this.evaluate(agent, 'presence'));
        this.observedAt = null;
        changed.add(agent.id);
      }
    });
    this.d.publisher.agentsChanged(changed);
  }

  onAgentEvents(events: readonly AgentEvent[]): void {
    const changed = new Set<string>();
    let reconcile = false;
    this.batch(() => {
      for (const ev of events) {
        if (ev.kind === 'stream') {
          if (ev.status === 'up') reconcile = true;
          continue;
        }
        const agent = this.d.registry.agents.get(ev.agentId);
        if (!agent) continue;
        changed.add(agent.id);
        this.guarded(agent.id, () => {
          if (ev.kind === 'command-failed') this.commandFailed(agent, ev.trackingId, ev.reason);
          else this.applyState(agent, ev, ev.trackingId);
        });
      }
    });
    this.d.publisher.agentsChanged(changed);
    if (reconcile) void this.reconcile();
  }

  /** Pulls every agent's state from the contact center and decides again where it differs. */
  async reconcile(): Promise<void> {
    let snapshots: AgentSnapshot[];
    try {
      snapshots = await this.d.cc.snapshot();
    } catch (err) {
      this.d.logger.warn({ err: (err as Error).message }, 'reconcile: contact-center snapshot failed');
      return;
    }
    const seen = new Set<string>();
    const changed = new Set<string>();
    this.batch(() => {
      for (const s of snapshots) {
        const agent = this.d.registry.agents.get(s.agentId);
        if (!agent) continue;
        seen.add(agent.id);
        const differs = agent.cc.state !== s.state || (agent.cc.idleCodeId ?? null) !== (s.idleCodeId ?? null);
        if (differs || agent.inFlight || this.needsDecision.delete(agent.id)) {
          this.applyState(agent, this.withKnownOrigin(agent, s, differs), undefined, 'reconcile');
          changed.add(agent.id);
        }
      }
      const now = this.d.clock.now();
      for (const agent of this.d.registry.agents.values()) {
        if (seen.has(agent.id) || agent.cc.state === 'LoggedOut') continue;
        this.applyState(agent, { agentId: agent.id, state: 'LoggedOut', origin: 'unknown', changedAt: now }, undefined, 'reconcile');
        changed.add(agent.id);
      }
    });
    this.d.publisher.agentsChanged(changed);
  }

  /**
   * Snapshots may not say who made a change (Webex activities do not). An unchanged state keeps the origin the
   * engine stored; a state equal to the command in flight is the connector's. Without this, a restart would
   * forget that the connector owns an idle and never release it.
   */
  private withKnownOrigin(agent: AgentRecord, s: AgentSnapshot, differs: boolean): AgentSnapshot {
    if (s.origin !== 'unknown') return s;
    if (!differs) return { ...s, origin: agent.cc.origin, changedAt: Math.max(s.changedAt, agent.cc.changedAt) };
    const f = agent.inFlight;
    const isCommand =
      f != null &&
      ((f.action === 'set-available' && s.state === 'Available') || (f.action === 'set-idle' && s.state === 'Idle' && s.idleCodeId === f.idleCodeId));
    return isCommand ? { ...s, origin: 'connector' } : s;
  }

  /** Decides again for the given agents (lifecycle, team sync, profile edits, pause, stale presence). */
  reevaluate(agentIds: Iterable<string>, trigger: Trigger): void {
    const changed = new Set<string>();
    this.batch(() => {
      for (const id of agentIds) {
        const agent = this.d.registry.agents.get(id);
        if (!agent) continue;
        this.evaluate(agent, trigger);
        changed.add(id);
      }
    });
    this.d.publisher.agentsChanged(changed);
  }

  /** The decision for a hypothetical presence, with no effect (supervisor dry-run). */
  dryRun(agent: AgentRecord, presence: Presence): DecisionResult | null {
    const input = this.inputFor({ ...agent, presence, overridePresence: null }, 'presence');
    return input ? decide(input) : null;
  }

  // ------------------------------------------------------------------------------------------- engine

  /** One agent's failure (a bug, a constraint) is logged and never loses the rest of the batch. */
  private guarded(agentId: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.d.logger.error({ agentId, err: (err as Error).message }, 'sync: could not process an event for this agent');
    }
  }

  private batch(fn: () => void): void {
    this.d.stores.db.transaction(fn)();
    this.flushOutbox();
  }

  private inputFor(agent: AgentRecord, trigger: Trigger, previousCc?: CcState): DecisionInput | null {
    const r = this.d.registry;
    const profile = r.profileFor(agent);
    if (!profile) return null;
    const echo = agent.teamsUserId && this.d.writeBack ? this.d.writeBack.echoFor(agent.teamsUserId) : null;
    return {
      trigger,
      now: this.d.clock.now(),
      connectorActive: r.lifecycle === 'active',
      teamSyncEnabled: r.teamSyncEnabled(agent),
      matched: agent.teamsUserId != null,
      pausedUntil: agent.pausedUntil,
      cc: agent.cc,
      previousCc: previousCc ?? null,
      // Stale presence is no presence: deciding on it would re-idle agents the fail-open just released.
      presence: r.presenceStaleSince != null ? null : agent.presence,
      profile,
      pendingIdleCodeId: agent.pendingIdleCodeId,
      releaseDueAt: agent.releaseDueAt,
      overridePresence: agent.overridePresence,
      inFlight: agent.inFlight,
      commandTimeoutMs: this.d.config.commandTimeoutMs,
      echo,
      releaseOnStale: this.d.config.releaseOnStale,
    };
  }

  private evaluate(agent: AgentRecord, trigger: Trigger, previousCc?: CcState): void {
    const input = this.inputFor(agent, trigger, previousCc);
    const now = this.d.clock.now();
    if (!input) {
      this.record(agent, trigger, { action: 'skip', reason: 'sync-disabled' }, null, 'No mapping profile applies to this agent.', now);
      this.d.stores.agents.save(agent, now);
      return;
    }
    const { decision, memory } = decide(input);
    // Results are not guaranteed to arrive (Webex delivers events at least once, not always): decide again
    // when the command in flight times out, so a lost confirmation cannot leave the agent where it is.
    if (decision.action === 'skip' && decision.reason === 'command-in-flight' && agent.inFlight) {
      this.scheduleTimeoutCheck(agent.inFlight.sentAt + this.d.config.commandTimeoutMs - now + 1);
    }
    if (memory.pendingIdleCodeId !== undefined) agent.pendingIdleCodeId = memory.pendingIdleCodeId;
    if (memory.overridePresence !== undefined) agent.overridePresence = memory.overridePresence;
    if (memory.releaseDueAt !== undefined && memory.releaseDueAt !== agent.releaseDueAt) {
      agent.releaseDueAt = memory.releaseDueAt;
      if (memory.releaseDueAt == null) this.cancelRelease(agent.id);
      else this.scheduleRelease(agent.id, memory.releaseDueAt - now);
    }
    const text = describeDecision(decision, this.d.registry.idleCodeName);
    const sends = decision.action === 'set-idle' || decision.action === 'set-available';
    // A command unanswered past the timeout is superseded by the new one.
    if (sends && agent.inFlight) {
      this.auditResult(agent.id, agent.inFlight.auditId, 'superseded', 'no answer within the command timeout', now);
      agent.inFlight = null;
    }
    const auditId = this.record(agent, trigger, decision, input, text, now);
    if (sends) {
      agent.inFlight = {
        action: decision.action,
        ...(decision.action === 'set-idle' ? { idleCodeId: decision.idleCodeId } : {}),
        sentAt: now,
        auditId,
      };
      this.outbox.push({ agentId: agent.id, decision, auditId, reason: text, observedAt: this.observedAt });
    }
    this.d.stores.agents.save(agent, now);
  }

  private record(agent: AgentRecord, trigger: Trigger, decision: Decision, input: DecisionInput | null, text: string, now: number): number {
    const result: AuditResult =
      decision.action === 'skip' ? 'skipped' : decision.action === 'set-idle' || decision.action === 'set-available' ? 'sent' : 'recorded';
    const inputs = input
      ? {
          presence: input.presence ?? null,
          cc: input.cc,
          profileId: input.profile.id,
          pendingIdleCodeId: input.pendingIdleCodeId ?? null,
          releaseDueAt: input.releaseDueAt ?? null,
          pausedUntil: input.pausedUntil ?? null,
          connectorActive: input.connectorActive,
          teamSyncEnabled: input.teamSyncEnabled,
          echo: input.echo ? true : false,
        }
      : { cc: agent.cc };
    const command =
      decision.action === 'set-idle'
        ? { state: 'Idle', idleCodeId: decision.idleCodeId, idleCodeName: this.d.registry.idleCodeName(decision.idleCodeId) }
        : decision.action === 'set-available'
          ? { state: 'Available' }
          : undefined;
    const reasonCode = decisionReason(decision, this.d.registry.idleCodeName);
    const id = this.d.stores.audit.add({
      at: now,
      agentId: agent.id,
      trigger,
      action: decision.action,
      reason: decision.reason,
      text,
      reasonParams: reasonCode.params,
      teamsState: 'teamsState' in decision ? (decision.teamsState ?? null) : null,
      inputs,
      command,
      result,
    });
    // The re-check after the contact center confirms a command is audited, but the agent keeps seeing the
    // decision that caused the change ("Free in Teams again: returned to Available"), not "nothing to do".
    if (!(trigger === 'command-result' && decision.action === 'skip')) {
      agent.lastDecisionId = id;
      this.d.registry.lastDecision.set(agent.id, { id, at: now, trigger, action: decision.action, reason: decision.reason, text, reasonCode, result });
    }
    return id;
  }

  /** Records a command's outcome in the audit trail and in the agent's last-decision view. */
  private auditResult(agentId: string, auditId: number, result: AuditResult, detail: string | null, now: number): void {
    this.d.stores.audit.result(auditId, result, detail, now);
    const view = this.d.registry.lastDecision.get(agentId);
    if (view?.id === auditId) this.d.registry.lastDecision.set(agentId, { ...view, result });
  }

  private flushOutbox(): void {
    const items = this.outbox.splice(0);
    for (const item of items) void this.send(item);
  }

  private async send(item: OutboxItem): Promise<void> {
    const { decision } = item;
    if (decision.action !== 'set-idle' && decision.action !== 'set-available') return;
    const metrics = this.d.metrics;
    if (metrics && item.observedAt != null) metrics.record('presence-observed-to-command-sent', preciseNow() - item.observedAt);
    try {
      const { trackingId } = await this.d.cc.setState({
        agentId: item.agentId,
        state: decision.action === 'set-idle' ? 'Idle' : 'Available',
        ...(decision.action === 'set-idle' ? { idleCodeId: decision.idleCodeId } : {}),
        reason: item.reason.slice(0, 128),
      });
      if (metrics && item.observedAt != null) metrics.record('presence-observed-to-command-accepted', preciseNow() - item.observedAt);
      const now = this.d.clock.now();
      this.d.stores.audit.sent(item.auditId, trackingId, now);
      const agent = this.d.registry.agents.get(item.agentId);
      if (agent?.inFlight?.auditId === item.auditId && !agent.inFlight.trackingId) {
        agent.inFlight.trackingId = trackingId;
        this.d.stores.agents.save(agent, now);
      }
    } catch (err) {
      if (this.stopped) return;
      const agent = this.d.registry.agents.get(item.agentId);
      if (agent) this.batch(() => this.failInFlight(agent, item.auditId, (err as Error).message));
      this.d.publisher.agentsChanged([item.agentId]);
    }
  }

  private commandFailed(agent: AgentRecord, trackingId: string, reason: string): void {
    const entry = this.d.stores.audit.findByTracking(trackingId);
    if (!entry) return;
    this.failInFlight(agent, entry.id, reason);
  }

  private failInFlight(agent: AgentRecord, auditId: number, reason: string): void {
    const now = this.d.clock.now();
    this.auditResult(agent.id, auditId, 'failed', reason.slice(0, 500), now);
    if (agent.inFlight?.auditId === auditId) {
      agent.inFlight = null;
      this.d.stores.agents.save(agent, now);
      this.scheduleRetry(agent.id);
    }
  }

  private applyState(agent: AgentRecord, s: AgentSnapshot, trackingId: string | undefined, trigger: Trigger = 'agent-state'): void {
    const now = this.d.clock.now();
    const previous = agent.cc;
    const stale = s.changedAt < previous.changedAt && trigger !== 'reconcile';
    if (stale) return; // out-of-order delivery: an older state never overwrites a newer one
    agent.cc = { state: s.state, ...(s.idleCodeId ? { idleCodeId: s.idleCodeId } : {}), origin: s.origin, changedAt: s.changedAt };
    agent.contact = s.contact ?? null;
    let resultTrigger: Trigger = trigger;
    if (agent.inFlight) {
      const confirms = trackingId != null && agent.inFlight.trackingId === trackingId;
      const matchesCommand =
        s.origin === 'connector' &&
        ((agent.inFlight.action === 'set-available' && s.state === 'Available') ||
          (agent.inFlight.action === 'set-idle' && s.state === 'Idle' && s.idleCodeId === agent.inFlight.idleCodeId));
      if (confirms || matchesCommand) {
        this.auditResult(agent.id, agent.inFlight.auditId, 'confirmed', null, now);
        resultTrigger = 'command-result';
      } else if (trigger === 'reconcile') {
        // A snapshot can predate the command: keep waiting for its result until the command times out.
        if (now - agent.inFlight.sentAt < this.d.config.commandTimeoutMs) {
          this.d.stores.agents.save(agent, now);
          return;
        }
        this.auditResult(agent.id, agent.inFlight.auditId, 'superseded', 'no result within the command timeout; state read back from the contact center', now);
      } else if (s.origin !== 'connector') {
        this.auditResult(agent.id, agent.inFlight.auditId, 'superseded', `agent state changed by ${s.origin} first`, now);
      } else {
        this.d.stores.agents.save(agent, now);
        return;
      }
      agent.inFlight = null;
    }
    if (this.d.writeBack && agent.teamsUserId) {
      const profile = this.d.registry.profileFor(agent);
      if (profile) this.d.writeBack.onAgentState({ agentId: agent.id, teamsUserId: agent.teamsUserId, mode: profile.syncMode }, s);
    }
    if (!connectorOwnsIdle(agent.cc) && agent.releaseDueAt != null) {
      agent.releaseDueAt = null;
      this.cancelRelease(agent.id);
    }
    this.evaluate(agent, resultTrigger, previous);
  }

  private scheduleRelease(agentId: string, delayMs: number): void {
    this.cancelRelease(agentId);
    const t = this.d.clock.setTimeout(() => {
      this.timers.delete(agentId);
      if (this.stopped) return;
      // Timers run on a monotonic clock and may fire a millisecond before the wall-clock due time; a timer
      // that fired early waits out the rest instead of being consumed by a "not yet due" decision.
      const due = this.d.registry.agents.get(agentId)?.releaseDueAt;
      if (due != null && due > this.d.clock.now()) return this.scheduleRelease(agentId, due - this.d.clock.now());
      this.reevaluate([agentId], 'settle-timer');
    }, Math.max(0, delayMs));
    this.timers.set(agentId, t);
  }

  private cancelRelease(agentId: string): void {
    this.timers.get(agentId)?.cancel();
    this.timers.delete(agentId);
  }

  /**
   * When a command times out, the engine no longer knows the agent's real state (the command may or may not
   * have been applied), so it asks the contact center instead of deciding on its own stale copy. Coalesced:
   * one reconciliation covers every command that timed out by then.
   */
  private scheduleTimeoutCheck(delayMs: number): void {
    if (this.timeoutCheck || this.stopped) return;
    this.timeoutCheck = this.d.clock.setTimeout(() => {
      this.timeoutCheck = null;
      if (!this.stopped) void this.reconcile();
    }, Math.max(0, delayMs));
  }

  private scheduleRetry(agentId: string, delayMs = RETRY_AFTER_FAILURE_MS): void {
    if (this.retryTimers.has(agentId) || this.stopped) return;
    const t = this.d.clock.setTimeout(() => {
      this.retryTimers.delete(agentId);
      if (!this.stopped) this.reevaluate([agentId], 'reconcile');
    }, Math.max(0, delayMs));
    this.retryTimers.set(agentId, t);
  }
}
