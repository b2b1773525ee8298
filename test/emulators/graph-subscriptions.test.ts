import { constants, createDecipheriv, createHmac, createPublicKey, privateDecrypt, timingSafeEqual, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'selfsigned';
import { DEMO_PASSWORD, demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/graph/webhook-receiver.js';

const items = (r: WebhookReceiver): any[] => r.items();
const waitFor = (cond: () => boolean, ms?: number): Promise<void> => receiver.waitFor(cond, ms);

let emu: GraphEmulator;
let c: GraphEmulatorClient;
let receiver: WebhookReceiver;
let subscriberKey: { private: string; cert: string };
let nextAgent = 0;
/** Each test subscribes as another user: Graph allows one presence subscription per user and app. */
const nextAccount = (): string => `agent${++nextAgent}@contoso.example`;
/** The emulator clock runs ahead by this much once a test advanced it; expiry times are on its clock. */
let clockOffsetMs = 0;
const inMinutes = (m: number): string => new Date(Date.now() + clockOffsetMs + m * 60_000).toISOString();
const advance = async (ms: number): Promise<void> => {
  clockOffsetMs = (await c.control('POST', 'clock', { advanceMs: ms })).offsetMs;
};
const ids = (...idx: number[]): string[] => idx.map((i) => demoUserId(i));
const bulkResource = (list: string[]): string => `communications/presences?$filter=id in (${list.map((i) => `'${i}'`).join(',')})`;

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(800) });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
  receiver = await startWebhookReceiver();
  subscriberKey = await generate([{ name: 'commonName', value: 'connector notifications' }], { keySize: 2048, algorithm: 'sha256' });
});
afterAll(async () => {
  c.close();
  await receiver.close();
  await emu.close();
});

async function subscribe(token: string, body: Record<string, unknown>) {
  return c.request('POST', '/v1.0/subscriptions', { token, body: { changeType: 'updated', notificationUrl: receiver.url, clientState: 'secret-state', expirationDateTime: inMinutes(60), ...body } });
}

