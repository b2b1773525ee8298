import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { measureFloor } from './floor-bench.js';
import { runNaivePeer } from './naive-poller.js';
import { connectWidgets, createAgentKeys, watchWebexStates } from './observers.js';
import { CALL, PRESENTING, PresenceDriver, type BenchAgent } from './presence-driver.js';
import { http, sleep, waitFor } from './processes.js';
import { printTable, updateReadme, type BenchResult } from './report.js';
import { startStack, type Stack } from './stack.js';
import { roundSummary, summarize } from './stats.js';

/**
 * `npm run bench -- [--agents 10000] [--rate 1000] [--duration 20] [--widgets 200] [--out bench-results/latest.json]`
 * Emulators and connector run as separate processes on loopback; this process drives Teams presence, watches
 * the contact center's event socket and W widget clients, and reads the connector's own metrics.
 */
// `--budget`: freshness under Webex's real request budget, with the naive approach in the same run (budget-bench.ts).
if (process.argv.includes('--budget')) {
  await (await import('./budget-bench.js')).main(process.argv.slice(2));
  process.exit(0);
}
// `--subscribe`: only the short subscribe-mode freshness run under realistic delivery (subscribe-freshness.ts).
if (process.argv.includes('--subscribe')) {
  await (await import('./subscribe-freshness.js')).main(process.argv.slice(2));
  process.exit(0);
}
// `--soak MINUTES`, `--capacity` (RSS, CPU per event and capacity at --agents, default 50,000), `--day` (a realistic day).
// `--internal`: the engine's capacity in process, with no network or budget in between (internal-capacity.ts).
for (const [flag, mod] of [['--soak', './soak.js'], ['--capacity', './capacity.js'], ['--day', './day.js'], ['--internal', './internal-capacity.js']] as const) {
  if (process.argv.includes(flag)) {
    await ((await import(mod)) as { main(argv: string[]): Promise<void> }).main(process.argv.slice(2));
    process.exit(0);
  }
}
const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '20' },
    widgets: { type: 'string', default: '200' },
    out: { type: 'string', default: 'bench-results/latest.json' },
    'no-subscribe': { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
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
const AGENTS = int('agents', values.agents, 1000, 50_000);
const RATE = int('rate', values.rate, 1, 20_000);
const DURATION_MS = int('duration', values.duration, 3, 600) * 1000;
const WIDGETS = Math.min(AGENTS, int('widgets', values.widgets, 0, 5_000));
const BUDGET_SHARE = 0.5;
const t0 = Date.now();
const log = (line: string): void => void process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);

