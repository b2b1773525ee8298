import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { ConnectorSampler, connectorMetrics } from './connector-sampler.js';
import { ContactChurn } from './contact-churn.js';
import { watchWebexStates, type StateFrame } from './observers.js';
import { http, sleep } from './processes.js';
import { machine } from './soak.js';
import { startStack } from './stack.js';
import { roundSummary, summarize } from './stats.js';
import { lineChart } from './svg-chart.js';

/**
 * `npm run bench -- --day [--agents 150] [--hours 8] [--minutes 12] [--out bench-results/day.json]`
 * A working day, time compressed (8 h in 12 min by default, ×40): each agent has Teams calls (about 1 an hour,
 * ~4 min), meetings (1 in 4 h, ~30 min, one in five presenting), Do Not Disturb (once a day, ~20 min), with a
 * morning peak and a lunch dip; the contact center offers contacts (about 6 an hour per agent, ~5 min talk,
 * ~1 min wrap-up, 5 % RONA). Both budgets as in production: Webex 300 requests/min (emulator and connector), the
 * Graph emulator's throttling and the connector's default share of it. Reports freshness per priority (1: idle an
 * Available agent whose Teams is busy; 2: release; 3: switch idle code), budget use, 429s, CPU and memory over time,
 * and draws them as an SVG next to the JSON. A p1 change that meets a contact (in progress, or offered before the
 * idle lands) waits for the contact to end, since the connector never interrupts one: it is timed apart.
 */

type Activity = 'free' | 'call' | 'meeting' | 'presenting' | 'dnd';
const PRESENCE: Record<Activity, { availability: string; activity: string }> = {
  free: { availability: 'Available', activity: 'Available' },
  call: { availability: 'Busy', activity: 'InACall' },
  meeting: { availability: 'Busy', activity: 'InAMeeting' },
  presenting: { availability: 'DoNotDisturb', activity: 'Presenting' },
  dnd: { availability: 'DoNotDisturb', activity: 'DoNotDisturb' },
};
/** Starts per agent per simulated hour and mean duration in simulated minutes. */
const ACTIVITIES: { kind: Exclude<Activity, 'free'>; perHour: number; meanMin: number }[] = [
  { kind: 'call', perHour: 1, meanMin: 4 },
  { kind: 'meeting', perHour: 0.2, meanMin: 30 },
  { kind: 'presenting', perHour: 0.05, meanMin: 25 },
  { kind: 'dnd', perHour: 0.125, meanMin: 20 },
];
/** Relative activity by hour of the day (morning peak, lunch dip, afternoon peak). */
const SHAPE = [0.7, 1.2, 1.3, 1.0, 0.5, 1.1, 1.2, 0.8];

