import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { AgentSnapshot, Clock } from '../../server/ports.js';
import { findChromium } from '../browser/browser-harness.js';
import { IDLE_CODES } from '../fakes/core-harness.js';
import { startFakeConnector } from './fake-connector.js';

/**
 * The supervisor console under load, in headless Chromium: the real connector (fake adapters, real SQLite, real
 * socket gateway) with N agents, the built console bundle on a page, and the contact center changing agents at a
 * steady rate. Measures the frame times the page gets while rows change, and the delay from a change in the
 * contact center to the changed row rendered in the console (the table sorted by "since", newest first, so a
 * changed row is on screen). Also the time to load and render the whole table.
 *
 *   npx tsx test/bench/console-frames.ts [--agents 10000] [--rate 100] [--seconds 15] [--out bench-results/console.json]
 */

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '15' },
    out: { type: 'string', default: 'bench-results/console.json' },
  },
});
const AGENTS = Number(values.agents);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
for (const [name, v, max] of [['agents', AGENTS, 100_000], ['rate', RATE, 5_000], ['seconds', SECONDS, 600]] as const) {
  if (!Number.isInteger(v) || v < 1 || v > max) {
    process.stderr.write(`--${name} must be an integer from 1 to ${max}\n`);
    process.exit(2);
  }
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const r1 = (n: number): number => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tpc-console-bench-'));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  // The page is served by the connector itself: the socket gateway accepts only origins it allows.
  const widgetDir = join(dir, 'widget');
  await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: { outDir: widgetDir, emptyOutDir: true, target: 'es2022', lib: { entry: 'widget/presence-supervisor-console.ts', name: 'TPC_console', formats: ['iife'], fileName: () => 'console.js' } },
  });
  writeFileSync(join(widgetDir, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>console bench</title></head><body style="margin:0"><script src="/bench/console.js"></script></body></html>');
  const { connector, cc, adminKey: admin } = await startFakeConnector({ agents: AGENTS, dir, clock: realClock, statics: [['/bench', widgetDir]] });
  const supervisor = connector.stores.keys.create('bench supervisor', 'supervisor', null, Date.now()).key;
  log(`connector ${connector.url} with ${connector.services.registry.agents.size} agents`);

  const pageUrl = `${connector.url}/bench/`;

  const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // tsx keeps function names with a `__name` helper that the page does not have.
  tab.on('crash', () => log('page crashed'));
  tab.on('pageerror', (e) => log(`page error: ${e.message}`));
  await tab.addInitScript({ content: 'window.__name = (f) => f;' });
  await tab.goto(pageUrl);

  // Mount and time the first full table.
  const loadMs = await tab.evaluate(
    ({ url, token, total }) =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        setTimeout(() => reject(new Error(`the table did not load within 60 s (connection ${el.shadowRoot?.querySelector('[data-testid="connection"]')?.getAttribute('data-status')})`)), 60_000);
        const el = document.createElement('presence-supervisor-console') as HTMLElement & { rows: Map<string, unknown> };
        el.setAttribute('server-url', url);
        el.setAttribute('token', token);
        el.setAttribute('theme', 'light');
        el.style.setProperty('--tpc-console-rows-height', '700px');
        el.addEventListener('agents-rendered', function done() {
          if (el.rows.size < total) return;
          el.removeEventListener('agents-rendered', done);
          requestAnimationFrame(() => resolve(performance.now() - t0));
        });
        document.body.append(el);
      }),
    { url: connector.url, token: supervisor, total: AGENTS },
  );
  log(`table of ${AGENTS} loaded and rendered in ${Math.round(loadMs)} ms`);

  // Newest changes first, so a changed row is on screen; then watch frames and probes. A probe is applied when the
  // console has its new state and has rendered the table with it (the frame after its refresh); it is visible
  // when its row is in the DOM with that state (at high change rates a row can scroll off before that frame).
  await tab.evaluate(() => {
    const el = document.querySelector('presence-supervisor-console') as unknown as HTMLElement & { rows: Map<string, { state: string }>; shadowRoot: ShadowRoot };
    const table = el.shadowRoot.querySelector('presence-supervisor-agents') as unknown as { sort: unknown; shadowRoot: ShadowRoot };
    table.sort = { key: 'since', descending: true };
    const w = window as unknown as { frames_: number[]; probes: Map<string, string>; applied: Map<string, string>; seen: { id: string; at: number; how: string }[] };
    w.frames_ = [];
    w.probes = new Map();
    w.applied = new Map();
    w.seen = [];
    el.addEventListener('agents-rendered', () =>
      requestAnimationFrame(() => {
        for (const [id, state] of w.applied) {
          if (el.rows.get(id)?.state !== state) continue;
          w.seen.push({ id, at: Date.now(), how: 'applied' });
          w.applied.delete(id);
        }
      }),
    );
    let last = performance.now();
    const loop = (t: number) => {
      w.frames_.push(t - last);
      last = t;
      for (const [id, state] of w.probes) {
        if (table.shadowRoot.querySelector(`[data-agent="${id}"][data-state="${state}"]`)) {
          w.seen.push({ id, at: Date.now(), how: 'visible' });
          w.probes.delete(id);
        }
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  await sleep(1000);
  await tab.evaluate(() => ((window as unknown as { frames_: number[] }).frames_.length = 0));

  // Churn: RATE changes per second in 50 ms batches; a probe every 500 ms on an agent the churn leaves alone.
  const states: Omit<AgentSnapshot, 'agentId' | 'changedAt'>[] = [
    { state: 'Engaged', origin: 'system', contact: { id: 'c', mediaType: 'telephony', conference: false } },
    { state: 'WrapUp', origin: 'system' },
    { state: 'Available', origin: 'agent' },
    { state: 'Idle', idleCodeId: IDLE_CODES.find((c) => c.name === 'Break')!.id, origin: 'agent' },
  ];
  const step = new Map<string, number>();
  const perBatch = Math.max(1, Math.round(RATE / 20));
  let changes = 0;
  const churn = setInterval(() => {
    for (let k = 0; k < perBatch; k++) {
      const id = `agent-${100 + Math.floor(Math.random() * (AGENTS - 100))}`;
      const s = ((step.get(id) ?? -1) + 1) % states.length;
      step.set(id, s);
      cc.humanSets(id, states[s]!);
      changes++;
    }
  }, 50);
  const sent: { id: string; at: number }[] = [];
  const probeStates = ['Idle', 'Available'] as const;
  const started = Date.now();
  let n = 0;
  while (Date.now() - started < SECONDS * 1000) {
    const id = `agent-${n % 100}`;
    const state = probeStates[Math.floor(n / 100) % 2 === 0 ? 0 : 1];
    n++;
    await tab.evaluate(([i, st]) => {
      const w = window as unknown as { probes: Map<string, string>; applied: Map<string, string> };
      w.probes.set(i!, st!);
      w.applied.set(i!, st!);
    }, [id, state]);
    sent.push({ id, at: Date.now() });
    cc.humanSets(id, state === 'Idle' ? { state: 'Idle', idleCodeId: IDLE_CODES.find((c) => c.name === 'Lunch')!.id, origin: 'supervisor' } : { state: 'Available', origin: 'supervisor' });
    await sleep(500);
  }
  clearInterval(churn);
  await sleep(1500);
  const { frames, seen, invisible, unapplied } = await tab.evaluate(() => {
    const w = window as unknown as { frames_: number[]; probes: Map<string, string>; applied: Map<string, string>; seen: { id: string; at: number; how: string }[] };
    return { frames: w.frames_, seen: w.seen, invisible: w.probes.size, unapplied: w.applied.size };
  });
  const delays = { applied: [] as number[], visible: [] as number[] };
  for (const s of seen) {
    const probe = [...sent].reverse().find((p) => p.id === s.id && p.at <= s.at);
    if (probe) delays[s.how as 'applied' | 'visible'].push(s.at - probe.at);
  }
  const summary = (xs: number[]) => ({ n: xs.length, p50Ms: Math.round(pct(xs, 50)), p95Ms: Math.round(pct(xs, 95)), maxMs: Math.round(Math.max(...xs)) });
  const elapsed = (Date.now() - started) / 1000;
  const result = {
    at: new Date().toISOString(),
    agents: AGENTS,
    changesPerSecond: r1(changes / elapsed),
    seconds: SECONDS,
    tableLoadMs: Math.round(loadMs),
    frames: {
      count: frames.length,
      fps: r1(frames.length / (frames.reduce((a, b) => a + b, 0) / 1000)),
      p50Ms: r1(pct(frames, 50)),
      p95Ms: r1(pct(frames, 95)),
      p99Ms: r1(pct(frames, 99)),
      maxMs: r1(Math.max(...frames)),
      over50Ms: frames.filter((f) => f > 50).length,
    },
    updateDelay: { probes: sent.length, applied: summary(delays.applied), neverApplied: unapplied, visible: summary(delays.visible), scrolledOffFirst: invisible },
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  };
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  await browser.close();
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
