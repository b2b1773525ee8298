import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { http, sleep, spawnJsonLine, type Child } from './processes.js';
import { startStack, type Stack, type WebexInfo } from './stack.js';
import { summarize, type Summary } from './stats.js';

/**
 * `npm run bench -- --budget [--agents 200] [--duration 60] [--out bench-results/budget.json] [--no-readme]`
 *
 * Freshness under Webex's real request budget (300 requests per minute per client id, enforced by the emulator):
 * Teams change → contact-center state applied, per priority (1: idle an Available agent whose Teams turned busy;
 * 2: return a connector-idled agent to Available), at a change rate inside the budget and at twice the budget,
 * with the 429 count and the Graph calls per poll. The naive approach — one request per change the moment it
 * happens, no budget, no priorities, Retry-After honoured — runs in the same process against its own emulator
 * with the same limit, and is reported beside it as a ratio. The naive side is told of each change instantly
 * (no presence polling), which favours it.
 */

type Phase = { name: string; perMinute: number };
interface PhaseResult {
  phase: string;
  changesPerMinute: number;
  p1: Summary;
  p2: Summary;
  p1Unapplied: number;
  p2Superseded: number;
  rateLimited: number;
  naive: { p1: Summary; p2: Summary; rateLimited: number; unapplied: number };
}

const CALL_CODE = buildAuxCodes('c0a7c0de-0000-4000-8000-00000000c0de').find((c) => c.name === 'Teams Call')!.id;
const now = (): number => Date.now();
const log = (line: string): void => void process.stderr.write(`[budget-bench] ${line}\n`);

interface Change {
  agent: number;
  at: number;
  busy: boolean;
  doneAt?: number;
  superseded?: boolean;
}

/** Watches an emulator's agent list; resolves each change the first time the agent is seen in the wanted state. */
function watcher(url: string, agentIds: string[]) {
  const open = new Map<number, Change>();
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const list = (await http('GET', `${url}/_emulator/agents`)).body as { id: string; currentState: string; auxCodeId: string }[];
      const t = now();
      const byId = new Map(list.map((a) => [a.id, a]));
      for (const [agent, c] of open) {
        const a = byId.get(agentIds[agent]!);
        const ok = c.busy ? a?.currentState === 'idle' && a.auxCodeId === CALL_CODE : a?.currentState === 'available';
        if (ok) {
          c.doneAt = t;
          open.delete(agent);
        }
      }
      await sleep(40);
    }
  })();
  return {
    track(c: Change) {
      const prev = open.get(c.agent);
      if (prev) prev.superseded = true;
      open.set(c.agent, c);
    },
    async close() {
      stop = true;
      await loop;
    },
  };
}

async function stats(url: string): Promise<number> {
  const s = (await http('GET', `${url}/_emulator/stats`)).body as { rateLimited?: number };
  return s.rateLimited ?? 0;
}

