import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { runSandbox, type RunningSandbox } from '../../server/sandbox/sandbox-runner.js';
import type { SandboxInfo } from '../../server/sandbox/sandbox.js';

export const ARTIFACTS = 'test-artifacts';
const CHROMIUM = '/usr/bin/chromium';
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
export async function startBrowserHarness(name: string): Promise<BrowserHarness> {
  const dir = mkdtempSync(join(tmpdir(), `tpc-browser-${name}-`));
  const widgetDir = join(dir, 'widget');
  await build({ logLevel: 'silent', build: { outDir: widgetDir, emptyOutDir: true } });
  mkdirSync(ARTIFACTS, { recursive: true });
  const sandbox = await runSandbox({ dbPath: join(dir, 'connector.db'), widgetDir });
  const info = sandbox.sandbox.info();
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (err) {
    await sandbox.close();
    throw new Error(`headless Chromium did not start from ${CHROMIUM} (apt-get install -y chromium): ${(err as Error).message}`);
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
