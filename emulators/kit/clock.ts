/**
 * An emulator's notion of "now": real time plus an offset that a control route (`POST /_emulator/clock
 * {advanceMs}`) grows, so tests can skip over token lifetimes, rate-limit windows and expiries without waiting.
 * Everything time-based in an emulator reads its clock; clients keep their own real clock, so after an advance
 * the two differ by the offset. Inject one with the emulator's `clock` option to share it between emulators.
 */
export class EmulatorClock {
  private offsetMs = 0;
  private readonly listeners = new Set<() => void>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  offset(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advanceMs must be a non-negative number');
    this.offsetMs += ms;
    for (const listener of this.listeners) listener();
  }

  /** Sets the offset outright (negative = behind real time), to model a service whose clock is skewed. */
  setOffset(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('offsetMs must be a finite number');
    this.offsetMs = ms;
    for (const listener of this.listeners) listener();
  }

  /** Called after every advance (or offset change), so schedulers can run what became due. */
  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * One real timer for many emulator-clock deadlines: a binary min-heap of (at, key). Entries are never removed
 * early; the consumer ignores a popped entry that no longer matches its current deadline for that key.
 */
export class DeadlineScheduler {
  private readonly at: number[] = [];
  private readonly keys: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly onDue: (key: number, at: number) => void,
  ) {
    this.unsubscribe = clock.onAdvance(() => this.runDue());
  }

  schedule(key: number, at: number): void {
    if (!Number.isFinite(at)) return;
    this.at.push(at);
    this.keys.push(key);
    this.up(this.at.length - 1);
    if (at < this.timerAt) this.arm();
  }

  runDue(): void {
    const now = this.clock.now();
    while (this.at.length > 0 && this.at[0]! <= now) {
      const at = this.at[0]!;
      const key = this.keys[0]!;
      this.pop();
      this.onDue(key, at);
    }
    this.arm();
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    if (this.at.length === 0) return;
    this.timerAt = this.at[0]!;
    const delay = Math.min(Math.max(0, this.timerAt - this.clock.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.runDue();
    }, delay);
    this.timer.unref();
  }

  private pop(): void {
    const lastAt = this.at.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.at.length === 0) return;
    this.at[0] = lastAt;
    this.keys[0] = lastKey;
    this.down(0);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.at[p]! <= this.at[i]!) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.at[l]! < this.at[m]!) m = l;
      if (r < n && this.at[r]! < this.at[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    [this.at[a], this.at[b]] = [this.at[b]!, this.at[a]!];
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
  }
}