type Metrics = { latencyMs: Record<string, { count: number; p50: number; p95: number; p99: number; max: number; mean: number }>; memory: NodeJS.MemoryUsage; cpu: NodeJS.CpuUsage; status: any };
const metrics = async (s: Stack): Promise<Metrics> => (await http('GET', `${s.connectorUrl}/api/admin/metrics`, undefined, s.adminKey)).body as Metrics;
const graphStats = async (s: Stack): Promise<{ graphRequests: number; throttled: number; routes: Record<string, Record<string, number>> }> => (await s.graphApi('GET', '/_emulator/stats')).body;
const routeCount = (st: { routes: Record<string, Record<string, number>> }, match: (route: string) => boolean): number =>
  Object.entries(st.routes).filter(([r]) => match(r)).reduce((n, [, byStatus]) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
const pollCalls = (st: { routes: Record<string, Record<string, number>> }): number => routeCount(st, (r) => r.includes('getPresencesByUserId'));

async function benchAgents(s: Stack): Promise<BenchAgent[]> {
  const list = (await http('GET', `${s.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
  return list.map((a) => ({ agentId: a.id, teamsUserId: s.teamsIdByEmail.get(a.email.toLowerCase())! })).filter((a) => a.teamsUserId);
}

function idleCodes(orgId: string): (p: { activity: string }) => string {
  const codes = buildAuxCodes(orgId);
  const id = (name: string): string => codes.find((c) => c.name === name)!.id;
  const call = id('Teams Call');
  const presenting = id('Presenting');
  return (p) => (p.activity === 'Presenting' ? presenting : call);
}

async function drain(driver: PresenceDriver, maxMs: number): Promise<void> {
  await waitFor('changes applied', () => driver.outstanding() === 0, maxMs, 100).catch(() => undefined);
}

async function pollModeRun(floor: BenchResult['floor']): Promise<Omit<BenchResult, 'subscribe' | 'naive' | 'machine' | 'config' | 'floor' | 'ratios' | 'finishedInSec'> & { stack: Stack; agents: BenchAgent[] }> {
  // Capacity run: the contact center's request budget lifted (the internal path's figure); the observer reads every
  // agent's applied state from the emulator's control surface.
  const stack = await startStack({ agents: AGENTS, log, webexPerMinute: 0, env: { TPC_GRAPH_BUDGET_SHARE: String(BUDGET_SHARE) } });
  void floor;
  const agents = await benchAgents(stack);
  const driver = new PresenceDriver(stack.graphApi, agents, idleCodes(stack.webex.orgId));
  const watcher = await watchWebexStates(stack.webex.url, stack.webex.supervisorToken, (f) => driver.onState(f));
  const keys = createAgentKeys(stack.dbPath, agents.slice(0, WIDGETS).map((a) => a.agentId));
  const fleet = await connectWidgets(stack.connectorUrl, keys);
  log(`${WIDGETS} widget clients connected; driving ${RATE} presence changes/s for ${DURATION_MS / 1000} s`);

  const g0 = await graphStats(stack);
  const m0 = await metrics(stack);
  const started = performance.now();
  const sent = await driver.runAtRate(RATE, DURATION_MS);
  const elapsed = performance.now() - started;
  const g1 = await graphStats(stack);
  const m1 = await metrics(stack);
  await drain(driver, 15_000);
  const m2 = await metrics(stack);
  const pollIntervalMs = m1.status.health.pollIntervalMs as number;
  const callsInPhase = pollCalls(g1) - pollCalls(g0);
  const cpuMs = (m1.cpu.user - m0.cpu.user + m1.cpu.system - m0.cpu.system) / 1000;
  log(`latency phase: ${sent} changes sent, ${driver.idleFreshness.length} idle + ${driver.releaseFreshness.length} releases applied`);

  // Throughput: every agent flips between two mapped Teams states (a new idle code each round, no settle delay).
  driver.clearPending();
  driver.applied = [];
  const rounds: { changes: number; engineMs: number; endToEndMs: number }[] = [];
  const audit0 = m2.latencyMs['presence-observed-to-command-accepted']?.count ?? 0;
  for (let r = 0; r < 3; r++) {
    const target = r % 2 === 0 ? PRESENTING : CALL;
    driver.applied = [];
    const sentAt = performance.timeOrigin + performance.now();
    await driver.all(target);
    await drain(driver, 30_000);
    const a = driver.applied;
    if (a.length) rounds.push({ changes: a.length, engineMs: a[a.length - 1]! - a[0]!, endToEndMs: a[a.length - 1]! - sentAt });
    log(`throughput round ${r + 1}: ${a.length} state changes applied in ${(a.length ? a[a.length - 1]! - a[0]! : 0).toFixed(0)} ms`);
  }
  const m3 = await metrics(stack);
  const totalChanges = rounds.reduce((n, r) => n + r.changes, 0);
  const engineMs = rounds.reduce((n, r) => n + r.engineMs, 0);
  watcher.close();
  fleet.close();

  const lat = (name: string) => m1.latencyMs[name] ?? null;
  return {
    stack,
    agents,
    latency: {
      changesSent: sent,
      rateAchieved: (sent * 1000) / elapsed,
      observedToCommandSent: lat('presence-observed-to-command-sent'),
      observedToCommandAccepted: lat('presence-observed-to-command-accepted'),
      observedToWidget: roundSummary(summarize(fleet.latencies)),
      widgetViews: fleet.views,
    },
    throughput: {
      rounds,
      changesPerSecond: engineMs > 0 ? (totalChanges * 1000) / engineMs : 0,
      commandsAccepted: (m3.latencyMs['presence-observed-to-command-accepted']?.count ?? 0) - audit0,
    },
    resources: { rssMb: m3.memory.rss / 2 ** 20, heapUsedMb: m3.memory.heapUsed / 2 ** 20, cpuPercentDuringLatencyPhase: (cpuMs / elapsed) * 100 },
    graph: {
      pollIntervalMs,
      callsPerPollExpected: Math.ceil(AGENTS / 650),
      callsPerPollMeasured: callsInPhase / (elapsed / pollIntervalMs),
      callsPerMinute: (callsInPhase * 60_000) / elapsed,
      budgetPerMinute: (1500 * BUDGET_SHARE * 60_000) / 30_000,
      throttled: g1.throttled,
    },
    freshnessPoll: { idle: roundSummary(summarize(driver.idleFreshness), 1), release: roundSummary(summarize(driver.releaseFreshness), 1) },
  };
}

async function subscribeModeRun(): Promise<BenchResult['subscribe']> {
  // Capacity run of the Graph side (subscribe mode): the contact center's request budget lifted so commands do not queue.
  const stack = await startStack({ agents: AGENTS, log, subscribe: true, webexPerMinute: 0 });
  try {
    const agents = await benchAgents(stack);
    await waitFor('subscriptions for every agent', async () => {
      const st = (await http('GET', `${stack.connectorUrl}/api/admin/status`, undefined, stack.adminKey)).body;
      return (st.health.subscriptions ?? 0) >= Math.ceil(AGENTS / 650) ? true : undefined;
    }, 60_000, 250);
    const driver = new PresenceDriver(stack.graphApi, agents, idleCodes(stack.webex.orgId));
    const watcher = await watchWebexStates(stack.webex.url, stack.webex.supervisorToken, (f) => driver.onState(f));
    const runMs = Math.min(DURATION_MS, 10_000);
    log(`subscribe mode: driving ${RATE} changes/s for ${runMs / 1000} s`);
    const m0 = await metrics(stack);
    await driver.runAtRate(RATE, runMs);
    await drain(driver, 15_000);
    const m1 = await metrics(stack);
    const g = await graphStats(stack);
    watcher.close();
    void m0;
    return {
      subscriptions: m1.status.health.subscriptions,
      renewals: routeCount(g, (r) => r.startsWith('PATCH') && r.includes('subscriptions')),
      freshness: { idle: roundSummary(summarize(driver.idleFreshness), 1), release: roundSummary(summarize(driver.releaseFreshness), 1) },
      observedToCommandAccepted: m1.latencyMs['presence-observed-to-command-accepted'] ?? null,
      rssMb: m1.memory.rss / 2 ** 20,
    };
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  log(`agents ${AGENTS}, rate ${RATE}/s, duration ${DURATION_MS / 1000} s, widgets ${WIDGETS}`);
  const floorRaw = await measureFloor();
  const floor = { httpRoundTrip: roundSummary(floorRaw.httpRoundTrip), socketIoPush: roundSummary(floorRaw.socketIoPush), sqliteWalInsert: roundSummary(floorRaw.sqliteWalInsert) };
  log(`floor: http p50 ${floor.httpRoundTrip.p50} ms, socket.io p50 ${floor.socketIoPush.p50} ms, sqlite p50 ${floor.sqliteWalInsert.p50} ms`);
  const poll = await pollModeRun(floor);
  const { stack, agents, ...pollResult } = poll;
  log('naive peer: one GET presence per agent per poll');
  const naive = await runNaivePeer(stack.graph, stack.graphApi, agents.map((a) => a.teamsUserId), { budgetPerWindow: 1500 * BUDGET_SHARE, windowMs: 30_000, runMs: 6_000 });
  await stack.close();
  await sleep(500);
  const subscribe = values['no-subscribe'] ? null : await subscribeModeRun().catch((err: unknown) => ({ error: (err as Error).message }));

  const pathFloor = floor.sqliteWalInsert.p50 + floor.httpRoundTrip.p50 + floor.socketIoPush.p50;
  const pathFloorP99 = floor.sqliteWalInsert.p99 + floor.httpRoundTrip.p99 + floor.socketIoPush.p99;
  const accepted = pollResult.latency.observedToCommandAccepted;
  const result: BenchResult = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version, platform: `${process.platform} ${process.arch}` },
    config: { agents: AGENTS, rate: RATE, durationSec: DURATION_MS / 1000, widgets: WIDGETS, budgetShare: BUDGET_SHARE },
    floor,
    ...pollResult,
    subscribe,
    naive,
    ratios: {
      overheadOverFloorP50: accepted ? pollResult.latency.observedToWidget.p50 / pathFloor : null,
      overheadOverFloorP99: accepted ? pollResult.latency.observedToWidget.p99 / pathFloorP99 : null,
      pathFloorP50Ms: pathFloor,
      naiveCallsPerCycle: naive.callsPerCycle / pollResult.graph.callsPerPollExpected,
      naiveFreshnessP99: naive.freshnessP99Ms / (pollResult.freshnessPoll.idle.p99 || 1),
    },
    finishedInSec: (Date.now() - t0) / 1000,
  };
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result);
  if (!values['no-readme']) updateReadme(result);
  log(`wrote ${values.out}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
