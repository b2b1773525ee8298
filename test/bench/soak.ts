import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { ConnectorSampler, heapSnapshot, slopePerSecond } from './connector-sampler.js';
import { ContactChurn } from './contact-churn.js';
import { PresenceDriver } from './presence-driver.js';
import { http, sleep } from './processes.js';
import { startStack } from './stack.js';
import { lineChart } from './svg-chart.js';

/**
 * `npm run bench -- --soak MINUTES [--agents 10000] [--rate 200] [--offers 5] [--webex-per-minute 0]
 *  [--heap-snapshots DIR] [--cpu-prof DIR] [--out bench-results/soak.json]`
 * Steady Teams presence churn and contact-center contacts (offer, accept, wrap-up, end; some RONA) for MINUTES;
 * the connector's heap and RSS are read from its own metrics every 10 s and the least-squares slope after warm-up
 * is reported in MB per 10 minutes (goal: heap under 1). Warm-up is the first fifth of the run, at most 5 minutes.
 */

export function machine(): Record<string, unknown> {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version, platform: `${process.platform} ${process.arch}`, loadAvg1mAtStart: Number(loadavg()[0]!.toFixed(2)) };
}

export interface ProbeLine {
  t: number;
  heapUsed: number;
  heapLive: number;
  rss: number;
  cpuUser: number;
  cpuSystem: number;
}

/** Connector environment for the in-process probe (connector-probe.mjs) writing to `probeFile`. */
export function probeEnv(probeFile: string): Record<string, string> {
  return { TPC_BENCH_PROBE_FILE: resolve(probeFile), NODE_OPTIONS_PROBE: `--import=${resolve('test/bench/connector-probe.mjs')}` };
}

export function readProbe(probeFile: string): ProbeLine[] {
  if (!existsSync(probeFile)) return [];
  return readFileSync(probeFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ProbeLine);
}

