/** Percentile summaries for the benchmark (nearest-rank on a sorted copy). */

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = Float64Array.from(samples).sort();
  const at = (q: number): number => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]! : 0);
  let total = 0;
  for (const v of s) total += v;
  return { count: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? s[s.length - 1]! : 0, mean: s.length ? total / s.length : 0 };
}

export const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

export function roundSummary(s: Summary, digits = 3): Summary {
  return { count: s.count, p50: round(s.p50, digits), p95: round(s.p95, digits), p99: round(s.p99, digits), max: round(s.max, digits), mean: round(s.mean, digits) };
}
