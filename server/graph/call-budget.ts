/**
 * Sliding-window call budget. Microsoft throttles presence reads per application per tenant (1,500 calls in
 * any 30 s); the connector may spend `share` of that. A ring buffer keeps the start times of the last
 * `limit` calls: a new call may start only when the oldest of them is at least one window old, so no
 * window of `windowMs` ever holds more than `limit` calls — exact, not averaged like a token bucket.
 * A Retry-After pause blocks every call until it ends.
 */
export class CallBudget {
  readonly limit: number;
  private readonly starts: Float64Array;
  private next = 0;
  private count = 0;
  private pausedUntil = 0;

  constructor(
    readonly windowMs: number,
    throttleLimit: number,
    share: number,
  ) {
    this.limit = Math.max(1, Math.floor(throttleLimit * share));
    this.starts = new Float64Array(this.limit);
  }

  /** Milliseconds until a call may start (0 = now). */
  waitMs(now: number): number {
    const pause = Math.max(0, this.pausedUntil - now);
    if (this.count < this.limit) return pause;
    const oldest = this.starts[this.next]!;
    return Math.max(pause, oldest + this.windowMs - now);
  }

  /** Records a call starting now; callers must have waited `waitMs` first. Returns false if over budget. */
  tryTake(now: number): boolean {
    if (this.waitMs(now) > 0) return false;
    this.starts[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    if (this.count < this.limit) this.count += 1;
    return true;
  }

  /** Retry-After: nothing starts before `until`. */
  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Share of this budget spent by calls that started within the last window (0–1). */
  use(now: number): number {
    let recent = 0;
    for (let i = 0; i < this.count; i++) if (this.starts[i]! > now - this.windowMs) recent += 1;
    return recent / this.limit;
  }

  isPaused(now: number): boolean {
    return this.pausedUntil > now;
  }

  /**
   * Shortest cycle for `callsPerCycle` calls that can repeat forever within budget: calls × window ÷ limit.
   */
  minCycleMs(callsPerCycle: number): number {
    return Math.ceil((callsPerCycle * this.windowMs) / this.limit);
  }
}
