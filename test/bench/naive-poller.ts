import type { graphControl } from './processes.js';
import { sleep } from './processes.js';
import { summarize, type Summary } from './stats.js';

/**
 * The naive peer approach: one `GET /users/{id}/presence` per agent per poll, paced to the same share of the
 * 1,500 / 30 s presence budget the connector uses. A full cycle over 10,000 agents takes minutes, so the
 * benchmark runs it for a short window, measures the call rate it sustains without a 429, and derives the cycle
 * time and freshness from it (a change lands at a uniformly random point of the cycle: p99 ≈ 0.99 × cycle).
 */

export interface NaiveResult {
  windowMs: number;
  calls: number;
  throttled: number;
  callsPerSecond: number;
  callLatencyMs: Summary;
  callsPerCycle: number;
  cycleMs: number;
  freshnessP99Ms: number;
}

export async function runNaivePeer(
  graph: { url: string; tenantId: string; clientId: string; clientSecret: string },
  api: ReturnType<typeof graphControl>,
  teamsUserIds: readonly string[],
  opts: { budgetPerWindow: number; windowMs: number; runMs: number; concurrency?: number },
): Promise<NaiveResult> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: graph.clientId, client_secret: graph.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString();
  const tokenRes = await api('POST', `/${graph.tenantId}/oauth2/v2.0/token`, form);
  if (tokenRes.status !== 200) throw new Error(`naive peer: token request failed with ${tokenRes.status}`);
  const accessToken = tokenRes.body.access_token as string;
  const intervalMs = opts.windowMs / opts.budgetPerWindow;
  const latencies: number[] = [];
  let calls = 0;
  let throttled = 0;
  let next = 0;
  const started = performance.now();
  const until = started + opts.runMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      // Paced start times: call k may start at started + k × interval, never earlier.
      const slot = started + calls * intervalMs;
      const wait = slot - performance.now();
      calls++;
      if (wait > 0) await sleep(wait);
      if (performance.now() >= until) {
        calls--;
        break;
      }
      const id = teamsUserIds[next++ % teamsUserIds.length]!;
      const t = performance.now();
      const res = await api('GET', `/v1.0/users/${id}/presence`, undefined, { authorization: `Bearer ${accessToken}` });
      latencies.push(performance.now() - t);
      if (res.status === 429) throttled++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  const windowMs = performance.now() - started;
  const callsPerSecond = (latencies.length * 1000) / windowMs;
  const cycleMs = (teamsUserIds.length / callsPerSecond) * 1000;
  const callLatencyMs = summarize(latencies);
  return {
    windowMs,
    calls: latencies.length,
    throttled,
    callsPerSecond,
    callLatencyMs,
    callsPerCycle: teamsUserIds.length,
    cycleMs,
    freshnessP99Ms: 0.99 * cycleMs + callLatencyMs.p50,
  };
}
