import type { Clock } from '../ports.js';

/**
 * One timer per agent for a decision that is due later: the settle delay before a connector-held idle is
 * released (absorbs Teams flicker), or a retry after a failed command. Timers run on a monotonic clock and may fire
 * a millisecond before the wall-clock due time; one that fires early waits out the rest instead of being consumed
 * by a "not yet due" decision.
 */
export class AgentTimers {
  private readonly timers = new Map<string, { cancel(): void }>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    /** Called when an agent's timer is due. */
    private readonly fire: (agentId: string) => void,
    /** The wall-clock time the agent's timer is due at now, or null when it no longer is. */
    private readonly dueAt: (agentId: string) => number | null = () => null,
  ) {}

  schedule(agentId: string, delayMs: number): void {
    if (this.stopped) return;
    this.cancel(agentId);
    const t = this.clock.setTimeout(() => {
      this.timers.delete(agentId);
      if (this.stopped) return;
      const due = this.dueAt(agentId);
      if (due != null && due > this.clock.now()) return this.schedule(agentId, due - this.clock.now());
      this.fire(agentId);
    }, Math.max(0, delayMs));
    this.timers.set(agentId, t);
  }

  /** Schedules unless a timer is already waiting for this agent. */
  scheduleOnce(agentId: string, delayMs: number): void {
    if (!this.timers.has(agentId)) this.schedule(agentId, delayMs);
  }

  /** Schedules the agent's timer for the wall-clock time `at`, or cancels it when `at` is null; returns `at`. */
  setDue(agentId: string, at: number | null): number | null {
    if (at == null) this.cancel(agentId);
    else this.schedule(agentId, at - this.clock.now());
    return at;
  }

  cancel(agentId: string): void {
    this.timers.get(agentId)?.cancel();
    this.timers.delete(agentId);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
