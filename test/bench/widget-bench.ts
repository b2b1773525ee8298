import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { WIDGET_ENTRIES } from '../../vite.config.js';
import { ARTIFACTS, startBrowserHarness } from '../browser/browser-harness.js';

/**
 * `npm run bench:widget -- [--runs 15]`: what the agent desktop pays for the widget.
 *
 * - Size: every component bundle as built (one self-contained file each: Lit, socket.io client, Momentum parts and
 *   six languages included), raw, gzip -9 and brotli. Budget for the agent widget: 60 KB gzipped.
 * - First render, in headless Chromium, each run on a fresh page: the bundle's evaluation as a classic script, then
 *   element created → first render committed (budget 100 ms), and → first view from the connector (the sandbox on
 *   loopback, so this includes the socket handshake and the agent's state).
 * Results go to the console and to test-artifacts/widget-bench.json.
 */

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Math.max(1, Number(values.runs));

const kb = (n: number): number => Math.round((n / 1024) * 10) / 10;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};
const summary = (xs: number[]) => ({ median: pct(xs, 50), p95: pct(xs, 95), max: pct(xs, 100) });

const h = await startBrowserHarness('widget-bench');
try {
  // The bundles exactly as the connector serves them to the desktop.
  const sizes = [];
  for (const name of Object.keys(WIDGET_ENTRIES)) {
    const code = Buffer.from(await (await fetch(`${h.sandbox.url}/widget/${name}.js`)).arrayBuffer());
    sizes.push({
      file: `${name}.js`,
      rawKB: kb(code.length),
      gzipKB: kb(gzipSync(code, { level: 9 }).length),
      brotliKB: kb(brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length),
    });
  }

  const agent = h.info.agents[0]!;
  const src = `${h.sandbox.url}/widget/presence-agent-widget.js`;
  const evalMs: number[] = [];
  const firstRenderMs: number[] = [];
  const firstViewMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await h.browser.newPage();
    // A page on the connector's own origin (always allowed to open a widget socket), served by the test.
    await page.route(`${h.sandbox.url}/bench-page`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><body>
          <script>performance.mark('script-start')</script>
          <script src="${src}"></script>
          <script>performance.mark('script-end')</script>
          <div id="slot" style="height:64px"></div></body></html>`,
      }),
    );
    await page.goto(`${h.sandbox.url}/bench-page`);
    // A string, not a function: tsx's name-keeping helpers do not exist in the page.
    const r = (await page.evaluate(`(async () => {
      const t0 = performance.now();
      const el = document.createElement('presence-agent-widget');
      el.setAttribute('compact', '');
      el.setAttribute('server-url', ${JSON.stringify(h.sandbox.url)});
      el.setAttribute('agent-id', ${JSON.stringify(agent.id)});
      el.token = ${JSON.stringify(agent.token)};
      document.getElementById('slot').append(el);
      await el.updateComplete;
      const rendered = performance.now();
      const kind = () => el.shadowRoot && el.shadowRoot.querySelector('[data-testid="header"]')?.getAttribute('data-kind');
      // Timers, not animation frames: a page the browser considers hidden may never get a frame.
      const deadline = performance.now() + 15000;
      await new Promise((resolve) => {
        const check = () => ((kind() && kind() !== 'connecting') || performance.now() > deadline ? resolve() : setTimeout(check, 2));
        check();
      });
      const viewed = performance.now();
      const start = performance.getEntriesByName('script-start')[0].startTime;
      const end = performance.getEntriesByName('script-end')[0].startTime;
      return { evalMs: end - start, firstRenderMs: rendered - t0, firstViewMs: viewed - t0, kind: kind() };
    })()`)) as { evalMs: number; firstRenderMs: number; firstViewMs: number; kind: string };
    if (r.kind !== 'on') throw new Error(`run ${i}: the widget ended in "${r.kind}", not "on"`);
    evalMs.push(r.evalMs);
    firstRenderMs.push(r.firstRenderMs);
    firstViewMs.push(r.firstViewMs);
    await page.close();
  }
  const result = {
    at: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    runs: RUNS,
    sizes,
    agentWidget: {
      gzipKB: sizes.find((s) => s.file === 'presence-agent-widget.js')?.gzipKB,
      scriptLoadAndEvalMs: summary(evalMs),
      firstRenderMs: summary(firstRenderMs),
      firstViewMs: summary(firstViewMs),
    },
    budgets: { gzipKB: 60, firstRenderMs: 100 },
  };
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'widget-bench.json'), JSON.stringify(result, null, 2));
  console.table(sizes);
  console.table({
    'script load + eval (classic)': result.agentWidget.scriptLoadAndEvalMs,
    'create → first render': result.agentWidget.firstRenderMs,
    'create → first view (socket + state)': result.agentWidget.firstViewMs,
  });
  const ok = (result.agentWidget.gzipKB ?? Infinity) <= 60 && result.agentWidget.firstRenderMs.p95 <= 100;
  console.log(`agent widget: ${result.agentWidget.gzipKB} KB gzipped (budget 60), first render p95 ${result.agentWidget.firstRenderMs.p95} ms (budget 100): ${ok ? 'within budget' : 'OVER BUDGET'}`);
} finally {
  await h.close();
}
