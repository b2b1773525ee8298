import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { ARTIFACTS, startBrowserHarness, type BrowserHarness } from './browser-harness.js';
import { mountDesktopHeader, type Theme } from './desktop-header.js';

/**
 * The agent widget as the Webex Desktop shows it: compact, in a 64 px header, light and dark, driven through the
 * sandbox's control panel (the emulators), with screenshots of every state under test-artifacts/.
 */

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness('agent');
});
afterAll(async () => {
  await h?.close();
});

const THEMES: Theme[] = ['light', 'dark'];
const SECONDS = { timeout: 15_000, interval: 100 };

const agentPage = (i: number): Promise<Page> => h.open(`?view=agent&agent=${h.info.agents[i]!.id}`);
const inWidget = (w: Locator, testId: string): Locator => w.getByTestId(testId);
const attr = (l: Locator, name: string) => () => l.getAttribute(name, { timeout: 1000 }).catch(() => null);
const text = (l: Locator) => () => l.textContent({ timeout: 1000 }).then((t) => (t ?? '').replace(/\s+/g, ' ').trim()).catch(() => '');
const kind = (w: Locator) => attr(inWidget(w, 'header'), 'data-kind');

/** Header widgets of both themes for agent `i`, mounted above the sandbox page. */
async function headers(page: Page, i: number) {
  const agent = h.info.agents[i]!;
  const out: Record<Theme, Locator> = { light: page.locator('x'), dark: page.locator('x') };
  for (const theme of THEMES) out[theme] = await mountDesktopHeader(page, { theme, agentId: agent.id, token: agent.token, serverUrl: h.sandbox.url });
  return out;
}

/** Both themes show `expected`, are within the Desktop header's size, and are photographed. */
async function expectState(page: Page, ws: Record<Theme, Locator>, expected: string, shot: string): Promise<void> {
  for (const theme of THEMES) {
    await expect.poll(kind(ws[theme]), SECONDS).toBe(expected);
    const box = await ws[theme].boundingBox();
    expect(box, `${expected} in ${theme}`).not.toBeNull();
    expect(box!.height).toBeLessThanOrEqual(64);
    expect(box!.width).toBeLessThanOrEqual(240);
    await page.locator(`#desktop-header-${theme}`).screenshot({ path: join(ARTIFACTS, `agent-widget-${shot}-${theme}.png`) });
  }
}

