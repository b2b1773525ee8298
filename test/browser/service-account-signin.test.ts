import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startBrowserHarness, type BrowserHarness } from './browser-harness.js';

/**
 * Subscribe mode in the sandbox with MFA on for the service accounts: an administrator signs a service account in
 * from the admin page in real headless Chromium — Microsoft's (emulated) sign-in page, the MFA approval, the
 * redirect back — and the connector then subscribes with that account, so a Teams call reaches the agent's
 * presence through a change notification (the reconcile poll is 5 minutes away).
 */
let h: BrowserHarness;
let context: BrowserContext;
const SECONDS = { timeout: 30_000, interval: 200 };
const SVC1 = 'presence-svc1@contoso.example';

beforeAll(async () => {
  h = await startBrowserHarness('service-account-signin', { sandboxConfig: { 'graph.presenceMode': 'subscribe' } });
  // The emulator's sign-in page is served with its generated certificate, which this browser profile accepts
  // (Node clients trust the same certificate through its CA instead).
  context = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await context?.close();
  await h?.close();
});

async function api<T>(path: string, key: string): Promise<T> {
  const res = await fetch(`${h.sandbox.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function graphControl<T>(method: string, path: string): Promise<T> {
  const res = await fetch(`${h.sandbox.url}/sandbox/control/graph/${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{}' }) });
  expect(res.status, path).toBeLessThan(300);
  return (await res.json()) as T;
}

describe('service-account sign-in from the admin page, real Chromium', () => {
  it('signs an MFA service account in through Microsoft’s pages and subscribe mode delivers presence with it', async () => {
    const page: Page = await context.newPage();
    await page.goto(`${h.sandbox.url}/?view=admin`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const panel = page.locator('presence-service-account-panel');
    const row = panel.locator(`[data-testid="sa-account"][data-username="${SVC1}"]`);
    await expect.poll(() => row.getAttribute('data-state'), SECONDS).toBe('never-signed-in');
    expect(await panel.getByTestId('sa-account').count()).toBe(2);
    const before = await graphControl<{ value: unknown[] }>('GET', 'subscriptions');
    expect(before.value).toHaveLength(0);

    await row.getByTestId('sa-sign-in').click();
    await page.waitForURL(/\/oauth2\/v2\.0\/authorize\?/, { timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256');
    expect(await page.locator('#i0116').inputValue()).toBe(SVC1);
    await page.locator('#i0118').fill('Passw0rd!');
    await page.locator('#idSIButton9').click();
    await page.getByRole('heading', { name: 'Approve sign in request' }).waitFor({ timeout: 15_000 });
    await page.locator('#mfaApprove').click();

    await page.waitForURL((u) => u.origin === h.sandbox.url && u.searchParams.get('view') === 'admin', { timeout: 15_000 });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const panelBack = page.locator('presence-service-account-panel');
    await expect.poll(() => panelBack.getByTestId('sa-outcome').getAttribute('data-ok'), SECONDS).toBe('true');
    await expect.poll(() => panelBack.locator(`[data-testid="sa-account"][data-username="${SVC1}"]`).getAttribute('data-state'), SECONDS).toBe('signed-in');
    expect(new URL(page.url()).searchParams.has('serviceAccountSignIn')).toBe(false);
    await h.screenshot(page, 'presence-service-account-panel', 'admin-service-accounts');

    const listed = await api<{ accounts: { username: string; state: string }[] }>('/api/admin/service-accounts', h.info.adminKey);
    expect(listed.accounts.find((a) => a.username === SVC1)?.state).toBe('signed-in');

    // The account's failed subscription is retried at once and now succeeds with its delegated token.
    await expect.poll(async () => (await graphControl<{ value: unknown[] }>('GET', 'subscriptions')).value.length, SECONDS).toBeGreaterThan(0);

    const agent = h.info.agents[0]!;
    await graphControl('POST', `users/${encodeURIComponent(agent.email)}/call/start`);
    await expect
      .poll(async () => JSON.stringify(await api<unknown>(`/api/agents/${encodeURIComponent(agent.id)}`, h.info.supervisorKey)), SECONDS)
      .toMatch(/InACall/);

    // Sign-out forgets the account's tokens: it shows as not signed in, and the API agrees.
    await panelBack.locator(`[data-testid="sa-account"][data-username="${SVC1}"]`).getByTestId('sa-sign-out').click();
    await expect.poll(() => panelBack.locator(`[data-testid="sa-account"][data-username="${SVC1}"]`).getAttribute('data-state'), SECONDS).toBe('never-signed-in');
    const after = await api<{ accounts: { username: string; state: string }[] }>('/api/admin/service-accounts', h.info.adminKey);
    expect(after.accounts.find((a) => a.username === SVC1)?.state).toBe('never-signed-in');
  });
});