interface Pending {
  sentAt: number;
  priority: 1 | 2 | 3;
  want: 'Idle' | 'Available';
  /** Contacts offered to the agent when Teams changed, and whether one was in progress: the connector never
   * interrupts a contact, so an idle that waits for one to end is timed apart from p1. */
  offers: number;
  onContact: boolean;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { day: { type: 'boolean' }, agents: { type: 'string', default: '150' }, hours: { type: 'string', default: '8' }, minutes: { type: 'string', default: '12' }, out: { type: 'string', default: 'bench-results/day.json' } },
    strict: false,
  });
  const agentsN = Number(values.agents);
  const hours = Number(values.hours);
  const minutes = Number(values.minutes);
  if (!Number.isInteger(agentsN) || agentsN < 10 || agentsN > 50_000) throw new Error('--agents must be an integer from 10 to 50,000');
  if (!(hours > 0 && hours <= 24) || !(minutes > 0 && minutes <= 24 * 60)) throw new Error('--hours must be from 0 to 24 and --minutes positive');
  const speed = (hours * 60) / minutes;
  const t0 = Date.now();
  const machineAtStart = machine();
  const log = (line: string): void => void process.stderr.write(`[day ${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}\n`);
  const stack = await startStack({ agents: agentsN, log, webexInventions: ['orgWideSocket'] });
  const sampler = new ConnectorSampler(stack);
  try {
    const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
    const agents = list.map((a) => ({ agentId: a.id, teamsUserId: stack.teamsIdByEmail.get(a.email.toLowerCase())! })).filter((a) => a.teamsUserId);
    const codes = buildAuxCodes(stack.webex.orgId);
    const code = (name: string): string => codes.find((c) => c.name === name)!.id;
    const rona = code('RONA');
    const state = new Map<string, { kind: Activity; until: number; idle: boolean }>(agents.map((a) => [a.agentId, { kind: 'free', until: 0, idle: false }]));
    const pending = new Map<string, Pending>();
    const fresh: Record<1 | 2 | 3, number[]> = { 1: [], 2: [], 3: [] };
    /** p1 changes that met a contact (in progress, or offered before the idle): they wait for it to end. */
    const behindContact: number[] = [];
    const window: Record<1 | 2 | 3, number[]> = { 1: [], 2: [], 3: [] };
    const now = (): number => performance.timeOrigin + performance.now();
    const onState = (f: StateFrame): void => {
      const s = state.get(f.agentId);
      if (s) s.idle = f.subStatus === 'Idle';
      const p = pending.get(f.agentId);
      if (!p) return;
      // Any idle code but RONA's: the mapping profile chooses the code, the benchmark only times the change.
      if ((p.want === 'Available' && f.subStatus === 'Available') || (p.want === 'Idle' && f.subStatus === 'Idle' && f.auxCodeId !== rona)) {
        if (p.priority === 1 && (p.onContact || (churn.offersTo.get(f.agentId) ?? 0) !== p.offers)) behindContact.push(f.at - p.sentAt);
        else {
          fresh[p.priority].push(f.at - p.sentAt);
          window[p.priority].push(f.at - p.sentAt);
        }
        pending.delete(f.agentId);
      }
    };
    const watcher = await watchWebexStates(stack.webex.url, stack.webex.supervisorToken, onState);
    const churn = new ContactChurn(stack.webex.url, agents.map((a) => a.agentId), { offersPerSec: 0, ronaShare: 0.05, ronaSec: 15, ringMs: [2_000, 8_000], talkMs: [(240_000 / speed), (360_000 / speed)], wrapMs: [(40_000 / speed), (80_000 / speed)] });
    const g0 = (await stack.graphApi('GET', '/_emulator/stats')).body;
    log(`${agents.length} agents; ${hours} h in ${minutes} min (×${speed.toFixed(0)})`);
    sampler.start();
    churn.start();
    const series: { t: number; hour: number; p1p99: number; p2p99: number; p1p50: number; budgetUsed: number; queued: number; webex429: number; graph429: number; cpu: number; rssMb: number; heapMb: number }[] = [];
    const runMs = minutes * 60_000;
    const started = performance.now();
    let changes = 0;
    let nextReport = 10_000;
    const exp = (mean: number): number => -Math.log(1 - Math.random()) * mean;
    for (let tick = 1; performance.now() - started < runMs; tick++) {
      const elapsed = performance.now() - started;
      const simHour = (elapsed / runMs) * hours;
      const shape = SHAPE[Math.min(SHAPE.length - 1, Math.floor((simHour / hours) * SHAPE.length))]!;
      churn.setProfile({ offersPerSec: (agents.length * 6 * shape * speed) / 3600, ronaShare: 0.05, ronaSec: 15, ringMs: [2_000, 8_000], talkMs: [240_000 / speed, 360_000 / speed], wrapMs: [40_000 / speed, 80_000 / speed] });
      const dtHours = (1 / 3600) * speed; // one real second in simulated hours
      const batch: { userId: string; availability: string; activity: string }[] = [];
      const t = now();
      for (const a of agents) {
        const s = state.get(a.agentId)!;
        let next: Activity | null = null;
        if (s.kind !== 'free' && elapsed >= s.until) next = 'free';
        else if (s.kind === 'free') {
          for (const act of ACTIVITIES) {
            if (Math.random() < act.perHour * shape * dtHours) {
              next = act.kind;
              s.until = elapsed + (exp(act.meanMin) * 60_000) / speed;
              break;
            }
          }
        }
        if (!next) continue;
        const before = s.kind;
        s.kind = next;
        batch.push({ userId: a.teamsUserId, ...PRESENCE[next] });
        const contact = { offers: churn.offersTo.get(a.agentId) ?? 0, onContact: churn.onContact.has(a.agentId) };
        if (next === 'free') pending.set(a.agentId, { sentAt: t, priority: 2, want: 'Available', ...contact });
        else pending.set(a.agentId, { sentAt: t, priority: before === 'free' && !s.idle ? 1 : 3, want: 'Idle', ...contact });
      }
      if (batch.length) {
        const res = await stack.graphApi('POST', '/_emulator/presence/bulk', { changes: batch });
        if (res.status !== 200) throw new Error(`bulk presence failed: ${res.status}`);
        changes += batch.length;
      }
      if (elapsed >= nextReport) {
        nextReport += 10_000;
        const m = await connectorMetrics(stack);
        const b = (m.status.contactCenter?.budget ?? {}) as { usedLastMinute?: number; queued?: Record<string, number> };
        const ws = (await http('GET', `${stack.webex.url}/_emulator/stats`)).body;
        const gs = (await stack.graphApi('GET', '/_emulator/stats')).body;
        const s = sampler.samples.at(-1);
        const w1 = summarize(window[1]);
        const w2 = summarize(window[2]);
        window[1] = [];
        window[2] = [];
        window[3] = [];
        series.push({ t: Number((elapsed / 1000).toFixed(0)), hour: Number(simHour.toFixed(2)), p1p99: w1.p99, p1p50: w1.p50, p2p99: w2.p99, budgetUsed: b.usedLastMinute ?? 0, queued: Object.values(b.queued ?? {}).reduce((x, y) => x + y, 0), webex429: ws.rateLimited ?? 0, graph429: (gs.throttled ?? 0) - (g0.throttled ?? 0), cpu: s?.cpuPercent ?? 0, rssMb: m.memory.rss / 2 ** 20, heapMb: m.memory.heapUsed / 2 ** 20 });
        log(`hour ${simHour.toFixed(1)}: p1 p99 ${w1.p99.toFixed(0)} ms, budget ${b.usedLastMinute}/min, queued ${series.at(-1)!.queued}, cpu ${s?.cpuPercent} %`);
      }
      const wait = started + tick * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await churn.stop();
    await sleep(15_000);
    sampler.stop();
    watcher.close();
    const m = await connectorMetrics(stack);
    const ws = (await http('GET', `${stack.webex.url}/_emulator/stats`)).body;
    const gs = (await stack.graphApi('GET', '/_emulator/stats')).body;
    const commands = Object.entries(ws.requests as Record<string, Record<string, number>>).filter(([r]) => r.startsWith('PUT') && r.includes('state')).reduce((n, [, v]) => n + Object.values(v).reduce((a, b) => a + b, 0), 0);
    const webexRequests = Object.entries(ws.requests as Record<string, Record<string, number>>).filter(([r]) => !r.includes('_emulator')).reduce((n, [, v]) => n + Object.values(v).reduce((a, b) => a + b, 0), 0);
    const result = {
      kind: 'day',
      machine: { ...machineAtStart, loadAvg1mAtEnd: Number(loadavg()[0]!.toFixed(2)) },
      config: { agents: agents.length, hours, minutes, speed, webexPerMinute: 300, graphBudget: 'emulator default throttling, connector default share' },
      presenceChanges: changes,
      contacts: churn.counts,
      freshnessMs: { priority1Idle: roundSummary(summarize(fresh[1]), 0), priority2Release: roundSummary(summarize(fresh[2]), 0), priority3SwitchCode: roundSummary(summarize(fresh[3]), 0), priority1BehindContact: roundSummary(summarize(behindContact), 0), unmatchedAtEnd: pending.size },
      goals: { priority1P99Ms: 2000, webex429: 0 },
      webex: { requests: webexRequests, stateCommands: commands, perMinuteAverage: Number(((webexRequests * 60_000) / runMs).toFixed(1)), rateLimited429: ws.rateLimited ?? 0 },
      graph: { throttled429: (gs.throttled ?? 0) - (g0.throttled ?? 0) },
      connector: { rssMbAtEnd: Number((m.memory.rss / 2 ** 20).toFixed(1)), heapMbAtEnd: Number((m.memory.heapUsed / 2 ** 20).toFixed(1)), cpuPercentMean: Number((sampler.samples.reduce((n, s) => n + s.cpuPercent, 0) / Math.max(1, sampler.samples.length - 1)).toFixed(1)) },
      series,
      finishedInSec: (Date.now() - t0) / 1000,
    };
    const out = values.out as string;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    const pts = (k: keyof (typeof series)[number]) => series.map((p) => ({ t: p.hour, y: p[k] as number }));
    writeFileSync(`${out.replace(/\.json$/, '')}.svg`, lineChart(`A day in ${minutes} min: ${agents.length} agents, Webex 300/min — p1 p99 ${result.freshnessMs.priority1Idle.p99} ms, 429s ${result.webex.rateLimited429}/${result.graph.throttled429}`, [
      { title: 'Freshness per 10 s window', unit: 'ms', series: [{ name: 'p1 idle p99', points: pts('p1p99') }, { name: 'p1 idle p50', points: pts('p1p50') }, { name: 'p2 release p99', points: pts('p2p99') }], goal: { y: 2000, label: 'p1 goal 2 s' } },
      { title: 'Contact-center budget', unit: 'requests in last minute / queued', series: [{ name: 'used last minute', points: pts('budgetUsed') }, { name: 'queued', points: pts('queued') }, { name: 'Webex 429s (cum.)', points: pts('webex429') }, { name: 'Graph 429s (cum.)', points: pts('graph429') }], goal: { y: 300, label: '300/min' } },
      { title: 'Connector CPU', unit: '% of one core', series: [{ name: 'cpu', points: pts('cpu') }] },
      { title: 'Connector memory', unit: 'MB', series: [{ name: 'RSS', points: pts('rssMb') }, { name: 'heap used', points: pts('heapMb') }] },
    ], { xLabel: 'simulated hour of the day' }));
    process.stdout.write(`${JSON.stringify({ freshnessMs: result.freshnessMs, webex: result.webex, graph: result.graph, connector: result.connector, contacts: result.contacts }, null, 1)}\nwrote ${out}\n`);
  } finally {
    sampler.stop();
    await stack.close();
  }
}
