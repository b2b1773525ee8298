import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startBrowserHarness, type BrowserHarness } from './browser-harness.js';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness('agent');
});
afterAll(async () => {
  await h?.close();
});

const agentPage = (i: number): Promise<Page> => h.open(`?view=agent&agent=${h.info.agents[i]!.id}`);
const widget = (page: Page) => {
  const root = page.locator('presence-agent-widget');
  return { root, id: (testId: string): Locator => root.getByTestId(testId) };
};
const attr = (l: Locator, name: string) => () => l.getAttribute(name, { timeout: 1000 }).catch(() => null);
const text = (l: Locator) => () => l.textContent({ timeout: 1000 }).then((t) => (t ?? '').trim()).catch(() => '');
const SECONDS = { timeout: 15_000, interval: 100 };

describe('agent widget in the sandbox, real Chromium', () => {
  it('renders from the built bundle and reports its first render through performance marks', async () => {
    const page = await agentPage(0);
    const w = widget(page);
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Available');
    await expect.poll(attr(w.id('connection'), 'data-status'), SECONDS).toBe('connected');
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    expect(marks).toHaveProperty('tpc-agent-mount');
    expect(marks).toHaveProperty('tpc-agent-first-render');
    expect(marks).toHaveProperty('tpc-agent-first-view');
    const firstRender = {
      mountToFirstRenderMs: +(marks['tpc-agent-first-render']! - marks['tpc-agent-mount']!).toFixed(1),
      mountToFirstViewMs: +(marks['tpc-agent-first-view']! - marks['tpc-agent-mount']!).toFixed(1),
      navigationToMountMs: +marks['tpc-agent-mount']!.toFixed(1),
    };
    writeFileSync(join(ARTIFACTS, 'agent-widget-first-render.json'), JSON.stringify(firstRender, null, 2));
    console.log('agent widget first render', firstRender);
    await h.screenshot(page, 'presence-agent-widget', 'agent-widget-available');
  });

  it('a Teams call turns the widget to the mapped idle code with the reason; ending it returns Available', async () => {
    const page = await agentPage(0);
    const w = widget(page);
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Available');

    await page.getByTestId('ctl-call-start').click();
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Idle');
    await expect.poll(text(w.id('idle-code')), SECONDS).toBe('Teams Call');
    await expect.poll(text(w.id('reason')), SECONDS).toContain('In a Teams call');
    expect(await w.id('set-by-connector').count()).toBe(1);
    expect(await text(w.id('origin'))()).toContain('Teams presence connector');
    expect(await attr(w.id('teams-presence'), 'data-availability')()).toBe('Busy');
    await h.screenshot(page, 'presence-agent-widget', 'agent-widget-teams-call');
    await h.screenshot(page, 'section[data-area="controls"]', 'sandbox-control-panel');

    await page.getByTestId('ctl-call-end').click();
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Available');
    expect(await w.id('set-by-connector').count()).toBe(0);
    expect(await text(w.id('reason'))()).not.toContain('set to idle');
  });

  it('an idle the agent chose is left alone during a Teams call, and the widget says so', async () => {
    const page = await agentPage(1);
    const w = widget(page);
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Available');

    await page.getByTestId('ctl-idle-code').selectOption({ label: 'Lunch' });
    await page.getByTestId('ctl-agent-idle').click();
    await expect.poll(text(w.id('idle-code')), SECONDS).toBe('Lunch');
    expect(await text(w.id('origin'))()).toContain('Set by you');

    await page.getByTestId('ctl-call-start').click();
    await expect.poll(text(w.id('reason')), SECONDS).toContain('leaves it alone');
    expect(await text(w.id('reason'))()).toContain('In a Teams call');
    expect(await attr(w.id('state'), 'data-state')()).toBe('Idle');
    expect(await text(w.id('idle-code'))()).toBe('Lunch');
    expect(await w.id('set-by-connector').count()).toBe(0);
    await h.screenshot(page, 'presence-agent-widget', 'agent-widget-manual-idle-kept');

    await page.getByTestId('ctl-call-end').click();
    await expect.poll(attr(w.id('teams-presence'), 'data-availability'), SECONDS).not.toBe('Busy');
    await page.getByTestId('ctl-agent-available').click();
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Available').catch(async (err) => {
      const a = h.info.agents[1]!.id;
      console.log(await text(w.root)(), await text(page.getByTestId('ctl-snapshot'))(), await page.getByTestId('ctl-log-line').allTextContents());
      console.log(JSON.stringify(h.sandbox.connector.stores.audit.query({ agentId: a, limit: 12 } as never)).slice(0, 4000));
      throw err;
    });
  });

  it('the control panel drives a contact through offer, accept, wrap-up and end, and an unanswered offer into RONA', async () => {
    const page = await agentPage(2);
    const w = widget(page);
    const snap = page.getByTestId('snap-contact');
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Available');

    await page.getByTestId('ctl-offer').click();
    await expect.poll(text(snap), SECONDS).toBe('offered');
    await page.getByTestId('ctl-accept').click();
    await expect.poll(text(snap), SECONDS).toBe('connected');
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Engaged');
    await page.getByTestId('ctl-wrapup').click();
    await expect.poll(text(snap), SECONDS).toBe('wrapup');
    await page.getByTestId('ctl-end').click();
    await expect.poll(text(snap), SECONDS).toBe('none');
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('Available');

    await page.getByTestId('ctl-rona').click();
    await expect.poll(attr(w.id('state'), 'data-state'), SECONDS).toBe('RONA');
    expect(await text(w.id('origin'))()).toContain('contact center');
    const lines = await page.getByTestId('ctl-log-line').allTextContents();
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.every((l) => l.includes('✓'))).toBe(true);
    await h.screenshot(page, 'presence-agent-widget', 'agent-widget-rona');
  });
});