describe('creating presence subscriptions', () => {
  it('validates the webhook, answers 201 and delivers basic notifications for watched users only', async () => {
    const token = await c.delegatedToken(nextAccount(), DEMO_PASSWORD);
    const before = receiver.validations;
    const watched = ids(20, 21);
    const reply = await subscribe(token, { resource: bulkResource(watched) });
    expect(reply.status).toBe(201);
    const sub = reply.json();
    expect(sub).toMatchObject({ changeType: 'updated', clientState: 'secret-state', notificationUrl: receiver.url, applicationId: emu.clientId, includeResourceData: false });
    expect(receiver.validations).toBe(before + 1);

    const start = receiver.posts.length;
    await c.control('POST', `users/${watched[0]}/call/start`);
    await c.control('POST', `users/${demoUserId(22)}/call/start`);
    await waitFor(() => items(receiver).some((i) => i.subscriptionId === sub.id));
    const mine = receiver.posts.slice(start).flatMap((p) => p.body.value).filter((i: any) => i.subscriptionId === sub.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      changeType: 'updated',
      clientState: 'secret-state',
      tenantId: emu.tenantId,
      resource: `communications/presences/${watched[0]}`,
      resourceData: { '@odata.id': `users/${watched[0]}/presence`, '@odata.type': '#microsoft.graph.presence', id: watched[0] },
    });
    expect(mine[0].encryptedContent).toBeUndefined();

    const list = (await c.request('GET', '/v1.0/subscriptions', { token })).json().value;
    expect(list.map((s: { id: string }) => s.id)).toEqual([sub.id]);
    expect((await c.request('DELETE', `/v1.0/subscriptions/${sub.id}`, { token })).status).toBe(204);
    expect((await c.request('GET', `/v1.0/subscriptions/${sub.id}`, { token })).status).toBe(404);
  });

  it('refuses app-only tokens with 403', async () => {
    const reply = await subscribe(await c.appToken(), { resource: `communications/presences/${demoUserId(1)}` });
    expect(reply.status).toBe(403);
    expect(reply.json().error.message).toMatch(/delegated/);
  });

  it.each([
    ['651 ids', { resource: bulkResource(Array.from({ length: 651 }, (_, i) => demoUserId(i))) }],
    ['expiry over 60 minutes', { resource: `communications/presences/${demoUserId(1)}`, expirationDateTime: inMinutes(61) }],
    ['expiry in the past', { resource: `communications/presences/${demoUserId(1)}`, expirationDateTime: inMinutes(-1) }],
    ['a clientState over 128 characters', { resource: `communications/presences/${demoUserId(1)}`, clientState: 'x'.repeat(129) }],
    ['a changeType other than updated', { resource: `communications/presences/${demoUserId(1)}`, changeType: 'created' }],
    ['another resource', { resource: 'users' }],
    ['a non-https public URL', { resource: `communications/presences/${demoUserId(1)}`, notificationUrl: 'http://example.com/hook' }],
    ['rich data without a certificate', { resource: `communications/presences/${demoUserId(1)}`, includeResourceData: true }],
  ])('answers 400 for %s', async (_name, body) => {
    const token = await c.delegatedToken('presence-svc2@contoso.example', DEMO_PASSWORD);
    expect((await subscribe(token, body)).status).toBe(400);
  });

  it('answers 400 when the handshake is not echoed', async () => {
    const bad = await startWebhookReceiver();
    bad.validationReply = { status: 200, body: 'wrong' };
    try {
      const token = await c.delegatedToken(nextAccount(), DEMO_PASSWORD);
      const reply = await subscribe(token, { resource: `communications/presences/${demoUserId(1)}`, notificationUrl: bad.url });
      expect(reply.status).toBe(400);
      expect(reply.json().error.code).toBe('ValidationError');
    } finally {
      await bad.close();
    }
  });

  it('accepts 650 ids and answers 409 for any second presence subscription of one user and app', async () => {
    const token = await c.delegatedToken(nextAccount(), DEMO_PASSWORD);
    const six50 = Array.from({ length: 650 }, (_, i) => demoUserId(i + 100));
    const first = await subscribe(token, { resource: bulkResource(six50) });
    expect(first.status).toBe(201);
    for (const resource of [bulkResource([...six50].reverse()), `communications/presences/${demoUserId(1)}`]) {
      const second = await subscribe(token, { resource });
      expect(second.status).toBe(409);
      expect(second.json().error).toMatchObject({ code: 'ExtensionError', message: expect.stringContaining('A subscripton already exists. It must be deleted before a another can be made') });
    }
    // Once the first is deleted, another can be made.
    expect((await c.request('DELETE', `/v1.0/subscriptions/${first.json().id}`, { token })).status).toBe(204);
    expect((await subscribe(token, { resource: `communications/presences/${demoUserId(1)}` })).status).toBe(201);
  });

  it('fails the whole create with 500 when a listed user is deleted or unknown, and creates without it', async () => {
    const token = await c.delegatedToken(nextAccount(), DEMO_PASSWORD);
    const group = ids(700, 701, 702);
    await c.control('DELETE', `users/${group[1]}`);
    const refused = await subscribe(token, { resource: bulkResource(group) });
    expect(refused.status).toBe(500);
    expect(refused.json().error.code).toBe('ExtensionError');
    const unknown = await subscribe(token, { resource: bulkResource([group[0]!, '00000000-0000-4000-8000-00000000abcd']) });
    expect(unknown.status).toBe(500);
    expect((await subscribe(token, { resource: bulkResource([group[0]!, group[2]!]) })).status).toBe(201);
  });

  it('validates an https webhook and the lifecycle URL too', async () => {
    const tls = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048, algorithm: 'sha256' });
    const secure = await startWebhookReceiver({ key: tls.private, cert: tls.cert });
    try {
      const token = await c.delegatedToken(nextAccount(), DEMO_PASSWORD);
      const reply = await subscribe(token, { resource: `communications/presences/${demoUserId(30)}`, notificationUrl: secure.url, lifecycleNotificationUrl: secure.url });
      expect(reply.status).toBe(201);
      expect(secure.validations).toBe(2);
    } finally {
      await secure.close();
    }
  });
});