/** The naive peer: one PUT per change at once, retried after Retry-After, nothing else. */
function naivePeer(w: WebexInfo, agentIds: string[]) {
  let inFlight = 0;
  const send = async (agent: number, busy: boolean): Promise<void> => {
    inFlight++;
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await fetch(`${w.url}/v1/agents/session/state`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${w.supervisorToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ state: busy ? 'Idle' : 'Available', auxCodeId: busy ? CALL_CODE : '0', agentId: agentIds[agent], lastStateChangeReason: 'naive' }),
        });
        await res.arrayBuffer();
        if (res.status !== 429) return;
        await sleep(Number(res.headers.get('retry-after') ?? '1') * 1000);
      }
    } finally {
      inFlight--;
    }
  };
  return { send, pending: () => inFlight };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--budget'),
    options: {
      agents: { type: 'string', default: '200' },
      duration: { type: 'string', default: '60' },
      out: { type: 'string', default: 'bench-results/budget.json' },
      'no-readme': { type: 'boolean', default: false },
    },
  });
  const AGENTS = Number(values.agents);
  const DURATION_MS = Number(values.duration) * 1000;
  if (!Number.isInteger(AGENTS) || AGENTS < 20 || AGENTS > 5_000 || !(DURATION_MS >= 10_000)) {
    process.stderr.write('--agents must be 20–5000 and --duration at least 10 (seconds)\n');
    process.exit(2);
  }
  const PER_MINUTE = 300;
  const phases: Phase[] = [
    { name: 'inside the budget', perMinute: Math.round(PER_MINUTE * 0.5) },
    { name: 'twice the budget', perMinute: PER_MINUTE * 2 },
  ];
  const stack: Stack = await startStack({ agents: AGENTS, log, webexPerMinute: PER_MINUTE, env: { TPC_RECONCILE_INTERVAL_MS: '300000' } });
  const naiveEmu = await spawnJsonLine<WebexInfo>('emulators/webex-cc/main.ts', ['--port', '0', '--agents', String(AGENTS), '--rate-limit', String(PER_MINUTE)]);
  const children: Child[] = [naiveEmu.child];
  try {
    const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
    const agentIds = list.map((a) => a.id);
    const teamsIds = list.map((a) => stack.teamsIdByEmail.get(a.email.toLowerCase())!);
    // Releases measured without the settle delay that absorbs Teams flicker.
    const prof = await http('GET', `${stack.connectorUrl}/api/profiles/default`, undefined, stack.adminKey);
    if (prof.status === 200) await http('PUT', `${stack.connectorUrl}/api/profiles/default`, { ...prof.body, settleDelayMs: 0 }, stack.adminKey);
    const graphCalls = async () => (await stack.graphApi('GET', '/_emulator/stats')).body as { routes: Record<string, Record<string, number>> };
    const pollCount = (st: { routes: Record<string, Record<string, number>> }) =>
      Object.entries(st.routes).filter(([r]) => r.includes('getPresencesByUserId')).reduce((n, [, b]) => n + Object.values(b).reduce((x, y) => x + y, 0), 0);
    const naive = naivePeer(naiveEmu.info, agentIds);
    const results: PhaseResult[] = [];
    const busy = new Array<boolean>(AGENTS).fill(false);
    let seed = 11;
    const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const graphBefore = pollCount(await graphCalls());
    const benchStart = now();
    for (const phase of phases) {
      log(`${phase.name}: ${phase.perMinute} Teams changes a minute for ${DURATION_MS / 1000} s`);
      const ours = watcher(stack.webex.url, agentIds);
      const theirs = watcher(naiveEmu.info.url, agentIds);
      const mine: Change[] = [];
      const naiveChanges: Change[] = [];
      const limitedBefore = await stats(stack.webex.url);
      const naiveLimitedBefore = await stats(naiveEmu.info.url);
      const gap = 60_000 / phase.perMinute;
      const end = now() + DURATION_MS;
      let next = now();
      while (now() < end) {
        const agent = Math.floor(rnd() * AGENTS);
        busy[agent] = !busy[agent];
        const at = now();
        const c: Change = { agent, at, busy: busy[agent]! };
        const n: Change = { ...c };
        mine.push(c);
        naiveChanges.push(n);
        ours.track(c);
        theirs.track(n);
        void stack.graphApi('POST', `/_emulator/users/${teamsIds[agent]}/call/${c.busy ? 'start' : 'end'}`);
        void naive.send(agent, c.busy);
        next += gap;
        await sleep(Math.max(0, next - now()));
      }
      // Drain: what is still queued goes out within the budget.
      const drainUntil = now() + 90_000;
      while (now() < drainUntil && (mine.some((c) => !c.doneAt && !c.superseded) || naive.pending() > 0)) await sleep(500);
      await Promise.all([ours.close(), theirs.close()]);
      const fresh = (cs: Change[], b: boolean) => cs.filter((c) => c.busy === b && c.doneAt).map((c) => c.doneAt! - c.at);
      results.push({
        phase: phase.name,
        changesPerMinute: phase.perMinute,
        p1: summarize(fresh(mine, true)),
        p2: summarize(fresh(mine, false)),
        p1Unapplied: mine.filter((c) => c.busy && !c.doneAt && !c.superseded).length,
        p2Superseded: mine.filter((c) => !c.busy && c.superseded).length,
        rateLimited: (await stats(stack.webex.url)) - limitedBefore,
        naive: {
          p1: summarize(fresh(naiveChanges, true)),
          p2: summarize(fresh(naiveChanges, false)),
          rateLimited: (await stats(naiveEmu.info.url)) - naiveLimitedBefore,
          unapplied: naiveChanges.filter((c) => !c.doneAt && !c.superseded).length,
        },
      });
      log(`${phase.name}: p1 p99 ${results.at(-1)!.p1.p99} ms, naive p99 ${results.at(-1)!.naive.p1.p99} ms, 429s ${results.at(-1)!.rateLimited} vs ${results.at(-1)!.naive.rateLimited}`);
    }
    const graphPolls = pollCount(await graphCalls()) - graphBefore;
    const status = (await http('GET', `${stack.connectorUrl}/api/admin/status`, undefined, stack.adminKey)).body as { contactCenter?: { budget?: unknown } };
    const out = { at: new Date().toISOString(), agents: AGENTS, perMinute: PER_MINUTE, durationSec: DURATION_MS / 1000, graphCallsPerPoll: Math.ceil(AGENTS / 650), graphPolls, graphSeconds: Math.round((now() - benchStart) / 1000), budget: status.contactCenter?.budget ?? null, phases: results };
    mkdirSync(dirname(values.out!), { recursive: true });
    writeFileSync(values.out!, JSON.stringify(out, null, 2));
    const table = tableOf(out.phases, AGENTS, PER_MINUTE);
    process.stdout.write(`${table}\n`);
    if (!values['no-readme']) updateReadme(table);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await stack.close();
  }
}

