import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { connectorMetrics, cpuUs, gcMs, type ConnectorMetrics } from './connector-sampler.js';
import { watchWebexStates } from './observers.js';
import { CALL, FREE, PRESENTING, PresenceDriver, type BenchAgent } from './presence-driver.js';
import { http, sleep, waitFor } from './processes.js';
import { machine, profilingEnv, readProbe } from './soak.js';
import { startStack, type Stack } from './stack.js';

/**
 * `npm run bench -- --capacity [--agents 50000] [--phase 20] [--rate 500] [--event-rate 2000] [--cpu-prof DIR [--alloc]] [--out bench-results/capacity.json]`
 * (`--alloc` with `--cpu-prof`: allocation sampling profiles per phase instead of CPU profiles)
 * (`--rate`: Teams call start/end changes per second in the command phase; `--event-rate`: free ↔ free changes per
 * second in the no-command phase, high enough that the events outweigh the drift of the polling baseline)
 * Holds N agents (default 50,000) and reports, with the contact center's request budget lifted:
 * - connector RSS while holding them (goal ≤ 300 MB at 50,000) and its live heap after a full collection;
 * - connector CPU per presence event that leads to no command (Available ↔ AvailableIdle, both free; goal ≤ 50 µs)
 *   and per command cycle (Teams call start/end: decide, store, send, confirm, push; goal ≤ 200 µs), each net of
 *   the CPU the connector spends polling with nothing changing, from the connector's own process.cpuUsage;
 * - capacity: every agent flips between two mapped states at once, changes applied per second (goal ≥ 8,000).
 */

const IDLE_FREE = { availability: 'AvailableIdle', activity: 'Available' } as const;
const accepted = (m: ConnectorMetrics): number => m.latencyMs['presence-observed-to-command-accepted']?.count ?? 0;

