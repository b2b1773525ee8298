import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/graph/webhook-receiver.js';
import { MAX_LATENCY_MS, retryDelaysMs, sampleLatencyMs } from '../../emulators/graph/delivery-profile.js';

/** Delivery behaviour: batching, retries, drops, and notifications held while the creator's token lapsed. */
let emu: GraphEmulator;
let c: GraphEmulatorClient;
let hook: WebhookReceiver;
let clockOffsetMs = 0;
let agent = 0;
const inMinutes = (m: number): string => new Date(Date.now() + clockOffsetMs + m * 60_000).toISOString();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // Ten-minute tokens, so a token can lapse while its subscription (≤ 60 minutes) still lives.
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(100), tokenLifetimeSec: 600 });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
});
afterEach(async () => {
  await c.control('DELETE', 'faults');
  await hook.close();
});
afterAll(async () => {
  c.close();
  await emu.close();
});

async function subscribe(ids: string[], query = ''): Promise<{ token: string; id: string; account: string }> {
  hook = await startWebhookReceiver();
  const account = `agent${++agent}@contoso.example`;
  const token = await c.delegatedToken(account, DEMO_PASSWORD);
  const reply = await c.request('POST', '/v1.0/subscriptions', {
    token,
    body: {
      changeType: 'updated',
      notificationUrl: `${hook.url}${query}`,
      resource: `communications/presences?$filter=id in (${ids.map((i) => `'${i}'`).join(',')})`,
      expirationDateTime: inMinutes(60),
      clientState: 'cs',
    },
  });
  expect(reply.status).toBe(201);
  return { token, id: reply.json().id, account };
}

describe('notification delivery', () => {
  it('batches coincident changes into one POST and keeps the notification URL query string', async () => {
    const ids = [demoUserId(20), demoUserId(21), demoUserId(22)];
    await subscribe(ids, '?tenant=contoso');
    await c.control('POST', 'presence/bulk', { changes: ids.map((userId) => ({ userId, availability: 'Busy', activity: 'InACall' })) });
    await hook.waitFor(() => hook.items().length === 3);
    expect(hook.posts).toHaveLength(1);
    expect(hook.posts[0]!.query).toBe('?tenant=contoso');
    expect(hook.items().map((i) => i.resourceData.id).sort()).toEqual([...ids].sort());
  });

  it('retries a batch the webhook refused, and drops notifications when told to', async () => {
    const watched = demoUserId(30);
    await subscribe([watched]);
    hook.statuses.push(500);
    await c.control('POST', `users/${watched}/call/start`);
    await hook.waitFor(() => hook.posts.length === 2, 4000);
    expect(hook.posts[1]!.body).toEqual(hook.posts[0]!.body);

    await c.control('POST', 'faults', { dropNotifications: 1 });
    const dropped = (await c.control('GET', 'stats')).notifications.dropped;
    await c.control('POST', `users/${watched}/call/end`);
    await sleep(100);
    expect(hook.posts).toHaveLength(2);
    expect((await c.control('GET', 'stats')).notifications.dropped).toBe(dropped + 1);
  });

  it('holds changes while the creator token lapsed and delivers them after a PATCH renewal', async () => {
    const watched = demoUserId(40);
    const { id, account } = await subscribe([watched]);
    clockOffsetMs = (await c.control('POST', 'clock', { advanceMs: 11 * 60_000 })).offsetMs;
    await c.control('POST', `users/${watched}/presenting/start`);
    await sleep(100);
    expect(hook.items()).toHaveLength(0);

    const fresh = await c.delegatedToken(account, DEMO_PASSWORD);
    const renewed = await c.request('PATCH', `/v1.0/subscriptions/${id}`, { token: fresh, body: { expirationDateTime: inMinutes(45) } });
    expect(renewed.status).toBe(200);
    await hook.waitFor(() => hook.items().length === 1);
    expect(hook.items()[0].resourceData.id).toBe(watched);
  });
});

describe('realistic delivery (selectable)', () => {
  afterEach(async () => {
    await c.control('POST', 'behaviour', { delivery: 'fast' });
  });

  it('draws latencies like Microsoft publishes for presence: mean under 10 s, none over a minute, some of several seconds', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 20_000 }, () => sampleLatencyMs('realistic', random));
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeLessThan(10_000);
    expect(mean).toBeGreaterThan(2_000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(MAX_LATENCY_MS);
    expect(samples.filter((v) => v > 20_000).length).toBeGreaterThan(0);
    expect(sampleLatencyMs('fast')).toBe(0);
    // Retries for hours, not seconds.
    const total = retryDelaysMs('realistic').reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(3.5 * 3_600_000);
    expect(retryDelaysMs('fast').reduce((a, b) => a + b, 0)).toBeLessThan(10_000);
  });

  it('holds a notification for its drawn latency on the emulator clock, and retries a refused one a minute later', async () => {
    const watched = demoUserId(50);
    await subscribe([watched]);
    await c.control('POST', 'behaviour', { delivery: 'realistic' });
    hook.statuses.push(503);
    await c.control('POST', `users/${watched}/call/start`);
    await sleep(200);
    // Delivered at the latest a minute later on the emulator clock (nothing may have gone out yet).
    clockOffsetMs = (await c.control('POST', 'clock', { advanceMs: MAX_LATENCY_MS })).offsetMs;
    await hook.waitFor(() => hook.posts.length === 1);
    await sleep(200);
    expect(hook.posts).toHaveLength(1);
    clockOffsetMs = (await c.control('POST', 'clock', { advanceMs: 60_000 })).offsetMs;
    await hook.waitFor(() => hook.posts.length === 2);
    expect(hook.posts[1]!.body).toEqual(hook.posts[0]!.body);
    expect(hook.items()[0].resourceData.id).toBe(watched);
  });

  it('notifies on an out-of-office switch (the activity changes) but not on a message-only change', async () => {
    const watched = demoUserId(51);
    await subscribe([watched]);
    await c.control('POST', `users/${watched}/sign-in`);
    await hook.waitFor(() => hook.items().length === 1);
    await c.control('POST', `users/${watched}/out-of-office`, { isOutOfOffice: true, message: 'away' });
    await hook.waitFor(() => hook.items().length === 2);
    await c.control('POST', `users/${watched}/out-of-office`, { isOutOfOffice: true, message: 'back Monday' });
    await sleep(150);
    expect(hook.items()).toHaveLength(2);
  });
});
