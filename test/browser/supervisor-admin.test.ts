import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { startBrowserHarness, type BrowserHarness } from './browser-harness.js';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness('supervisor-admin');
});
afterAll(async () => {
  await h?.close();
});

const attr = (l: Locator, name: string) => () => l.getAttribute(name, { timeout: 1000 }).catch(() => null);
const text = (l: Locator) => () => l.textContent({ timeout: 1000 }).then((t) => (t ?? '').trim()).catch(() => '');
const SECONDS = { timeout: 10_000, interval: 100 };

describe('mapping editor in the sandbox, real Chromium', () => {
  it('rejects an invalid mapping at the field and saves a valid one', async () => {
    const page: Page = await h.open('?view=supervisor');
    const editor = page.locator('presence-mapping-editor');
    const settle = editor.getByTestId('settle-delay');
    await settle.waitFor({ timeout: 10_000 });
    await expect.poll(() => editor.getByTestId('rule-row').count(), SECONDS).toBeGreaterThan(0);
    await h.screenshot(page, 'presence-mapping-editor', 'mapping-editor');

    await settle.fill('9999');
    await editor.getByTestId('save').click();
    await expect.poll(attr(settle, 'aria-invalid'), SECONDS).toBe('true');
    const fieldError = editor.locator('[data-testid="field-error"][data-field="settleDelayMs"]');
    // In words a supervisor understands, at the field, not the validator's wording.
    await expect.poll(text(fieldError), SECONDS).toBe('Enter a delay from 0 to 600 seconds.');
    // The message is wired to the input for assistive technology.
    const describedBy = await settle.getAttribute('aria-describedby');
    expect(describedBy?.split(' ')).toContain(await fieldError.getAttribute('id'));
    await h.screenshot(page, 'presence-mapping-editor', 'mapping-editor-invalid');
    // Nothing stored changed.
    const before = h.sandbox.connector.stores.profiles.all().find((p) => p.id === 'default');
    expect(before?.settleDelayMs).not.toBe(9_999_000);

    await settle.fill('7');
    await editor.getByTestId('save').click();
    await expect.poll(attr(settle, 'aria-invalid'), SECONDS).not.toBe('true');
    await expect.poll(text(editor.getByTestId('save-status')), SECONDS).not.toBe('');
    expect(await fieldError.count()).toBe(0);
    await expect.poll(() => h.sandbox.connector.stores.profiles.all().find((p) => p.id === 'default')?.settleDelayMs, SECONDS).toBe(7000);
  });
});

describe('mapping editor language and validation words', () => {
  it('says what to fix at each field in the supervisor’s language, and switches live with the page language', async () => {
    const page = await h.open('?view=supervisor');
    const editor = page.locator('presence-mapping-editor');
    await expect.poll(() => editor.getByTestId('rule-row').count(), SECONDS).toBeGreaterThan(0);
    const name = editor.getByTestId('profile-name');
    await name.fill('');
    await editor.getByTestId('add-rule').click();
    await editor.getByTestId('save').click();
    const nameError = editor.locator('[data-testid="field-error"][data-field="name"]');
    await expect.poll(text(nameError), SECONDS).toBe('Give the profile a name.');
    const rows = await editor.getByTestId('rule-row').count();
    const ruleError = editor.locator(`[data-testid="field-error"][data-field="rules[${rows - 1}].idleCodeId"]`);
    await expect.poll(text(ruleError), SECONDS).toMatch(/^Choose the idle code agents get for “.+”\.$/);
    expect(await text(editor.getByTestId('save-status'))()).toBe('Not saved: check the highlighted fields.');

    await page.evaluate(() => (document.documentElement.lang = 'de'));
    await expect.poll(text(nameError), SECONDS).toBe('Geben Sie dem Profil einen Namen.');
    await expect.poll(text(ruleError), SECONDS).toMatch(/^Wählen Sie den Grund für „.+“\.$/);
    expect(await text(editor.getByTestId('save-status'))()).toBe('Nicht gespeichert: Prüfen Sie die markierten Felder.');
    await h.screenshot(page, 'presence-mapping-editor', 'mapping-editor-invalid-de');
    await page.evaluate(() => (document.documentElement.lang = 'es'));
    await expect.poll(text(nameError), SECONDS).toBe('Ponle un nombre al perfil.');
    await page.evaluate(() => (document.documentElement.lang = 'en'));
  });

  it('the sandbox opens in the language asked for with ?lang= and its picker switches every component', async () => {
    const page = await h.open('?view=supervisor&lang=de');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.getByTestId('sandbox-lang').inputValue()).toBe('de');
    const editor = page.locator('presence-mapping-editor');
    await expect.poll(() => editor.getByTestId('rule-row').count(), SECONDS).toBeGreaterThan(0);
    await editor.getByTestId('profile-name').fill('');
    await editor.getByTestId('save').click();
    const nameError = editor.locator('[data-testid="field-error"][data-field="name"]');
    await expect.poll(text(nameError), SECONDS).toBe('Geben Sie dem Profil einen Namen.');
    await page.getByTestId('sandbox-lang').selectOption('es');
    await expect.poll(text(nameError), SECONDS).toBe('Ponle un nombre al perfil.');
    // A language the sandbox does not offer leaves the page as it was.
    const other = await h.open('?view=supervisor&lang=xx');
    expect(await other.evaluate(() => document.documentElement.lang)).toBe('en');
  });

  it('an imported file’s problems are in the same words, with where in the file they are', async () => {
    const page = await h.open('?view=supervisor');
    const editor = page.locator('presence-mapping-editor');
    await expect.poll(() => editor.getByTestId('rule-row').count(), SECONDS).toBeGreaterThan(0);
    await editor.getByTestId('import-text').fill(JSON.stringify({ name: '', rules: [], settleDelayMs: 3000 }));
    await editor.getByTestId('import-submit').click();
    await expect.poll(text(editor.getByTestId('import-error')), SECONDS).toBe('name: Give the profile a name.');
    await page.evaluate(() => (document.documentElement.lang = 'fr'));
    await expect.poll(text(editor.getByTestId('import-error')), SECONDS).toBe('name : Donnez un nom au profil.');
    await page.evaluate(() => (document.documentElement.lang = 'en'));
  });
});