describe('rich notifications', () => {
  it('encrypts presence with the subscriber certificate, signs it, and carries a verifiable validation token', async () => {
    const token = await c.delegatedToken(nextAccount(), DEMO_PASSWORD);
    const watched = demoUserId(40);
    const certBase64 = subscriberKey.cert.replace(/-----[^-]+-----|\s/g, '');
    const reply = await subscribe(token, { resource: `communications/presences/${watched}`, includeResourceData: true, encryptionCertificate: certBase64, encryptionCertificateId: 'cert-1' });
    expect(reply.status).toBe(201);
    const subId = reply.json().id;
    await c.control('POST', `users/${watched}/presenting/start`);
    await waitFor(() => items(receiver).some((i) => i.subscriptionId === subId));
    const post = receiver.posts.find((p) => p.body.value.some((i: any) => i.subscriptionId === subId))!;
    const item = post.body.value.find((i: any) => i.subscriptionId === subId);
    const enc = item.encryptedContent;
    expect(enc.encryptionCertificateId).toBe('cert-1');

    const key = privateDecrypt({ key: subscriberKey.private, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(enc.dataKey, 'base64'));
    expect(key).toHaveLength(32);
    const data = Buffer.from(enc.data, 'base64');
    const expected = createHmac('sha256', key).update(data).digest();
    expect(timingSafeEqual(expected, Buffer.from(enc.dataSignature, 'base64'))).toBe(true);
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    const plain = JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'));
    expect(plain).toEqual({ '@odata.id': `users/${watched}/presence`, '@odata.type': '#microsoft.graph.presence', id: watched, availability: 'DoNotDisturb', activity: 'Presenting' });

    const [jwt] = post.body.validationTokens;
    const [h, p, s] = jwt.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    // The documented v1 shape: sts.windows.net issuer and the publisher in `appid`.
    expect(claims).toMatchObject({ aud: emu.clientId, appid: '0bf30f3b-4a52-48df-9a82-234910c4a086', iss: `https://sts.windows.net/${emu.tenantId}/`, ver: '1.0' });
    expect(claims.azp).toBeUndefined();
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    const metadata = (await c.request('GET', `/${emu.tenantId}/.well-known/openid-configuration`)).json();
    expect(metadata.issuer).toBe(claims.iss);
    const jwks = (await c.request('GET', new URL(metadata.jwks_uri).pathname)).json();
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('refuses a certificate that is not an RSA X.509 certificate', async () => {
    const token = await c.delegatedToken('presence-svc2@contoso.example', DEMO_PASSWORD);
    const reply = await subscribe(token, { resource: `communications/presences/${demoUserId(41)}`, includeResourceData: true, encryptionCertificate: 'bm90IGEgY2VydA==', encryptionCertificateId: 'x' });
    expect(reply.status).toBe(400);
  });
});

describe('lifecycle', () => {
  it('renews by PATCH, sends reauthorizationRequired on demand and before lapse, and expires', async () => {
    const account = nextAccount();
    let token = await c.delegatedToken(account, DEMO_PASSWORD);
    const lifecycle = await startWebhookReceiver();
    try {
      const watched = demoUserId(50);
      const created = (await subscribe(token, { resource: `communications/presences/${watched}`, lifecycleNotificationUrl: lifecycle.url, expirationDateTime: inMinutes(30) })).json();
      const renewed = await c.request('PATCH', `/v1.0/subscriptions/${created.id}`, { token, body: { expirationDateTime: inMinutes(59) } });
      expect(renewed.status).toBe(200);
      expect(Date.parse(renewed.json().expirationDateTime)).toBeGreaterThan(Date.parse(created.expirationDateTime));
      expect((await c.request('PATCH', `/v1.0/subscriptions/${created.id}`, { token, body: { expirationDateTime: inMinutes(90) } })).status).toBe(400);

      await c.control('POST', `subscriptions/${created.id}/reauthorize-required`);
      await waitFor(() => lifecycle.posts.length === 1);
      expect(lifecycle.posts[0]!.body.value[0]).toMatchObject({ subscriptionId: created.id, lifecycleEvent: 'reauthorizationRequired', clientState: 'secret-state', tenantId: emu.tenantId });

      await advance(55 * 60_000);
      await waitFor(() => lifecycle.posts.length === 2);
      expect(lifecycle.posts[1]!.body.value[0].lifecycleEvent).toBe('reauthorizationRequired');

      await advance(5 * 60_000);
      token = await c.delegatedToken(account, DEMO_PASSWORD);
      expect((await c.request('GET', `/v1.0/subscriptions/${created.id}`, { token })).status).toBe(404);
      const before = items(receiver).filter((i) => i.subscriptionId === created.id).length;
      await c.control('POST', `users/${watched}/call/start`);
      await new Promise((r) => setTimeout(r, 100));
      expect(items(receiver).filter((i) => i.subscriptionId === created.id)).toHaveLength(before);
    } finally {
      await lifecycle.close();
    }
  });

  it('expires a subscription on demand through the control surface', async () => {
    const token = await c.delegatedToken(nextAccount(), DEMO_PASSWORD);
    const sub = (await subscribe(token, { resource: `communications/presences/${demoUserId(51)}` })).json();
    await c.control('POST', `subscriptions/${sub.id}/expire`);
    expect((await c.request('GET', `/v1.0/subscriptions/${sub.id}`, { token })).status).toBe(404);
  });
});
