import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { runSandbox, type RunningSandbox } from '../../sandbox/sandbox-runner.js';
import type { SandboxInfo } from '../../sandbox/sandbox.js';
import { loadConfig } from '../../server/config.js';

export const ARTIFACTS = 'test-artifacts';
/** System Chromium locations tried first; `CHROMIUM_PATH` overrides them. */
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Chromium to drive: `CHROMIUM_PATH`, else a system Chromium, else the one shipped inside the
 * `@sparticuz/chromium` package. That package inflates its binary into `os.tmpdir()` and trusts any file already
 * there, so parallel test files could launch a half-written binary; it is therefore inflated into a private staging
 * folder and renamed into a per-version cache folder in one step (a losing racer just uses the winner's copy).
 */
export async function findChromium(): Promise<string> {
  const override = process.env.CHROMIUM_PATH;
  if (override) return override;
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return system;
  const { default: packaged } = await import('@sparticuz/chromium');
  const packageDir = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const cache = join(tmpdir(), `tpc-chromium-${version}`);
  const binary = join(cache, 'chromium');
  if (existsSync(binary)) return binary;
  const staging = mkdtempSync(join(tmpdir(), 'tpc-chromium-staging-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await packaged.executablePath();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
  try {
    renameSync(staging, cache);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new Error(`packaged Chromium was not inflated into ${cache}`);
  return binary;
}

export interface BrowserHarness {
  sandbox: RunningSandbox;
  info: SandboxInfo;
  browser: Browser;
  /** A fresh page at the sandbox, `query` like `?view=agent&agent=…`, ready when the page script has finished. */
  open(query?: string): Promise<Page>;
  screenshot(page: Page, selector: string, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One sandbox (both emulators, the connector, the page) and one headless Chromium per test file. The widget
 * bundles are built from the current sources into a private folder, so a parallel `vite build` elsewhere can
 * never empty the folder this browser is loading from.
 */
export async function startBrowserHarness(name: string, opts: { sandboxConfig?: Record<string, unknown> } = {}): Promise<BrowserHarness> {
  const dir = mkdtempSync(join(tmpdir(), `tpc-browser-${name}-`));
  const widgetDir = join(dir, 'widget');
  await build({ logLevel: 'silent', build: { outDir: widgetDir, emptyOutDir: true } });
  mkdirSync(ARTIFACTS, { recursive: true });
  const dbPath = join(dir, 'connector.db');
  // Extra sandbox settings, e.g. { 'graph.presenceMode': 'subscribe' }, as TPC_* variables would give `npm start`.
  const base = opts.sandboxConfig ? loadConfig({}, { mode: 'sandbox', host: '127.0.0.1', port: 0, dbPath, logLevel: 'silent', ...opts.sandboxConfig }) : undefined;
  const sandbox = await runSandbox({ dbPath, widgetDir, ...(base ? { base } : {}) });
  const info = sandbox.sandbox.info();
  let browser: Browser;
  let executable = '(not found)';
  try {
    executable = await findChromium();
    browser = await chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS });
  } catch (err) {
    await sandbox.close();
    throw new Error(`headless Chromium did not start from ${executable}: ${(err as Error).message}`);
  }
  const pages: Page[] = [];
  return {
    sandbox,
    info,
    browser,
    async open(query = '') {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      pages.push(page);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${sandbox.url}/${query}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 }).catch((err: Error) => {
        throw new Error(`sandbox page not ready: ${errors.join('; ') || err.message}`);
      });
      return page;
    },
    async screenshot(page, selector, file) {
      await page.locator(selector).first().screenshot({ path: join(ARTIFACTS, `${file}.png`) });
    },
    async close() {
      for (const p of pages) await p.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