function tableOf(phases: PhaseResult[], agents: number, perMinute: number): string {
  const ratio = (a: number, b: number) => (a > 0 ? `${(b / a).toFixed(1)}×` : 'n/a');
  const lines = [
    `Freshness under Webex's budget (${perMinute} requests/min enforced, ${agents} agents, poll mode; Teams change → state applied, ms):`,
    '',
    '| load | priority | connector p50 / p99 | naive p50 / p99 | naive ÷ connector (p99) | 429s connector / naive |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of phases) {
    lines.push(`| ${r.phase} (${r.changesPerMinute}/min) | 1 idle | ${r.p1.p50} / ${r.p1.p99} | ${r.naive.p1.p50} / ${r.naive.p1.p99} | ${ratio(r.p1.p99, r.naive.p1.p99)} | ${r.rateLimited} / ${r.naive.rateLimited} |`);
    lines.push(`| ${r.phase} (${r.changesPerMinute}/min) | 2 release | ${r.p2.p50} / ${r.p2.p99} | ${r.naive.p2.p50} / ${r.naive.p2.p99} | ${ratio(r.p2.p99, r.naive.p2.p99)} | (superseded releases: ${r.p2Superseded}) |`);
  }
  return lines.join('\n');
}

function updateReadme(table: string, path = 'README.md'): void {
  const begin = '<!-- budget-bench:begin -->';
  const end = '<!-- budget-bench:end -->';
  let text = readFileSync(path, 'utf8');
  const block = `${begin}\n${table}\n${end}`;
  if (text.includes(begin) && text.includes(end)) text = text.slice(0, text.indexOf(begin)) + block + text.slice(text.indexOf(end) + end.length);
  else text = `${text.trimEnd()}\n\n### Benchmark under the contact center's request budget\n\n${block}\n`;
  writeFileSync(path, text);
}
