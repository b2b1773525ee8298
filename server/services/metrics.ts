import { systemClock, type Clock } from '../ports.js';

/**
 * In-process latency histograms for the engine's hot path, read by the admin metrics route and the
 * benchmark. A bounded ring of recent samples per name: percentiles over the last `capacity` samples, with
 * no allocation per sample once the ring is full.
 */
export class LatencyRecorder {
  private readonly rings = new Map<string, { samples: Float64Array; next: number; count: number; total: number }>();

  constructor(private readonly capacity = 200_000) {}

  record(name: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    let ring = this.rings.get(name);
    if (!ring) {
      ring = { samples: new Float64Array(this.capacity), next: 0, count: 0, total: 0 };
      this.rings.set(name, ring);
    }
    ring.samples[ring.next] = ms;
    ring.next = (ring.next + 1) % this.capacity;
    ring.count = Math.min(ring.count + 1, this.capacity);
    ring.total++;
  }

  reset(): void {
    this.rings.clear();
  }

  snapshot(): Record<string, { count: number; p50: number; p95: number; p99: number; max: number; mean: number }> {
    const out: Record<string, { count: number; p50: number; p95: number; p99: number; max: number; mean: number }> = {};
    for (const [name, ring] of this.rings) {
      const s = Array.from(ring.samples.subarray(0, ring.count)).sort((a, b) => a - b);
      const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
      out[name] = {
        count: ring.total,
        p50: at(0.5),
        p95: at(0.95),
        p99: at(0.99),
        max: s[s.length - 1] ?? 0,
        mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
      };
    }
    return out;
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/**
 * When a presence source observed something: sub-millisecond wall time on the real clock (so latency
 * percentiles below 1 ms mean something), the injected clock's time otherwise (tests stay deterministic).
 */
export const observationTime = (clock: Clock): number => (clock === systemClock ? preciseNow() : clock.now());
