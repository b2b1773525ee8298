import { readFileSync, writeFileSync } from 'node:fs';
import type { NaiveResult } from './naive-poller.js';
import type { Summary } from './stats.js';

/** The benchmark's result: the JSON file, the stdout table and the README "Benchmark" section. */

type Lat = { count: number; p50: number; p95: number; p99: number; max: number; mean: number } | null;

export interface BenchResult {
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string };
  config: { agents: number; rate: number; durationSec: number; widgets: number; budgetShare: number };
  floor: { httpRoundTrip: Summary; socketIoPush: Summary; sqliteWalInsert: Summary };
  latency: { changesSent: number; rateAchieved: number; observedToCommandSent: Lat; observedToCommandAccepted: Lat; observedToWidget: Summary; widgetViews: number };
  throughput: { rounds: { changes: number; engineMs: number; endToEndMs: number }[]; changesPerSecond: number; commandsAccepted: number };
  resources: { rssMb: number; heapUsedMb: number; cpuPercentDuringLatencyPhase: number };
  graph: { pollIntervalMs: number; callsPerPollExpected: number; callsPerPollMeasured: number; callsPerMinute: number; budgetPerMinute: number; throttled: number };
  freshnessPoll: { idle: Summary; release: Summary };
  subscribe:
    | { subscriptions: number; renewals: number; freshness: { idle: Summary; release: Summary }; observedToCommandAccepted: Lat; rssMb: number }
    | { error: string }
    | null;
  naive: NaiveResult;
  ratios: { overheadOverFloorP50: number | null; overheadOverFloorP99: number | null; pathFloorP50Ms: number; naiveCallsPerCycle: number; naiveFreshnessP99: number };
  finishedInSec: number;
}

const f = (v: number | null | undefined, d = 2): string => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));
const pct = (l: Lat | Summary | null): string => (l ? `${f(l.p50)} / ${f(l.p95)} / ${f(l.p99)} / ${f(l.max)}` : '—');

export function rows(r: BenchResult): [string, string, string][] {
  const sub = r.subscribe && 'freshness' in r.subscribe ? r.subscribe : null;
  const subErr = r.subscribe && 'error' in r.subscribe ? r.subscribe.error : null;
  return [
    ['floor: loopback HTTP request/response (p50 / p95 / p99 / max ms)', pct(r.floor.httpRoundTrip), '≈ 0.04 / p99 0.6'],
    ['floor: socket.io push', pct(r.floor.socketIoPush), '≈ 0.03 / p99 0.5'],
    ['floor: better-sqlite3 WAL insert', pct(r.floor.sqliteWalInsert), '≈ 0.014'],
    ['presence observed → CC command sent', pct(r.latency.observedToCommandSent), ''],
    ['presence observed → CC command accepted (202)', pct(r.latency.observedToCommandAccepted), ''],
    [`presence observed → widget updated (${r.config.widgets} clients)`, pct(r.latency.observedToWidget), 'p50 ≤ 1, p99 ≤ 5'],
    ['overhead ÷ floor (widget path, p50 | p99)', `${f(r.ratios.overheadOverFloorP50, 1)} | ${f(r.ratios.overheadOverFloorP99, 1)}`, '≤ 3'],
    ['sustained throughput (changes/s, decide+store+command+push)', f(r.throughput.changesPerSecond, 0), '≥ 8,000'],
    ['connector RSS / CPU during latency phase', `${f(r.resources.rssMb, 0)} MB / ${f(r.resources.cpuPercentDuringLatencyPhase, 0)} %`, '≤ 500 MB at 50,000'],
    ['Graph calls per poll (measured | ⌈agents/650⌉)', `${f(r.graph.callsPerPollMeasured, 1)} | ${r.graph.callsPerPollExpected}`, '= ⌈agents/650⌉'],
    ['Graph calls per minute (budget share)', `${f(r.graph.callsPerMinute, 0)} of ${f(r.graph.budgetPerMinute, 0)}; 429s: ${r.graph.throttled}`, 'never over'],
    ['poll interval', `${r.graph.pollIntervalMs} ms`, ''],
    ['freshness poll mode, Teams busy → idle (p50 / p95 / p99 / max ms)', pct(r.freshnessPoll.idle), 'p99 ≤ 1,500 at 10k'],
    ['freshness poll mode, Teams free → Available (incl. 3 s settle)', pct(r.freshnessPoll.release), ''],
    ['freshness subscribe mode, busy → idle', sub ? pct(sub.freshness.idle) : subErr ? `not measured: ${subErr}` : 'not run', ''],
    ['subscribe mode: subscriptions / renewals during run', sub ? `${sub.subscriptions} / ${sub.renewals}` : '—', '≤ 1 renewal / 45 min'],
    ['naive peer: Graph calls per cycle (ratio)', `${r.naive.callsPerCycle} (${f(r.ratios.naiveCallsPerCycle, 0)}×)`, ''],
    ['naive peer: freshness p99 at same budget (ratio)', `${f(r.naive.freshnessP99Ms / 1000, 1)} s (${f(r.ratios.naiveFreshnessP99, 0)}×)`, ''],
  ];
}

export function printTable(r: BenchResult): void {
  const data = rows(r);
  const w0 = Math.max(...data.map((x) => x[0].length));
  const w1 = Math.max(...data.map((x) => x[1].length));
  const head = `Teams Presence Connector benchmark — ${r.config.agents} agents, ${r.config.rate} changes/s for ${r.config.durationSec} s, ${r.config.widgets} widgets`;
  const lines = [head, `${'measure'.padEnd(w0)}  ${'result'.padEnd(w1)}  goal`, `${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ----`];
  for (const [a, b, c] of data) lines.push(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  lines.push(`machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}; finished in ${f(r.finishedInSec, 0)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

const BEGIN = '<!-- main-bench:begin -->';
const END = '<!-- main-bench:end -->';

/**
 * Replaces the README's block between `<!-- main-bench:begin -->` and `<!-- main-bench:end -->` (the run and its
 * table) and nothing else: the "Benchmark" section around it holds other benchmarks' subsections. Without the
 * markers the block is appended at the end.
 */
export function updateReadme(r: BenchResult, path = 'README.md'): void {
  const text = readFileSync(path, 'utf8');
  const table = ['| measure | result | goal |', '|---|---|---|', ...rows(r).map(([a, b, c]) => `| ${a} | ${b.replace(/\|/g, '\\|')} | ${c} |`)].join('\n');
  const block = [
    BEGIN,
    `Recent run: ${r.config.agents} agents, ${r.config.rate} changes/s for ${r.config.durationSec} s, ${r.config.widgets} widget clients, budget share ${r.config.budgetShare};`,
    `machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGb} GB, Node ${r.machine.node}, ${r.machine.platform}; finished in ${f(r.finishedInSec, 0)} s.`,
    '',
    table,
    END,
  ].join('\n');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next = begin >= 0 && end > begin ? text.slice(0, begin) + block + text.slice(end + END.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