// Before the lifecycle test below, which deletes the connector and its profiles.
describe('accessibility of the editor and the admin page (axe-core), both themes', () => {
  it.each(['light', 'dark'])('%s', async (theme) => {
    for (const [view, tag] of [
      ['supervisor', 'presence-mapping-editor'],
      ['admin', 'presence-connector-admin'],
    ] as const) {
      const page = await h.open(`?view=${view}`);
      const el = page.locator(tag);
      await el.evaluate((node, t) => node.setAttribute('theme', t), theme);
      if (view === 'supervisor') await expect.poll(() => el.getByTestId('rule-row').count(), SECONDS).toBeGreaterThan(0);
      else await expect.poll(() => el.getByTestId('health').count(), SECONDS).toBe(1);
      expect(JSON.stringify(await axeViolations(page, tag)), `${tag} ${theme}`).toBe('[]');
      await page.evaluate(() => (document.documentElement.lang = 'it'));
      await page.waitForTimeout(100);
      expect(JSON.stringify(await axeViolations(page, tag)), `${tag} ${theme} it`).toBe('[]');
      await h.screenshot(page, tag, `${tag}-${theme}-it`);
    }
  });
});

describe('admin panel in the sandbox, real Chromium', () => {
  it('deactivates and deletes only after confirmation, delete only when inactive, and names the Azure admin step', async () => {
    const page = await h.open('?view=admin');
    const admin = page.locator('presence-connector-admin');
    const lifecycle = admin.getByTestId('lifecycle');
    const dialog = admin.getByTestId('confirm-dialog');
    await expect.poll(attr(lifecycle, 'data-lifecycle'), SECONDS).toBe('active');
    await expect.poll(() => admin.getByTestId('health').count(), SECONDS).toBe(1);
    expect(await admin.getByTestId('action-delete').isDisabled()).toBe(true);
    await h.screenshot(page, 'presence-connector-admin', 'admin-active');

    // Cancelling a confirmation changes nothing.
    await admin.getByTestId('action-deactivate').click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    await admin.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    expect(await attr(lifecycle, 'data-lifecycle')()).toBe('active');

    await admin.getByTestId('action-deactivate').click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    await admin.getByTestId('confirm-ok').click();
    await expect.poll(attr(lifecycle, 'data-lifecycle'), SECONDS).toBe('inactive');
    await expect.poll(() => admin.getByTestId('action-delete').isDisabled(), SECONDS).toBe(false);

    await admin.getByTestId('action-delete').click();
    await dialog.waitFor({ state: 'visible', timeout: 5000 });
    const ok = admin.getByTestId('confirm-ok');
    expect(await ok.isDisabled()).toBe(true);
    await admin.getByTestId('confirm-input').fill('delete');
    expect(await ok.isDisabled()).toBe(true);
    await h.screenshot(page, 'presence-connector-admin', 'admin-delete-confirmation');
    await admin.getByTestId('confirm-input').fill('DELETE');
    await ok.click();
    await expect.poll(attr(lifecycle, 'data-lifecycle'), SECONDS).toBe('deleted');
    await expect.poll(text(admin.getByTestId('action-result')), SECONDS).toContain('Azure');
    expect(h.sandbox.connector.services.registry.lifecycle).toBe('deleted');
    expect(h.sandbox.connector.stores.profiles.all()).toEqual([]);
    await h.screenshot(page, 'presence-connector-admin', 'admin-deleted');
  });
});
