import { DeadlineScheduler, type EmulatorClock } from './emulator-clock.js';

/**
 * How change notifications travel, selectable per emulator (`delivery` option, `--delivery` flag, or
 * `POST /_emulator/delivery`):
 * - `fast` (default, for the sandbox and tests): coalesced for 10 ms, then posted at once; a failed POST is
 *   retried after 1, 2 and 4 s, then dropped.
 * - `realistic`: each item waits a latency drawn from a log-normal distribution (median 3 s, σ 0.9, capped at
 *   60 s — mean ≈ 4.5 s, p99 ≈ 24 s), matching Microsoft's published presence figure of "less than 10 seconds
 *   on average, 1 minute at most"; a failed POST is retried with doubling delays from 1 minute for about
 *   4 hours (Microsoft: retries "for up to 4 hours"). Retries run on the emulator clock, so advancing it
 *   fires them.
 */
export type DeliveryMode = 'fast' | 'realistic';

export const DELIVERY_MODES: readonly DeliveryMode[] = ['fast', 'realistic'];

const FAST_RETRIES_MS = [1_000, 2_000, 4_000];
const REALISTIC_RETRIES_MS = [60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_840_000, 3_840_000, 3_840_000];
const MEDIAN_MS = 3_000;
const SIGMA = 0.9;
export const MAX_LATENCY_MS = 60_000;

export function retryDelaysMs(mode: DeliveryMode): readonly number[] {
  return mode === 'realistic' ? REALISTIC_RETRIES_MS : FAST_RETRIES_MS;
}

/** One latency sample in ms (0 in fast mode). `random` is injectable for tests of the distribution. */
export function sampleLatencyMs(mode: DeliveryMode, random: () => number = Math.random): number {
  if (mode === 'fast') return 0;
  // Box–Muller: a standard normal from two uniforms.
  const u = Math.max(random(), 1e-12);
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(MAX_LATENCY_MS, Math.round(MEDIAN_MS * Math.exp(SIGMA * z)));
}

/** Callbacks at emulator-clock instants (one real timer underneath); advancing the clock runs what is due. */
export class ClockTimers {
  private readonly pending = new Map<number, () => void>();
  private next = 1;
  private readonly scheduler: DeadlineScheduler;

  constructor(clock: EmulatorClock) {
    this.scheduler = new DeadlineScheduler(clock, (key) => {
      const fn = this.pending.get(key);
      if (!fn) return;
      this.pending.delete(key);
      fn();
    });
  }

  at(when: number, fn: () => void): void {
    const key = this.next++;
    this.pending.set(key, fn);
    this.scheduler.schedule(key, when);
  }

  get size(): number {
    return this.pending.size;
  }

  close(): void {
    this.pending.clear();
    this.scheduler.close();
  }
}
