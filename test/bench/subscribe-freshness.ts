import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { watchWebexStates } from './observers.js';
import { PresenceDriver, type BenchAgent } from './presence-driver.js';
import { http, waitFor } from './processes.js';
import { startStack } from './stack.js';
import { roundSummary, summarize, type Summary } from './stats.js';

/**
 * `npm run bench -- --subscribe [--agents 2000] [--rate 5] [--duration 90] [--reconcile 60]`
 * Subscribe mode under REALISTIC delivery: the Graph emulator runs with `--delivery realistic` (notification
 * latency drawn like Microsoft's published figure for presence — under 10 s on average, at most a minute —
 * and retries over hours), the connector with its reconcile poll every `--reconcile` seconds. Teams call
 * start/end alternate per agent at `--rate` changes/s; freshness = the contact center's applied state − the
 * Teams change. The connector's own counters say which path saw each change first: a notification, or the
 * reconcile poll (what notifications had not delivered yet).
 */

export interface SubscribeFreshnessOptions {
  agents: number;
  rate: number;
  durationMs: number;
  reconcileMs: number;
  log: (line: string) => void;
}

export interface SubscribeFreshnessResult {
  delivery: 'realistic';
  agents: number;
  rate: number;
  durationSec: number;
  reconcileSec: number;
  changesSent: number;
  freshness: { idle: Summary; release: Summary };
  /** Presence changes during the run by the path that saw them first. */
  catches: Record<string, number>;
  reconcileShare: number;
  notificationsDelivered: number;
  unmatched: number;
}

type Health = { subscriptions?: number; presenceCatches?: Record<string, number> | null };

export async function runSubscribeFreshness(o: SubscribeFreshnessOptions): Promise<SubscribeFreshnessResult> {
  const stack = await startStack({
    agents: o.agents,
    log: o.log,
    subscribe: true,
    graphArgs: ['--delivery', 'realistic'],
    // A capacity run of the Graph side: commands are not the subject, so no contact-center rate limit to queue behind.
    webexPerMinute: 0,
    env: { TPC_GRAPH_SUBSCRIBE_RECONCILE_MS: String(o.reconcileMs) },
  });
  try {
    const health = async (): Promise<Health> => (await http('GET', `${stack.connectorUrl}/api/admin/status`, undefined, stack.adminKey)).body.health as Health;
    const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
    const agents: BenchAgent[] = list.map((a) => ({ agentId: a.id, teamsUserId: stack.teamsIdByEmail.get(a.email.toLowerCase())! })).filter((a) => a.teamsUserId);
    await waitFor('subscriptions for every agent', async () => ((await health()).subscriptions ?? 0) >= Math.ceil(o.agents / 650) || undefined, 120_000, 250);
    // The start-up reconcile reads everyone once; the run counts from after it.
    await waitFor('start-up reconcile', async () => ((await health()).presenceCatches?.reconcile ?? 0) >= agents.length * 0.9 || undefined, 120_000, 250);
    const codes = buildAuxCodes(stack.webex.orgId);
    const call = codes.find((c) => c.name === 'Teams Call')!.id;
    const presenting = codes.find((c) => c.name === 'Presenting')!.id;
    const driver = new PresenceDriver(stack.graphApi, agents, (p) => (p.activity === 'Presenting' ? presenting : call));
    const watcher = await watchWebexStates(stack.webex.url, stack.webex.supervisorToken, (f) => driver.onState(f));
    const before = { ...((await health()).presenceCatches ?? {}) };
    const stats0 = (await stack.graphApi('GET', '/_emulator/stats')).body;
    o.log(`subscribe mode, realistic delivery: ${o.rate} changes/s for ${o.durationMs / 1000} s, reconcile every ${o.reconcileMs / 1000} s`);
    const sent = await driver.runAtRate(o.rate, o.durationMs);
    // Realistic latency is capped at a minute; the reconcile poll catches anything later.
    await waitFor('changes applied', () => driver.outstanding() === 0 || undefined, 60_000 + o.reconcileMs, 250).catch(() => undefined);
    const after = (await health()).presenceCatches ?? {};
    const stats1 = (await stack.graphApi('GET', '/_emulator/stats')).body;
    watcher.close();
    const catches: Record<string, number> = {};
    for (const via of ['notification', 'reconcile', 'poll']) catches[via] = (after[via] ?? 0) - (before[via] ?? 0);
    const total = Object.values(catches).reduce((a, b) => a + b, 0);
    return {
      delivery: 'realistic',
      agents: agents.length,
      rate: o.rate,
      durationSec: o.durationMs / 1000,
      reconcileSec: o.reconcileMs / 1000,
      changesSent: sent,
      freshness: { idle: roundSummary(summarize(driver.idleFreshness), 1), release: roundSummary(summarize(driver.releaseFreshness), 1) },
      catches,
      reconcileShare: total > 0 ? Number((catches.reconcile! / total).toFixed(4)) : 0,
      notificationsDelivered: (stats1.notifications?.delivered ?? 0) - (stats0.notifications?.delivered ?? 0),
      unmatched: driver.outstanding(),
    };
  } finally {
    await stack.close();
  }
}

export function printSubscribeFreshness(r: SubscribeFreshnessResult): void {
  const pct = (s: Summary): string => `p50 ${s.p50} ms · p99 ${s.p99} ms · max ${s.max} ms (n=${s.count})`;
  const rows = [
    ['agents / rate / duration', `${r.agents} / ${r.rate} per s / ${r.durationSec} s (reconcile every ${r.reconcileSec} s)`],
    ['freshness busy → idle', pct(r.freshness.idle)],
    ['freshness free → available', pct(r.freshness.release)],
    ['first seen by notification / reconcile / poll', `${r.catches.notification} / ${r.catches.reconcile} / ${r.catches.poll}`],
    ["reconcile poll's share of catches", `${(r.reconcileShare * 100).toFixed(1)} %`],
    ['changes sent / unmatched at the end', `${r.changesSent} / ${r.unmatched}`],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(48)} ${v}\n`);
}

/** Entry point of `npm run bench -- --subscribe …` (hooked from run.ts). */
export async function main(argv: string[]): Promise<void> {
  const { parseArgs } = await import('node:util');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const { values } = parseArgs({
    args: argv,
    options: {
      subscribe: { type: 'boolean', default: true },
      agents: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '5' },
      duration: { type: 'string', default: '90' },
      reconcile: { type: 'string', default: '60' },
      out: { type: 'string', default: 'bench-results/subscribe-freshness.json' },
    },
  });
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      process.stderr.write(`--${name} must be an integer from ${min} to ${max}\n`);
      process.exit(2);
    }
    return n;
  };
  const t0 = Date.now();
  const log = (line: string): void => void process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
  const result = await runSubscribeFreshness({
    agents: int('agents', values.agents, 10, 20_000),
    rate: int('rate', values.rate, 1, 1_000),
    durationMs: int('duration', values.duration, 5, 900) * 1000,
    reconcileMs: int('reconcile', values.reconcile, 5, 3_600) * 1000,
    log,
  });
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(result, null, 2)}\n`);
  printSubscribeFreshness(result);
  log(`wrote ${values.out}`);
}