async function phase(stack: Stack, ms: number, drive: () => Promise<number>): Promise<{ cpuUs: number; ms: number; events: number; commands: number; gcMs: Record<string, number> }> {
  const [m0, g0] = await Promise.all([connectorMetrics(stack), gcMs(stack)]);
  const started = performance.now();
  const events = await drive();
  const left = ms - (performance.now() - started);
  if (left > 0) await sleep(left);
  const [m1, g1] = await Promise.all([connectorMetrics(stack), gcMs(stack)]);
  const gc = Object.fromEntries(Object.entries(g1).map(([k, v]) => [k, Number((v - (g0[k] ?? 0)).toFixed(1))]));
  return { cpuUs: cpuUs(m1) - cpuUs(m0), ms: performance.now() - started, events, commands: accepted(m1) - accepted(m0), gcMs: gc };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      capacity: { type: 'boolean' },
      agents: { type: 'string', default: '50000' },
      phase: { type: 'string', default: '20' },
      rate: { type: 'string', default: '500' },
      'event-rate': { type: 'string', default: '2000' },
      'cpu-prof': { type: 'string' },
      alloc: { type: 'boolean' },
      out: { type: 'string', default: 'bench-results/capacity.json' },
    },
    strict: false,
  });
  const agentsN = Number(values.agents);
  const phaseMs = Number(values.phase) * 1000;
  const rate = Number(values.rate);
  const eventRate = Number(values['event-rate']);
  if (!Number.isInteger(agentsN) || agentsN < 1000 || agentsN > 50_000) throw new Error('--agents must be an integer from 1,000 to 50,000');
  if (!(phaseMs >= 5_000 && phaseMs <= 600_000)) throw new Error('--phase must be from 5 to 600 seconds');
  if (!(rate > 0 && rate <= 20_000)) throw new Error('--rate must be from 1 to 20,000 changes/s');
  if (!(eventRate > 0 && eventRate <= 20_000)) throw new Error('--event-rate must be from 1 to 20,000 changes/s');
  const t0 = Date.now();
  const machineAtStart = machine();
  const log = (line: string): void => void process.stderr.write(`[capacity ${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}\n`);
  const out = values.out as string;
  mkdirSync(dirname(out), { recursive: true });
  const probeFile = `${out.replace(/\.json$/, '')}.probe.jsonl`;
  writeFileSync(probeFile, '');
  const stack = await startStack({ agents: agentsN, log, webexPerMinute: 0, webexInventions: ['orgWideSocket'], env: { ...profilingEnv(undefined, values['cpu-prof'] as string | undefined, probeFile), TPC_BENCH_PROBE_MS: '60000', ...(values.alloc ? { TPC_BENCH_ALLOC_PROF: '1' } : {}) } });
  try {
    const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
    const agents: BenchAgent[] = list.map((a) => ({ agentId: a.id, teamsUserId: stack.teamsIdByEmail.get(a.email.toLowerCase())! })).filter((a) => a.teamsUserId);
    const codes = buildAuxCodes(stack.webex.orgId);
    const call = codes.find((c) => c.name === 'Teams Call')!.id;
    const presenting = codes.find((c) => c.name === 'Presenting')!.id;
    const driver = new PresenceDriver(stack.graphApi, agents, (p) => (p.activity === 'Presenting' ? presenting : call));
    const status = (await connectorMetrics(stack)).status;
    const pollMs = status.health.pollIntervalMs as number;
    log(`${agents.length} agents held; poll every ${pollMs} ms; settling`);
    // Activation decides for every agent at once (their first presence read); holding is measured once that is over.
    await sleep(Math.max(30_000, 5 * pollMs));

    // Held: RSS and heap with every agent matched and polled, nothing changing.
    // RSS sampled every 2 s while holding; the median is reported with the range.
    const rssSamples: number[] = [];
    const idle = await phase(stack, phaseMs, async () => {
      const until = performance.now() + phaseMs - 2_500;
      while (performance.now() < until) {
        rssSamples.push((await connectorMetrics(stack)).memory.rss / 2 ** 20);
        await sleep(2_000);
      }
      return 0;
    });
    const held = await connectorMetrics(stack);
    rssSamples.sort((a, b) => a - b);
    const rssMedian = rssSamples[Math.floor(rssSamples.length / 2)] ?? held.memory.rss / 2 ** 20;
    log(`holding: RSS ${rssMedian.toFixed(0)} MB (median of ${rssSamples.length}, ${rssSamples[0]?.toFixed(0)}–${rssSamples.at(-1)?.toFixed(0)}), heap ${(held.memory.heapUsed / 2 ** 20).toFixed(0)} MB; idle CPU ${((idle.cpuUs / 1000 / idle.ms) * 100).toFixed(1)} %`);
    let baselineUsPerMs = idle.cpuUs / idle.ms;

    const profiling = Boolean(values['cpu-prof']);
    // One profile per phase (connector-<pid>-1: no-command events, -2: command cycles, -3: capacity rounds).
    const profile = async (): Promise<void> => {
      if (!profiling) return;
      stack.connector.proc.kill('SIGWINCH');
      await sleep(1_000);
    };
    await profile();
    // Presence events that lead to no command: free ↔ free, each agent at most once per poll interval.
    const perAgentRate = Math.min(eventRate, Math.floor((agents.length * 1000) / pollMs / 2));
    let flip = false;
    const noCmdDriver = new PresenceDriver(stack.graphApi, agents, () => call);
    const noCommand = await phase(stack, phaseMs, async () => {
      let sent = 0;
      const started = performance.now();
      let cursor = 0;
      for (let tick = 1; performance.now() - started < phaseMs; tick++) {
        const due = Math.floor((perAgentRate * (performance.now() - started)) / 1000) - sent;
        if (due > 0) {
          const changes = [];
          for (let i = 0; i < due; i++) {
            if (cursor % agents.length === 0) flip = !flip;
            changes.push({ agent: agents[cursor++ % agents.length]!, presence: flip ? IDLE_FREE : FREE });
          }
          await noCmdDriver.send(changes);
          sent += due;
        }
        const wait = started + tick * 100 - performance.now();
        if (wait > 0) await sleep(wait);
      }
      return sent;
    });
    await sleep(pollMs + 1_000);
    await profile();
    // The polling baseline again after the events, averaged with the one before: it drifts by a few % of a core.
    const idleAfter = await phase(stack, phaseMs, async () => 0);
    baselineUsPerMs = (idle.cpuUs + idleAfter.cpuUs) / (idle.ms + idleAfter.ms);
    const noCmdNet = noCommand.cpuUs - baselineUsPerMs * noCommand.ms;
    log(`no-command events: ${noCommand.events} changes, ${noCommand.commands} commands, ${(noCmdNet / Math.max(1, noCommand.events)).toFixed(1)} µs each (net); GC ms ${JSON.stringify(noCommand.gcMs)} of ${(noCommand.cpuUs / 1000).toFixed(0)} ms CPU`);

    // Command cycles: Teams call start/end (idle, then release after the profile's settle delay).
    const watcher = await watchWebexStates(stack.webex.url, stack.webex.supervisorToken, (f) => driver.onState(f));
    await profile();
    const cmd = await phase(stack, phaseMs + 5_000, () => driver.runAtRate(Math.min(rate, Math.floor((agents.length * 1000) / pollMs / 2)), phaseMs, 100));
    await waitFor('commands drained', () => driver.outstanding() === 0, 15_000, 200).catch(() => undefined);
    await profile();
    const cmdNet = cmd.cpuUs - baselineUsPerMs * cmd.ms;
    log(`command cycles: ${cmd.events} changes, ${cmd.commands} commands accepted, ${(cmdNet / Math.max(1, cmd.commands)).toFixed(1)} µs each (net); GC ms ${JSON.stringify(cmd.gcMs)} of ${(cmd.cpuUs / 1000).toFixed(0)} ms CPU`);

    // Capacity: everyone to one mapped state at once, three rounds.
    driver.clearPending();
    const rounds: { changes: number; ms: number }[] = [];
    await profile();
    const capCpu0 = cpuUs(await connectorMetrics(stack));
    for (let r = 0; r < 3; r++) {
      driver.applied = [];
      await driver.all(r % 2 === 0 ? PRESENTING : CALL);
      await waitFor('round applied', () => driver.outstanding() === 0, 60_000, 100).catch(() => undefined);
      const a = driver.applied;
      if (a.length > 1) rounds.push({ changes: a.length, ms: a[a.length - 1]! - a[0]! });
      log(`capacity round ${r + 1}: ${a.length} changes applied in ${a.length > 1 ? (a[a.length - 1]! - a[0]!).toFixed(0) : 0} ms`);
    }
    const capCpu = cpuUs(await connectorMetrics(stack)) - capCpu0;
    await profile();
    if (profiling) await sleep(2_000);
    watcher.close();
    const end = await connectorMetrics(stack);
    const probe = readProbe(probeFile);
    const capChanges = rounds.reduce((n, r) => n + r.changes, 0);
    const result = {
      kind: 'capacity',
      machine: { ...machineAtStart, loadAvg1mAtEnd: Number(loadavg()[0]!.toFixed(2)) },
      config: { agents: agents.length, phaseSec: phaseMs / 1000, rate, eventRate, pollIntervalMs: pollMs, webexBudget: 'lifted' },
      held: { rssMb: Number(rssMedian.toFixed(1)), rssRangeMb: [Number((rssSamples[0] ?? 0).toFixed(1)), Number((rssSamples.at(-1) ?? 0).toFixed(1))], heapUsedMb: Number((held.memory.heapUsed / 2 ** 20).toFixed(1)), liveHeapMb: probe[0] ? Number((probe[0].heapLive / 2 ** 20).toFixed(1)) : null, goalRssMb: 300 },
      rssAtEndMb: Number((end.memory.rss / 2 ** 20).toFixed(1)),
      idleCpuPercent: Number(((baselineUsPerMs / 1000) * 100).toFixed(2)),
      noCommandEvent: { events: noCommand.events, commands: noCommand.commands, grossUs: Number((noCommand.cpuUs / Math.max(1, noCommand.events)).toFixed(1)), netUs: Number((noCmdNet / Math.max(1, noCommand.events)).toFixed(1)), goalUs: 50, gcMs: noCommand.gcMs },
      commandCycle: { changes: cmd.events, commandsAccepted: cmd.commands, grossUs: Number((cmd.cpuUs / Math.max(1, cmd.commands)).toFixed(1)), netUs: Number((cmdNet / Math.max(1, cmd.commands)).toFixed(1)), goalUs: 200, gcMs: cmd.gcMs },
      idleGcMs: { before: idle.gcMs, after: idleAfter.gcMs },
      capacity: { rounds, changesPerSecond: Number(((capChanges * 1000) / Math.max(1, rounds.reduce((n, r) => n + r.ms, 0))).toFixed(0)), cpuUsPerChange: Number((capCpu / Math.max(1, capChanges)).toFixed(1)), goal: 8000 },
      finishedInSec: (Date.now() - t0) / 1000,
    };
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify({ held: result.held, noCommandEvent: result.noCommandEvent, commandCycle: result.commandCycle, capacity: { changesPerSecond: result.capacity.changesPerSecond, cpuUsPerChange: result.capacity.cpuUsPerChange } }, null, 1)}\nwrote ${out}\n`);
  } finally {
    await stack.close();
  }
}