export function profilingEnv(heapDir?: string, cpuDir?: string, probeFile?: string): Record<string, string> {
  const opts: string[] = [];
  const probe = probeFile ? probeEnv(probeFile) : {};
  if (probe.NODE_OPTIONS_PROBE) opts.push(probe.NODE_OPTIONS_PROBE);
  delete probe.NODE_OPTIONS_PROBE;
  if (cpuDir && !probeFile) throw new Error('a CPU profile needs the probe (probeFile)');
  if (heapDir) opts.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${resolve(heapDir)}`);
  if (cpuDir) Object.assign(probe, { TPC_BENCH_CPU_PROF_DIR: resolve(cpuDir) });
  for (const d of [heapDir, cpuDir]) if (d) mkdirSync(d, { recursive: true });
  return { ...probe, ...(opts.length ? { NODE_OPTIONS: [process.env.NODE_OPTIONS ?? '', ...opts].join(' ').trim() } : {}) };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      soak: { type: 'string' },
      agents: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '200' },
      offers: { type: 'string', default: '5' },
      'webex-per-minute': { type: 'string', default: '0' },
      'heap-snapshots': { type: 'string' },
      'cpu-prof': { type: 'string' },
      out: { type: 'string', default: 'bench-results/soak.json' },
    },
    strict: false,
  });
  const minutes = Number(values.soak);
  const agentsN = Number(values.agents);
  const rate = Number(values.rate);
  const offers = Number(values.offers);
  if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error('--soak must be a number of minutes from 0 to 1440');
  if (!Number.isInteger(agentsN) || agentsN < 100 || agentsN > 50_000) throw new Error('--agents must be an integer from 100 to 50,000');
  if (!(rate > 0) || !(offers >= 0)) throw new Error('--rate must be positive and --offers non-negative');
  const t0 = Date.now();
  const machineAtStart = machine();
  const log = (line: string): void => void process.stderr.write(`[soak ${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}\n`);
  const heapDir = values['heap-snapshots'] as string | undefined;
  const out = values.out as string;
  mkdirSync(dirname(out), { recursive: true });
  const probeFile = `${out.replace(/\.json$/, '')}.probe.jsonl`;
  writeFileSync(probeFile, '');
  const stack = await startStack({ agents: agentsN, log, webexPerMinute: Number(values['webex-per-minute']), env: profilingEnv(heapDir, values['cpu-prof'] as string | undefined, probeFile) });
  const sampler = new ConnectorSampler(stack);
  try {
    const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
    const agents = list.map((a) => ({ agentId: a.id, teamsUserId: stack.teamsIdByEmail.get(a.email.toLowerCase())! })).filter((a) => a.teamsUserId);
    const codes = buildAuxCodes(stack.webex.orgId);
    const call = codes.find((c) => c.name === 'Teams Call')!.id;
    const driver = new PresenceDriver(stack.graphApi, agents, () => call);
    const churn = new ContactChurn(stack.webex.url, agents.map((a) => a.agentId), { offersPerSec: offers, ronaShare: 0.1, ronaSec: 8, ringMs: [1_000, 4_000], talkMs: [20_000, 60_000], wrapMs: [5_000, 15_000] });
    const durationMs = minutes * 60_000;
    log(`${agents.length} agents; ${rate} presence changes/s and ${offers} contact offers/s for ${minutes} min`);
    const probeStart = readProbe(probeFile).length;
    sampler.start((s) => {
      const live = readProbe(probeFile).at(-1);
      log(`heap ${s.heapMb} MB (live after GC ${live ? (live.heapLive / 2 ** 20).toFixed(1) : '?'} MB), rss ${s.rssMb} MB, cpu ${s.cpuPercent} %`);
    });
    churn.start();
    const warmupSec = Math.min(300, (minutes * 60) / 5);
    // With --heap-snapshots: one when the warm-up ends and one at the end, so what grew after warm-up can be diffed.
    const snapAtWarmup = heapDir
      ? setTimeout(() => {
          log('heap snapshot (end of warm-up)');
          void heapSnapshot(stack).catch(() => undefined);
        }, warmupSec * 1000)
      : null;
    const sent = await driver.runAtRate(rate, durationMs, 100);
    if (snapAtWarmup) clearTimeout(snapAtWarmup);
    await churn.stop();
    sampler.stop();
    await sleep(2_000);
    await sampler.sample();
    if (heapDir) {
      log('heap snapshot (end)');
      await heapSnapshot(stack);
    }
    const after = sampler.samples.filter((s) => s.t >= warmupSec);
    const per10 = (k: 'heapMb' | 'rssMb'): number => Number((slopePerSecond(after.map((s) => ({ t: s.t, y: s[k] }))) * 600).toFixed(3));
    // The probe's clock starts with the connector; re-base it on the first line written during the run.
    const probe = readProbe(probeFile).slice(probeStart);
    const pt0 = probe[0]?.t ?? 0;
    const live = probe.map((p) => ({ t: p.t - pt0, liveMb: p.heapLive / 2 ** 20, rssMb: p.rss / 2 ** 20 }));
    const liveAfter = live.filter((p) => p.t >= warmupSec);
    const liveSlope = Number((slopePerSecond(liveAfter.map((p) => ({ t: p.t, y: p.liveMb }))) * 600).toFixed(3));
    const result = {
      kind: 'soak',
      machine: { ...machineAtStart, loadAvg1mAtEnd: Number(loadavg()[0]!.toFixed(2)) },
      config: { minutes, agents: agents.length, presencePerSec: rate, offersPerSec: offers, webexPerMinute: Number(values['webex-per-minute']), warmupSec, sampleEverySec: 10 },
      presenceChangesSent: sent,
      contacts: churn.counts,
      liveHeapSlopeMbPer10Min: liveSlope,
      liveHeapMb: { afterWarmup: liveAfter[0] ? Number(liveAfter[0].liveMb.toFixed(2)) : null, last: live.at(-1) ? Number(live.at(-1)!.liveMb.toFixed(2)) : null },
      heapSlopeMbPer10Min: per10('heapMb'),
      rssSlopeMbPer10Min: per10('rssMb'),
      goal: { liveHeapSlopeMbPer10Min: '< 1' },
      note: 'live heap = heapUsed right after a full collection in the connector (probe every 10 s); heapUsed also counts garbage not yet collected',
      heapMb: { first: sampler.samples[0]?.heapMb, afterWarmup: after[0]?.heapMb, last: sampler.samples.at(-1)?.heapMb, max: Math.max(...sampler.samples.map((s) => s.heapMb)) },
      rssMb: { first: sampler.samples[0]?.rssMb, afterWarmup: after[0]?.rssMb, last: sampler.samples.at(-1)?.rssMb, max: Math.max(...sampler.samples.map((s) => s.rssMb)) },
      samples: sampler.samples,
      finishedInSec: (Date.now() - t0) / 1000,
    };
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    const pts = (k: 'heapMb' | 'rssMb' | 'cpuPercent') => sampler.samples.map((s) => ({ t: s.t / 60, y: s[k] }));
    writeFileSync(out.replace(/\.json$/, '') + '.svg', lineChart(`Soak: ${agents.length} agents, ${rate} presence/s, ${offers} offers/s — live heap slope ${liveSlope} MB / 10 min`, [
      { title: 'Connector memory', unit: 'MB', series: [{ name: 'heap used', points: pts('heapMb') }, { name: 'RSS', points: pts('rssMb') }, { name: 'live heap (after GC)', points: live.map((p) => ({ t: p.t / 60, y: p.liveMb })) }] },
      { title: 'Connector CPU', unit: '% of one core', series: [{ name: 'cpu', points: pts('cpuPercent') }] },
    ], { xLabel: 'minutes' }));
    process.stdout.write(`soak ${minutes} min at ${agents.length} agents: live heap slope ${liveSlope} MB/10 min (goal < 1), heapUsed slope ${result.heapSlopeMbPer10Min} MB/10 min, RSS slope ${result.rssSlopeMbPer10Min} MB/10 min; heap ${result.heapMb.afterWarmup} → ${result.heapMb.last} MB, RSS ${result.rssMb.afterWarmup} → ${result.rssMb.last} MB; wrote ${out}\n`);
  } finally {
    sampler.stop();
    await stack.close();
  }
}
