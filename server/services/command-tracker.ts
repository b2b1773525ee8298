import type { Decision } from '../domain/decide.js';
import type { CommandRef } from '../domain/ownership.js';
import { preciseNow, type Clock, type ContactCenter, type Stores } from '../ports.js';
import type { AgentRecord, InFlightRecord } from '../store/agent-store.js';
import type { AgentRegistry } from './agent-registry.js';
import type { DecisionRecorder } from './decision-recorder.js';
import type { LatencyRecorder } from './metrics.js';

type Command = Extract<Decision, { action: 'set-idle' | 'set-available' }>;

/** A command decided inside a transaction, sent once it commits; it carries when its cause was observed. */
export interface OutboxItem {
  agentId: string;
  decision: Command;
  auditId: number;
  reason: string;
  /** When the presence that caused it was observed (latency metrics), or null for other triggers. */
  observedAt: number | null;
  commandId?: string;
}

/** After a failed command, decide again after this long (the adapter already retried transient errors). */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * The connector's commands to the contact center: one in flight per agent, recorded in SQLite before it is sent
 * (an outbox flushed after the transaction commits, so a crash between the two leaves a record that recovery
 * completes), then settled as confirmed, failed or superseded. Its ledger (the command in flight and the last
 * one applied) is what domain/ownership.ts matches the contact center's reason marker against.
 */
export class CommandTracker {
  private readonly outbox: OutboxItem[] = [];
  private stopped = false;
  private timeoutCheck: { cancel(): void } | null = null;

  constructor(
    private readonly d: {
      stores: Stores;
      registry: AgentRegistry;
      recorder: DecisionRecorder;
      cc: ContactCenter;
      clock: Clock;
      metrics?: LatencyRecorder;
      /** Runs `fn` in one transaction, then flushes the outbox. */
      batch: (fn: () => void) => void;
      /** The command failed: decide again for the agent later, and tell the widgets now. */
      retryLater: (agentId: string, delayMs: number) => void;
      /** Read every agent's state back from the contact center (commands timed out). */
      readBack: () => void;
      agentsChanged: (agentIds: string[]) => void;
    },
  ) {}

  /** The agent's ledger as domain/ownership.ts reads it. */
  ledger(agent: Readonly<AgentRecord>): { inFlight: CommandRef | null; applied: CommandRef | null } {
    const f = agent.inFlight;
    const inFlight: CommandRef | null = f ? { id: f.commandId ?? `audit-${f.auditId}`, action: f.action, ...(f.idleCodeId ? { idleCodeId: f.idleCodeId } : {}), sentAt: f.sentAt } : null;
    return { inFlight, applied: agent.appliedCommand };
  }

  /** Records the command as in flight (inside the caller's transaction) and queues it for sending. */
  start(agent: Readonly<AgentRecord>, decision: Command, auditId: number, reason: string, observedAt: number | null, now: number): InFlightRecord {
    // The command id exists before the request: stored with the command in flight, it tells recovery what may have been applied.
    const idleCodeId = decision.action === 'set-idle' ? decision.idleCodeId : undefined;
    const commandId = this.d.cc.commandId?.({ agentId: agent.id, state: idleCodeId ? 'Idle' : 'Available', ...(idleCodeId ? { idleCodeId } : {}) });
    const inFlight: InFlightRecord = { action: decision.action, ...(idleCodeId ? { idleCodeId } : {}), sentAt: now, auditId, ...(commandId ? { commandId } : {}) };
    this.outbox.push({ agentId: agent.id, decision, auditId, reason, observedAt, ...(commandId ? { commandId } : {}) });
    return inFlight;
  }

  /** Settles the command in flight as confirmed (it became the agent's applied command) or superseded. */
  settle(agent: Readonly<AgentRecord>, outcome: 'confirmed' | 'superseded', detail: string | null, now: number, commandId?: string): Partial<AgentRecord> {
    const f = agent.inFlight;
    if (!f) return {};
    this.d.recorder.result(agent.id, f.auditId, outcome, detail, now);
    if (outcome === 'superseded') return { inFlight: null };
    const id = commandId ?? f.commandId;
    const applied: CommandRef | null = id ? { id, action: f.action, ...(f.idleCodeId ? { idleCodeId: f.idleCodeId } : {}), sentAt: f.sentAt } : agent.appliedCommand;
    return { inFlight: null, appliedCommand: applied };
  }