describe('agent widget in a 64 px Desktop header, real Chromium, light and dark', () => {
  it('follows a Teams call: held idle and why, a scheduled return, then sync on — with the first-person details', async () => {
    const page = await agentPage(0);
    const ws = await headers(page, 0);
    await expectState(page, ws, 'on', 'sync-on');
    // The agent's Teams presence in words (the demo agents start Available or Offline in Teams).
    expect(await text(inWidget(ws.light, 'header-primary'))()).toMatch(/^(Available|Offline) in Teams$/);

    await page.getByTestId('ctl-call-start').click();
    await expectState(page, ws, 'held', 'held-teams-call');
    expect(await text(inWidget(ws.dark, 'header-primary'))()).toBe('In a Teams call');
    expect(await text(inWidget(ws.dark, 'header-secondary'))()).toBe('Teams sync holds you idle');

    await inWidget(ws.light, 'details-toggle').click();
    await expect.poll(text(inWidget(ws.light, 'held')), SECONDS).toBe('You’re in a Teams call, so you’re set to Teams Call.');
    await expect.poll(text(inWidget(ws.light, 'reason')), SECONDS).toContain('In a Teams call: set to idle “Teams Call”.');
    await page.screenshot({ path: join(ARTIFACTS, 'agent-widget-details-light.png'), clip: { x: 0, y: 0, width: 1280, height: 560 } });
    await page.keyboard.press('Escape');

    await page.getByTestId('ctl-call-end').click();
    // The sandbox profile waits a few seconds before returning the agent to Available.
    await expectState(page, ws, 'return', 'scheduled-return');
    expect(await text(inWidget(ws.light, 'header-secondary'))()).toMatch(/^Available at \d{1,2}:\d\d/);
    await expectState(page, ws, 'on', 'returned');
  });

  it('a Teams call during a contact holds a pending idle until the contact ends', async () => {
    const page = await agentPage(2);
    const ws = await headers(page, 2);
    await expectState(page, ws, 'on', 'before-contact');
    await page.getByTestId('ctl-offer').click();
    await expect.poll(text(page.getByTestId('snap-contact')), SECONDS).toBe('offered');
    await page.getByTestId('ctl-accept').click();
    await expect.poll(text(page.getByTestId('snap-contact')), SECONDS).toBe('connected');
    await page.getByTestId('ctl-call-start').click();
    await expectState(page, ws, 'pending', 'pending-idle');
    expect(await text(inWidget(ws.light, 'header-secondary'))()).toBe('Idle after this contact');

    await page.getByTestId('ctl-end').click();
    await expectState(page, ws, 'held', 'pending-applied');
    await page.getByTestId('ctl-call-end').click();
    await expect.poll(kind(ws.light), SECONDS).toBe('on');
  });

  it('an idle the agent chose is left alone during a Teams call, and the details say why', async () => {
    const page = await agentPage(1);
    const ws = await headers(page, 1);
    await expectState(page, ws, 'on', 'before-manual-idle');
    await page.getByTestId('ctl-idle-code').selectOption({ label: 'Lunch' });
    await page.getByTestId('ctl-agent-idle').click();
    await expect.poll(text(page.getByTestId('snap-cc')), SECONDS).toContain('Lunch');
    await page.getByTestId('ctl-call-start').click();
    await expectState(page, ws, 'left-alone', 'manual-idle-kept');
    await inWidget(ws.dark, 'details-toggle').click();
    // Who set it, as far as the connector can know (the real service names no actor, so it may be unknown).
    const origin = await ws.dark.evaluate((el) => (el as unknown as { view: { origin: string } }).view.origin);
    const expected: Record<string, string> = {
      agent: 'You set this state yourself, so Teams sync leaves it alone.',
      unknown: 'It is not known who set this idle, so Teams sync leaves it alone.',
    };
    expect(Object.keys(expected)).toContain(origin);
    await expect.poll(text(inWidget(ws.dark, 'origin')), SECONDS).toBe(expected[origin]);
    await page.keyboard.press('Escape');
    await page.getByTestId('ctl-call-end').click();
    await page.getByTestId('ctl-agent-available').click();
    await expect.poll(kind(ws.light), SECONDS).toBe('on');
  });

  it('a pause shows its end in the agent’s time zone; resuming turns sync back on', async () => {
    const page = await agentPage(3);
    const ws = await headers(page, 3);
    await ws.light.evaluate((el) => el.setAttribute('time-zone', 'Asia/Tokyo'));
    await expectState(page, ws, 'on', 'before-pause');
    await inWidget(ws.light, 'details-toggle').click();
    await ws.light.locator('[data-testid="pause"][data-minutes="30"]').click();
    await expectState(page, ws, 'paused', 'paused');
    const until = await ws.light.evaluate((el) => (el as unknown as { view: { pausedUntil: number } }).view.pausedUntil);
    const tokyo = await page.evaluate((at) => new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Tokyo' }).format(at), until);
    expect(await text(inWidget(ws.light, 'header-secondary'))()).toBe(`Until ${tokyo}`);
    await expect.poll(text(inWidget(ws.light, 'paused')), SECONDS).toMatch(new RegExp(`^You paused Teams sync until ${tokyo} \\(\\d+ minutes? left\\)\\.$`));
    await inWidget(ws.light, 'resume').click();
    await expectState(page, ws, 'on', 'resumed');
  });

  it('no token, a refused sign-in and an unreachable connector are said plainly, with no stale state', async () => {
    const page = await agentPage(0);
    const agent = h.info.agents[0]!;
    const cases = [
      { name: 'no-token', token: '', serverUrl: h.sandbox.url, primary: 'Waiting for your sign-in' },
      { name: 'unauthorised', token: 'not-a-valid-token', serverUrl: h.sandbox.url, primary: 'Teams sync refused your sign-in' },
      { name: 'unreachable', token: agent.token, serverUrl: 'http://127.0.0.1:9', primary: 'Teams sync unreachable' },
    ] as const;
    for (const c of cases) {
      for (const theme of THEMES) {
        const w = await mountDesktopHeader(page, { theme, agentId: agent.id, token: c.token, serverUrl: c.serverUrl, id: `${c.name}-${theme}` });
        await expect.poll(kind(w), SECONDS).toBe(c.name);
        expect(await text(inWidget(w, 'header-primary'))()).toBe(c.primary);
        expect(await inWidget(w, 'time-in-state').count()).toBe(0);
        await page.locator(`#desktop-header-${c.name}-${theme}`).screenshot({ path: join(ARTIFACTS, `agent-widget-${c.name}-${theme}.png`) });
      }
    }
  });

  it('a refused sign-in recovers when the Desktop hands a valid token', async () => {
    const page = await agentPage(0);
    const agent = h.info.agents[0]!;
    const w = await mountDesktopHeader(page, { theme: 'light', agentId: agent.id, token: 'expired', serverUrl: h.sandbox.url, id: 'refresh' });
    await expect.poll(kind(w), SECONDS).toBe('unauthorised');
    await w.evaluate((el, token) => ((el as unknown as { token: string }).token = token), agent.token);
    await expect.poll(kind(w), SECONDS).toBe('on');
  });
});

describe('agent widget language', () => {
  it('follows the Desktop’s lang attribute and switches live; the locale property wins over it', async () => {
    const page = await agentPage(4);
    const ws = await headers(page, 4);
    await expect.poll(kind(ws.light), SECONDS).toBe('on');
    await page.evaluate(() => (document.documentElement.lang = 'pt-BR'));
    await expect.poll(text(inWidget(ws.light, 'header-secondary')), SECONDS).toBe('Teams sync ativo');
    expect(await text(inWidget(ws.light, 'header-primary'))()).toMatch(/^(Disponível|Offline) no Teams$/);
    await page.getByTestId('ctl-call-start').click();
    await expect.poll(text(inWidget(ws.dark, 'header-primary')), SECONDS).toBe('Em uma chamada do Teams');
    await inWidget(ws.dark, 'details-toggle').click();
    // The idle code keeps the contact center's name.
    await expect.poll(text(inWidget(ws.dark, 'held')), SECONDS).toBe('Você está em uma chamada do Teams, então você está como Teams Call.');
    await page.screenshot({ path: join(ARTIFACTS, 'agent-widget-details-pt-BR-dark.png'), clip: { x: 0, y: 0, width: 1280, height: 560 } });
    await page.keyboard.press('Escape');

    await page.evaluate(() => (document.documentElement.lang = 'de-AT'));
    await expect.poll(text(inWidget(ws.light, 'header-secondary')), SECONDS).toBe('Teams-Sync hält Sie auf Nicht bereit');
    await ws.light.evaluate((el) => el.setAttribute('locale', 'it'));
    await expect.poll(text(inWidget(ws.light, 'header-secondary')), SECONDS).toBe('Teams sync ti tiene non disponibile');
    expect(await text(inWidget(ws.dark, 'header-secondary'))()).toBe('Teams-Sync hält Sie auf Nicht bereit');
    await page.getByTestId('ctl-call-end').click();
    await page.evaluate(() => (document.documentElement.lang = 'en'));
  });
});

describe('agent widget accessibility (axe-core)', () => {
  it('has no violations in either theme, header and open details, in two languages', async () => {
    const page = await agentPage(5);
    const ws = await headers(page, 5);
    await page.getByTestId('ctl-call-start').click();
    const results: Record<string, unknown> = {};
    for (const lang of ['en', 'fr']) {
      await page.evaluate((l) => (document.documentElement.lang = l), lang);
      for (const theme of THEMES) {
        await expect.poll(kind(ws[theme]), SECONDS).toBe('held');
        expect(JSON.stringify(await axeViolations(page, `#desktop-header-${theme}`)), `${theme} header, ${lang}`).toBe('[]');
        await inWidget(ws[theme], 'details-toggle').click();
        await expect.poll(text(inWidget(ws[theme], 'held')), SECONDS).not.toBe('');
        await expect.poll(text(inWidget(ws[theme], 'reason')), SECONDS).not.toBe('');
        // Judge the resting state, not the hover colour under the pointer that just clicked.
        await page.mouse.move(5, 700);
        expect(JSON.stringify(await axeViolations(page, `#desktop-header-${theme}`)), `${theme} details, ${lang}`).toBe('[]');
        results[`${theme}-${lang}`] = 'no violations';
        await page.keyboard.press('Escape');
      }
    }
    await page.getByTestId('ctl-call-end').click();
    writeFileSync(join(ARTIFACTS, 'agent-widget-axe.json'), JSON.stringify(results, null, 2));
  });
});
