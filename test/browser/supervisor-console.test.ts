import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { format } from '../../widget/i18n/i18n.js';
import { commonMessages } from '../../widget/messages/common-messages.js';
import { reasonMessages } from '../../widget/messages/reason-messages.js';
import { consoleMessages } from '../../widget/messages/supervisor-console-messages.js';
import { startBrowserHarness, type BrowserHarness } from './browser-harness.js';

let h: BrowserHarness;
let page: Page;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

beforeAll(async () => {
  h = await startBrowserHarness('supervisor-console');
  page = await h.open('?view=console');
  // Through the debugger protocol, not a <script>: the sandbox page's Content-Security-Policy refuses inline scripts.
  await page.evaluate(AXE);
});
afterAll(async () => {
  await h?.close();
});

const attr = (l: Locator, name: string) => () => l.getAttribute(name, { timeout: 1000 }).catch(() => null);
const text = (l: Locator) => () => l.textContent({ timeout: 1000 }).then((t) => (t ?? '').trim()).catch(() => '');
const SECONDS = { timeout: 15_000, interval: 100 };
const consoleEl = () => page.locator('presence-supervisor-console');
const rowsOf = (c: Locator) => c.locator('[data-testid="agent-row"]');

/** Back to the agents tab with no filter, so each test starts from the full table. */
async function resetTable(): Promise<Locator> {
  const c = consoleEl();
  await c.getByTestId('tab-agents').click();
  await c.getByTestId('filter-text').fill('');
  for (const f of ['filter-team', 'filter-state', 'filter-owner']) await c.getByTestId(f).selectOption('');
  await c.getByTestId('filter-flag').selectOption('any');
  return c;
}

/** axe-core over the console (its shadow roots included) in one theme; returns the violations found. */
async function axeViolations(theme: 'light' | 'dark'): Promise<string[]> {
  await consoleEl().evaluate((el, t) => el.setAttribute('theme', t), theme);
  await page.waitForTimeout(50);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const r = await axe.run({ include: [['presence-supervisor-console']] }, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

async function csvOf(button: Locator): Promise<string[][]> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), button.click()]);
  const body = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
  return body
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

