import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from './browser-harness.js';

/** The admin page shows the administrative audit: a change made over the API appears with who and what, in the page's language. */
let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness('admin-audit');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const SECONDS = { timeout: 15_000, interval: 100 };

describe('administrative audit on the admin page', () => {
  it('lists a team-sync change with its author, in English and in German', async () => {
    const teams = (await (await fetch(`${h.sandbox.url}/api/admin/teams`, { headers: { authorization: `Bearer ${h.info.adminKey}` } })).json()) as { id: string }[];
    const res = await fetch(`${h.sandbox.url}/api/admin/teams/${encodeURIComponent(teams[0]!.id)}/sync`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${h.info.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(res.status).toBe(200);
    const page = await h.open('?view=admin');
    const entry = page.locator('presence-admin-audit').getByTestId('admin-audit-entry').first();
    await expect.poll(() => entry.getAttribute('data-action', { timeout: 1000 }).catch(() => null), SECONDS).toBe('team-sync.set');
    expect(await entry.textContent()).toContain('sandbox admin (admin)');
    expect(await entry.getByTestId('admin-audit-action').textContent()).toBe('Team sync changed');
    await page.evaluate(() => (document.documentElement.lang = 'de'));
    await expect.poll(() => entry.getByTestId('admin-audit-action').textContent(), SECONDS).toBe('Team-Synchronisierung geändert');
  });
});
