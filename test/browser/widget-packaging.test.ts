import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from './browser-harness.js';

/**
 * The Webex Desktop loads a widget from the layout's `script` URL; whether it injects a classic `<script>` or a
 * module is not documented, so the one file must work both ways, with nothing else to fetch.
 */

let h: BrowserHarness;
// A page server that plays the Desktop: an origin other than the connector's, on the connector's origin allow-list
// (a real loopback server, so Chromium's local-network rules see a loopback page reaching a loopback connector).
let desktopHtml = '';
const desktop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(desktopHtml));
let DESKTOP = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => desktop.listen(0, '127.0.0.1', resolve));
  DESKTOP = `http://127.0.0.1:${(desktop.address() as AddressInfo).port}`;
  h = await startBrowserHarness('packaging', { sandboxConfig: { 'security.allowedOrigins': [DESKTOP] } });
});
afterAll(async () => {
  await h?.close();
  desktop.close();
});

const SECONDS = { timeout: 15_000, interval: 100 };
const BUNDLES = ['presence-agent-widget', 'presence-mapping-editor', 'presence-connector-admin', 'presence-supervisor-console'];

async function blankPage(): Promise<{ page: Page; requests: string[] }> {
  const page = await h.browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  return { page, requests };
}

describe('one self-contained file per component', () => {
  it.each(BUNDLES)('%s has no import or export statement, no relative chunk reference and no development build', async (name) => {
    const res = await fetch(`${h.sandbox.url}/widget/${name}.js`);
    expect(res.status).toBe(200);
    const code = await res.text();
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/import\s*\(\s*["'`]\.{1,2}\//);
    expect(code).not.toMatch(/chunks\//);
    // The production build of Lit, even when the build runs inside a test process.
    expect(code).not.toContain('Lit is in dev mode');
  });

  it.each(['classic', 'module'] as const)('the agent widget loads as a %s script, fetches nothing else, and follows the page language', async (kind) => {
    const agent = h.info.agents[0]!;
    const { page, requests } = await blankPage();
    const src = `${h.sandbox.url}/widget/presence-agent-widget.js`;
    // The token is set as a property, as a Desktop layout binds it; for a module script that happens before the
    // element is defined, which Lit keeps.
    desktopHtml = `<!doctype html><html lang="fr"><head><title>Desktop</title></head><body>
      <presence-agent-widget compact theme="false" server-url="${h.sandbox.url}" agent-id="${agent.id}"></presence-agent-widget>
      <script>document.querySelector('presence-agent-widget').token = ${JSON.stringify(agent.token)};</script>
      <script ${kind === 'module' ? 'type="module"' : ''} src="${src}"></script>
    </body></html>`;
    await page.goto(`${DESKTOP}/`);
    const header = page.locator('presence-agent-widget').getByTestId('header');
    await expect.poll(() => header.getAttribute('data-kind', { timeout: 1000 }).catch(() => null), SECONDS).toBe('on');
    expect(await page.locator('presence-agent-widget').getByTestId('header-secondary').textContent()).toBe('Teams sync actif');
    expect(await page.locator('presence-agent-widget').getAttribute('token')).toBeNull();
    const scripts = requests.filter((u) => u !== `${DESKTOP}/` && (u.endsWith('.js') || u.includes('/widget/')));
    expect(scripts).toEqual([src]);
    await page.close();
  });
});