describe('supervisor console in the sandbox, real Chromium', () => {
  it('shows every agent and updates a row live when the emulator changes that agent', async () => {
    const c = consoleEl();
    await expect.poll(attr(c.getByTestId('connection'), 'data-status'), SECONDS).toBe('connected');
    const total = h.sandbox.connector.services.registry.agents.size;
    await expect.poll(text(c.getByTestId('shown-count')), SECONDS).toContain(String(total));

    const agent = h.info.agents[3]!;
    await page.getByTestId('sandbox-agent').selectOption(agent.id);
    await c.getByTestId('filter-text').fill(agent.name);
    const row = c.locator(`[data-testid="agent-row"][data-agent="${agent.id}"]`);
    await expect.poll(attr(row, 'data-state'), SECONDS).toBe('Available');
    await h.screenshot(page, 'presence-supervisor-console', 'supervisor-console-agents');

    // A Teams call in the Graph emulator: the connector idles the agent and the row says who did it.
    await page.getByTestId('ctl-call-start').click();
    await expect.poll(attr(row, 'data-teams'), SECONDS).toBe('InACall');
    await expect.poll(attr(row, 'data-state'), SECONDS).toBe('Idle');
    await expect.poll(attr(row, 'data-owner'), SECONDS).toBe('connector');
    expect(await text(row.getByTestId('cc-state'))()).toContain('Teams Call');

    // The agent picks an idle code in the contact-center emulator: the connector no longer owns the state (Webex does
    // not document who made a change, so the console says "unknown" rather than guessing "agent").
    await page.getByTestId('ctl-call-end').click();
    await page.getByTestId('ctl-agent-idle').click();
    await expect.poll(text(row.getByTestId('cc-state')), SECONDS).toContain('Break');
    expect(await attr(row, 'data-owner')()).not.toBe('connector');
    expect(await attr(row, 'data-owner')()).toBe(h.sandbox.connector.services.registry.agents.get(agent.id)!.cc.origin);
    expect(await attr(row, 'data-state')()).toBe('Idle');
    await page.getByTestId('ctl-agent-available').click();
    await expect.poll(attr(row, 'data-state'), SECONDS).toBe('Available');
  });

  it('filters and sorts, and exports exactly the rows shown as CSV', async () => {
    const c = await resetTable();
    const total = h.sandbox.connector.services.registry.agents.size;
    // One agent held idle by the connector (a Teams call), so the owner filter both keeps and drops rows.
    const caller = h.info.agents[6]!;
    const started = await fetch(`${h.sandbox.url}/sandbox/control/graph/users/${encodeURIComponent(caller.email)}/call/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(started.status).toBe(200);
    await expect.poll(() => h.sandbox.connector.services.registry.agents.get(caller.id)?.cc.origin, SECONDS).toBe('connector');
    const owner = 'connector';
    const byOwner = [...h.sandbox.connector.services.registry.agents.values()].filter((a) => a.cc.origin === owner).length;
    expect(byOwner).toBeLessThan(total);
    await c.getByTestId('filter-owner').selectOption(owner);
    await c.getByTestId('sort-team').click(); // ascending by team
    await c.getByTestId('sort-name').click(); // ascending by name
    await c.getByTestId('sort-name').click(); // descending by name
    await expect.poll(() => rowsOf(c).count(), SECONDS).toBe(byOwner);
    await expect.poll(attr(c.locator('[role="columnheader"][aria-sort="descending"]'), 'aria-sort'), SECONDS).toBe('descending');
    const names = await c.locator('[data-testid="agent-row"] [role="cell"]:first-child span:first-child').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? 1 : -1)));

    const csv = await csvOf(c.getByTestId('export-agents'));
    expect(csv[0]![0]).toBe('Agent');
    expect(csv[0]!.at(-1)).toBe('agentId');
    const ids = csv.slice(1).map((r) => r.at(-1));
    const owners = new Set(csv.slice(1).map((r) => r[6]));
    expect(ids.length).toBe(await c.evaluate((el) => (el.shadowRoot!.querySelector('presence-supervisor-agents') as unknown as { shown: unknown[] }).shown.length));
    expect(owners).toEqual(new Set([consoleMessages.tables.en[`owner.${owner}` as 'owner.agent']]));
    const registry = h.sandbox.connector.services.registry;
    for (const id of ids) expect(registry.agents.get(id!)?.cc.origin).toBe(owner);
  });

  it('the audit trail filters by agent and result, opens a decision, and exports CSV', async () => {
    const c = await resetTable();
    const agent = h.info.agents[3]!;
    const row = c.locator(`[data-testid="agent-row"][data-agent="${agent.id}"]`);
    await c.getByTestId('filter-text').fill(agent.name);
    await row.getByRole('button', { name: `Audit trail for ${agent.name}` }).click();
    await expect.poll(attr(c.getByTestId('tab-audit'), 'aria-selected'), SECONDS).toBe('true');
    await expect.poll(() => c.getByTestId('audit-agent').inputValue(), SECONDS).toBe(agent.id);
    const rows = c.getByTestId('audit-row');
    await expect.poll(() => rows.count(), SECONDS).toBeGreaterThan(0); // the agent's whole trail first
    const stored = h.sandbox.connector.stores.audit.query({ agentId: agent.id, result: 'confirmed', limit: 100 });
    expect(stored.length).toBeGreaterThan(0);
    await c.getByTestId('audit-result').selectOption('confirmed');
    await c.getByTestId('audit-apply').click();
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id')))), SECONDS).toEqual(stored.map((e) => e.id));
    expect(await rows.evaluateAll((els) => els.every((e) => e.getAttribute('data-result') === 'confirmed'))).toBe(true);

    await rows.first().getByTestId('audit-open').click();
    const detail = c.getByTestId('audit-detail');
    await detail.waitFor({ timeout: 5000 });
    expect(await text(detail.getByTestId('freshness'))()).toMatch(/Applied .* after the decision/);
    await h.screenshot(page, 'presence-supervisor-console', 'supervisor-console-audit');

    const csv = await csvOf(c.getByTestId('export-audit'));
    expect(csv.length - 1).toBe(stored.length);
    expect(csv.slice(1).map((r) => Number(r[0]))).toEqual(stored.map((e) => e.id));
  });

  it('charts the range from the server aggregates', async () => {
    const c = consoleEl();
    await c.getByTestId('tab-charts').click();
    const decisions = c.getByTestId('chart-decisions');
    await decisions.waitFor({ timeout: 15_000 });
    const values = JSON.parse((await decisions.getAttribute('data-values')) ?? '[]') as number[];
    const to = Date.now();
    const server = await h.sandbox.connector.services.insights.insights({ from: to - 24 * 3600_000, to });
    expect(values.reduce((a, b) => a + b, 0)).toBe(server.decisions.slice(0, 12).reduce((a, d) => a + d.count, 0));
    expect(values.length).toBeGreaterThan(0);
    const idle = JSON.parse((await c.getByTestId('chart-idle-agents').getAttribute('data-values')) ?? '[]') as number[];
    expect(idle.length).toBeGreaterThan(0); // the Teams call above held one agent idle
    await h.screenshot(page, 'presence-supervisor-console', 'supervisor-console-charts');

    // A chosen range: from two minutes ago (in the browser's local time) to now.
    const fromLocal = await page.evaluate(() => {
      const d = new Date(Date.now() - 120_000);
      d.setSeconds(0, 0);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    });
    const fromMs = await page.evaluate((v) => Date.parse(v), fromLocal);
    await c.getByTestId('charts-range').selectOption('custom');
    await c.getByTestId('charts-from').fill(fromLocal);
    await c.getByTestId('charts-refresh').click();
    const recent = await h.sandbox.connector.services.insights.insights({ from: fromMs, to: Date.now() });
    const want = recent.decisions.slice(0, 12).reduce((a, d) => a + d.count, 0);
    await expect.poll(async () => (JSON.parse((await decisions.getAttribute('data-values')) ?? '[]') as number[]).reduce((a, b) => a + b, 0), SECONDS).toBe(want);
  });

  it('has no axe-core violations on any tab, in light and dark', async () => {
    const c = consoleEl();
    const found: string[] = [];
    for (const tab of ['agents', 'audit', 'charts'] as const) {
      await c.getByTestId(`tab-${tab}`).click();
      await page.waitForTimeout(200);
      for (const theme of ['light', 'dark'] as const) found.push(...(await axeViolations(theme)).map((v) => `${tab}/${theme}: ${v}`));
    }
    expect(found).toEqual([]);
  });
});

describe('supervisor console languages, real Chromium', () => {
  it('switches every part to the language set on it, reasons included, and back', async () => {
    const c = await resetTable();
    await c.evaluate((el) => el.setAttribute('locale', 'de'));
    await expect.poll(text(c.getByTestId('tab-agents')), SECONDS).toBe('Agenten');
    await expect.poll(text(c.getByTestId('shown-count')), SECONDS).toMatch(/von \d+ Agenten angezeigt/);
    expect(await text(c.getByTestId('export-agents'))()).toBe('CSV exportieren');
    await c.getByTestId('tab-audit').click();
    await expect.poll(() => c.getByTestId('audit-row').count(), SECONDS).toBeGreaterThan(0);
    expect(await text(c.getByTestId('audit-apply'))()).toBe('Filter anwenden');
    // The audit keeps codes: the Teams-call idle from the first test reads in German now.
    const idled = c.locator('[data-testid="audit-row"][data-reason="presence-busy"] td:nth-child(3)').first();
    const german = format('de', reasonMessages.tables.de['set-idle.presence-busy'], { teamsState: commonMessages.tables.de['teams.InACall'] as string, idleCode: 'Teams Call' });
    await expect.poll(text(idled), SECONDS).toBe(german);
    await h.screenshot(page, 'presence-supervisor-console', 'supervisor-console-audit-de');
    await c.evaluate((el) => el.setAttribute('locale', 'en'));
    await expect.poll(text(c.getByTestId('tab-agents')), SECONDS).toBe('Agents');
    expect(await text(c.getByTestId('audit-apply'))()).toBe('Apply filters');
  });
});

describe('impact preview in the mapping editor, real Chromium', () => {
  it('says how many agents saving would release or switch before anything is saved', async () => {
    const reg = h.sandbox.connector.services.registry;
    const callers = h.info.agents.slice(4, 6);
    for (const a of callers) {
      const res = await fetch(`${h.sandbox.url}/sandbox/control/graph/users/${encodeURIComponent(a.email)}/call/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
    }
    const held = () => [...reg.agents.values()].filter((a) => reg.profileFor(a)?.id === 'default' && a.cc.state === 'Idle' && a.cc.origin === 'connector' && a.presence?.activity === 'InACall');
    const callersHeld = () => callers.every((c) => held().some((a) => a.id === c.id));
    await expect.poll(callersHeld, SECONDS).toBe(true);
    const expected = held().length;
    expect(expected).toBeGreaterThanOrEqual(callers.length);

    const editor = (await h.open('?view=supervisor')).locator('presence-mapping-editor');
    await expect.poll(() => editor.getByTestId('rule-row').count(), SECONDS).toBeGreaterThan(0);
    const impact = editor.getByTestId('impact');
    expect(await impact.count()).toBe(0); // nothing to preview before an edit

    // Switch the Teams-call rule to another idle code: every agent held for a Teams call would switch.
    const callRow = editor.locator('[data-testid="rule-row"]', { has: editor.page().locator('[data-testid="rule-state"] option[value="InACall"]:checked') });
    const codeSelect = callRow.getByTestId('rule-idle-code');
    const current = await codeSelect.inputValue();
    const other = (await codeSelect.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).find((v) => v && v !== current)!;
    await codeSelect.selectOption(other);
    await expect.poll(attr(impact, 'data-switch'), SECONDS).toBe(String(expected));
    expect(await attr(impact, 'data-idle')()).toBe('0');

    // Remove the rule instead: the same agents would be released.
    await codeSelect.selectOption(current);
    await callRow.getByTestId('rule-remove').click();
    await expect.poll(attr(impact, 'data-release'), SECONDS).toBe(String(expected));
    expect(await text(impact.getByTestId('impact-summary'))()).toBe(`Saving this now would idle 0 agents and release ${expected} agent${expected === 1 ? '' : 's'}.`);
    await h.screenshot(editor.page(), 'presence-mapping-editor', 'mapping-editor-impact-preview');

    // Nothing was saved or sent.
    expect(reg.profiles.get('default')!.rules.some((r) => r.teamsState === 'InACall')).toBe(true);
    expect(held().length).toBe(expected);
  });
});
