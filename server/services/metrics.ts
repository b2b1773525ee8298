// preciseNow and observationTime live in ports.ts (presence sources use them too); re-exported for existing callers.
export { observationTime, preciseNow } from '../ports.js';

/** Bucket bounds grow by 2 %: a percentile read from the buckets is within 2 % of the exact sample. */
const GROWTH = 1.02;
const MIN_MS = 0.001;
const MAX_MS = 10_000_000;
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / Math.log(GROWTH)) + 1;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** One latency distribution: fixed log-spaced buckets, O(1) per sample, no samples kept, nothing ever sorted. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  observe(ms: number): void {
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[i]! += 1;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** The upper bound of the bucket holding the q-quantile (never above the largest sample). */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, MIN_MS * GROWTH ** i);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { count: this.count, p50: this.quantile(0.5), p95: this.quantile(0.95), p99: this.quantile(0.99), max: this.max, mean: this.count ? this.sum / this.count : 0 };
  }
}

/**
 * The engine's latency histograms by name, read by the admin metrics route, the Prometheus exposition and the
 * benchmark. Percentiles come from the histogram buckets, so a read costs the same for ten samples or ten million.
 * `onRecord` lets the Prometheus exposition mirror every sample into its own histograms.
 */
export class LatencyRecorder {
  private readonly histograms = new Map<string, LatencyHistogram>();
  private readonly listeners: ((name: string, ms: number) => void)[] = [];

  record(name: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    let h = this.histograms.get(name);
    if (!h) {
      h = new LatencyHistogram();
      this.histograms.set(name, h);
    }
    h.observe(ms);
    for (const l of this.listeners) l(name, ms);
  }

  onRecord(listener: (name: string, ms: number) => void): void {
    this.listeners.push(listener);
  }

  reset(): void {
    this.histograms.clear();
  }

  snapshot(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = {};
    for (const [name, h] of this.histograms) out[name] = h.summary();
    return out;
  }
}