  /**
   * Coalescing under the contact center's request budget: a command still waiting for budget that the agent no
   * longer needs (Teams busy again before the release went out) is withdrawn, so only the latest wanted state is
   * ever sent and a queued release plus the idle that would undo it cost no request at all. `wanted` is what the
   * rule decides without the command in flight; returns the agent's changes when the command was withdrawn.
   */
  withdrawIfUnwanted(agent: Readonly<AgentRecord>, wanted: () => Decision, now: number): Partial<AgentRecord> | null {
    const f = agent.inFlight;
    if (!f || f.trackingId || !this.d.cc.withdraw) return null;
    const fresh = wanted();
    const same = fresh.action === f.action && (fresh.action !== 'set-idle' || fresh.idleCodeId === f.idleCodeId);
    if (same || !this.d.cc.withdraw(agent.id)) return null;
    return this.settle(agent, 'superseded', 'no longer wanted before the contact center had budget to send it', now);
  }

  flush(): void {
    for (const item of this.outbox.splice(0)) void this.send(item);
  }

  stop(): void {
    this.stopped = true;
    this.timeoutCheck?.cancel();
  }

  /**
   * When a command times out, the engine no longer knows the agent's real state (the command may or may not
   * have been applied), so it reads it back from the contact center instead of deciding on its own stale copy.
   * Coalesced: one read-back at `at` covers every command that timed out by then.
   */
  checkAt(at: number): void {
    if (this.timeoutCheck || this.stopped) return;
    this.timeoutCheck = this.d.clock.setTimeout(() => {
      this.timeoutCheck = null;
      if (!this.stopped) this.d.readBack();
    }, Math.max(0, at - this.d.clock.now()));
  }

  /**
   * A command recorded but never sent (the process stopped first) is superseded; true when there was one. A command
   * with a command id may have reached the contact center: it stays in flight until reconciliation reads its marker
   * back (true: decide again after that read).
   */
  recoverUnsent(agent: Readonly<AgentRecord>, now: number): boolean {
    if (!agent.inFlight || agent.inFlight.trackingId) return false;
    if (agent.inFlight.commandId) return true;
    this.d.recorder.result(agent.id, agent.inFlight.auditId, 'superseded', 'the connector stopped before the command was sent', now);
    this.d.registry.updateAgent(agent.id, { inFlight: null });
    return true;
  }

  /** A failure the contact center reported asynchronously for one of our tracking ids. */
  failedByTracking(agentId: string, trackingId: string, reason: string): void {
    const entry = this.d.stores.audit.findByTracking(trackingId);
    if (entry) this.fail(agentId, entry.id, reason);
  }

  /** Marks the command failed; when it is still the one in flight, the agent is decided again later. */
  fail(agentId: string, auditId: number, reason: string): void {
    const now = this.d.clock.now();
    this.d.recorder.result(agentId, auditId, 'failed', reason.slice(0, 500), now);
    if (this.d.registry.agents.get(agentId)?.inFlight?.auditId !== auditId) return;
    this.d.registry.updateAgent(agentId, { inFlight: null });
    this.d.retryLater(agentId, RETRY_AFTER_FAILURE_MS);
  }

  private async send(item: OutboxItem): Promise<void> {
    const { decision, observedAt } = item;
    const metrics = this.d.metrics;
    if (metrics && observedAt != null) metrics.record('presence-observed-to-command-sent', preciseNow() - observedAt);
    try {
      const { trackingId, commandId } = await this.d.cc.setState({
        agentId: item.agentId,
        state: decision.action === 'set-idle' ? 'Idle' : 'Available',
        ...(decision.action === 'set-idle' ? { idleCodeId: decision.idleCodeId } : {}),
        reason: item.reason.slice(0, 128),
        ...(item.commandId ? { commandId: item.commandId } : {}),
      });
      if (metrics && observedAt != null) metrics.record('presence-observed-to-command-accepted', preciseNow() - observedAt);
      this.d.stores.audit.sent(item.auditId, trackingId, this.d.clock.now());
      const f = this.d.registry.agents.get(item.agentId)?.inFlight;
      if (f?.auditId === item.auditId && !f.trackingId) {
        const id = commandId ?? f.commandId;
        if (id) this.d.registry.noteAccepted(item.agentId, { ...f, trackingId, commandId: id });
        else this.d.registry.updateAgent(item.agentId, { inFlight: { ...f, trackingId } });
      }
    } catch (err) {
      if (this.stopped) return;
      // Withdrawn or replaced while waiting for budget: already settled by whoever superseded it.
      if ((err as Error).name === 'SupersededError' && this.d.registry.agents.get(item.agentId)?.inFlight?.auditId !== item.auditId) return;
      this.d.batch(() => this.fail(item.agentId, item.auditId, (err as Error).message));
      this.d.agentsChanged([item.agentId]);
    }
  }
}
