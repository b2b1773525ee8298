import { sleep } from './processes.js';
import type { Stack } from './stack.js';

/**
 * Samples the connector process from the outside through its own `/api/admin/metrics` (process.memoryUsage and
 * process.cpuUsage of the connector, not of the benchmark), and fits a least-squares slope to heap and RSS.
 */

export interface ConnectorSample {
  /** Seconds since sampling started. */
  t: number;
  heapMb: number;
  rssMb: number;
  /** Connector CPU (user + system) in µs since it started. */
  cpuUs: number;
  /** Connector CPU in the interval since the previous sample, as % of one core. */
  cpuPercent: number;
}

export interface ConnectorMetrics {
  latencyMs: Record<string, { count: number; p50: number; p95: number; p99: number; max: number; mean: number }>;
  memory: { heapUsed: number; rss: number; [k: string]: number };
  cpu: { user: number; system: number };
  status: any;
}

/** The connector's metrics; gives up after `timeoutMs` so a busy connector cannot stall the sampling loop. */
export async function connectorMetrics(s: Stack, timeoutMs = 30_000): Promise<ConnectorMetrics> {
  const res = await fetch(`${s.connectorUrl}/api/admin/metrics`, { headers: { authorization: `Bearer ${s.adminKey}` }, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`connector metrics answered ${res.status}`);
  return (await res.json()) as ConnectorMetrics;
}

export const cpuUs = (m: ConnectorMetrics): number => m.cpu.user + m.cpu.system;

/**
 * Garbage-collection time so far by kind (minor, major, incremental, weakcb), in ms, from the connector's Prometheus
 * exposition (prom-client's default GC histogram; the scrape is answered to loopback callers without a token).
 */
export async function gcMs(s: Stack): Promise<Record<string, number>> {
  const text = await (await fetch(`${s.connectorUrl}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^tpc_process_nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} ([\d.e+-]+)$/gm)) out[m[1]!] = Number(m[2]) * 1000;
  return out;
}

export class ConnectorSampler {
  readonly samples: ConnectorSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private started = 0;
  private last: { at: number; cpu: number } | null = null;

  constructor(
    private readonly stack: Stack,
    private readonly everyMs = 10_000,
  ) {}

  async sample(): Promise<ConnectorSample> {
    const m = await connectorMetrics(this.stack);
    const at = performance.now();
    const cpu = cpuUs(m);
    const s: ConnectorSample = {
      t: Number(((at - this.started) / 1000).toFixed(1)),
      heapMb: Number((m.memory.heapUsed / 2 ** 20).toFixed(2)),
      rssMb: Number((m.memory.rss / 2 ** 20).toFixed(2)),
      cpuUs: cpu,
      cpuPercent: this.last ? Number((((cpu - this.last.cpu) / 1000 / (at - this.last.at)) * 100).toFixed(1)) : 0,
    };
    this.last = { at, cpu };
    this.samples.push(s);
    return s;
  }

  start(onSample?: (s: ConnectorSample) => void): void {
    this.started = performance.now();
    const tick = async (): Promise<void> => {
      const s = await this.sample().catch(() => null);
      if (s && onSample) onSample(s);
      if (this.timer) this.timer = setTimeout(() => void tick(), this.everyMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Least-squares slope of y over t (per second), or 0 with fewer than two points. */
export function slopePerSecond(points: readonly { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let st = 0;
  let sy = 0;
  for (const p of points) {
    st += p.t;
    sy += p.y;
  }
  const mt = st / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** Asks the connector to write a heap snapshot (it runs with `--heapsnapshot-signal=SIGUSR2`); resolves after `waitMs`. */
export async function heapSnapshot(stack: Stack, waitMs = 20_000): Promise<void> {
  stack.connector.proc.kill('SIGUSR2');
  await sleep(waitMs);
}
