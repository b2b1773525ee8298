import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/graph/webhook-receiver.js';
import { createHttpsTransport, type HttpsTransport } from '../../server/graph/https-transport.js';
import { createEncryptionCertificate } from '../../server/graph/notification-crypto.js';
import { NOTIFICATION_PUBLISHER_APP_ID, ValidationTokenVerifier, VerifierUnavailableError } from '../../server/graph/validation-token-verifier.js';
import { systemClock, type Clock } from '../../server/ports.js';

/**
 * Validation tokens of rich notifications, issued by the emulator in the documented v1 shape (and v2 on
 * request), verified by the connector against the keys the tenant's OpenID metadata points to.
 */
let emu: GraphEmulator;
let c: GraphEmulatorClient;
let receiver: WebhookReceiver;
let transport: HttpsTransport;
let account = 0;

const verifier = (overrides: { clientId?: string; clock?: Clock; fetchJson?: (url: string) => Promise<unknown> } = {}) =>
  new ValidationTokenVerifier({
    authorityHost: emu.url,
    tenantId: emu.tenantId,
    clientId: overrides.clientId ?? emu.clientId,
    clock: overrides.clock ?? systemClock,
    fetchJson:
      overrides.fetchJson ??
      (async (url) => {
        const reply = await transport.request(url, { method: 'GET' });
        if (reply.status !== 200) throw new Error(`${url}: ${reply.status}`);
        return JSON.parse(reply.body);
      }),
  });

/** A real token from a rich notification of the emulator. */
async function emulatorToken(): Promise<string> {
  const cert = await createEncryptionCertificate('cert-vt');
  const token = await c.delegatedToken(`agent${++account}@contoso.example`, DEMO_PASSWORD);
  const watched = demoUserId(10 + account);
  const created = await c.request('POST', '/v1.0/subscriptions', {
    token,
    body: {
      changeType: 'updated',
      notificationUrl: receiver.url,
      resource: `communications/presences/${watched}`,
      expirationDateTime: new Date(Date.now() + 30 * 60_000).toISOString(),
      clientState: 'vt',
      includeResourceData: true,
      encryptionCertificate: cert.certificateBase64,
      encryptionCertificateId: cert.id,
    },
  });
  expect(created.status).toBe(201);
  const subId = created.json().id as string;
  await c.control('POST', `users/${watched}/call/start`);
  await receiver.waitFor(() => receiver.posts.some((p) => p.body?.value?.some((i: { subscriptionId: string }) => i.subscriptionId === subId)));
  const post = receiver.posts.find((p) => p.body?.value?.some((i: { subscriptionId: string }) => i.subscriptionId === subId))!;
  return post.body.validationTokens[0] as string;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(80) });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
  receiver = await startWebhookReceiver();
  transport = createHttpsTransport({ caCertPem: emu.caCertPem });
});
afterAll(async () => {
  transport.close();
  c.close();
  await receiver.close();
  await emu.close();
});

describe('validation tokens', () => {
  it('accepts the documented v1 token (sts.windows.net issuer, appid = the publisher)', async () => {
    const jwt = await emulatorToken();
    expect(claimsOf(jwt)).toMatchObject({ ver: '1.0', appid: NOTIFICATION_PUBLISHER_APP_ID, iss: `https://sts.windows.net/${emu.tenantId}/` });
    expect(await verifier().verifyAll([jwt])).toEqual({ ok: true });
  });

  it('accepts the v2 shape (v2 issuer, azp = the publisher)', async () => {
    await c.control('POST', 'behaviour', { validationTokenVersion: 'v2' });
    try {
      const jwt = await emulatorToken();
      expect(claimsOf(jwt)).toMatchObject({ ver: '2.0', azp: NOTIFICATION_PUBLISHER_APP_ID, iss: `${emu.url}/${emu.tenantId}/v2.0` });
      expect(await verifier().verifyAll([jwt])).toEqual({ ok: true });
    } finally {
      await c.control('POST', 'behaviour', { validationTokenVersion: 'v1' });
    }
  });

  it('refuses a token for another app, an expired token, a missing token and a tampered signature', async () => {
    const jwt = await emulatorToken();
    expect((await verifier({ clientId: '11111111-2222-4333-8444-555555555555' }).verify(jwt)).ok).toBe(false);
    const later: Clock = { now: () => Date.now() + 2 * 3_600_000, setTimeout: systemClock.setTimeout };
    const expired = await verifier({ clock: later }).verify(jwt);
    expect(expired).toMatchObject({ ok: false, reason: expect.stringContaining('EXPIRED') });
    expect((await verifier().verifyAll([])).ok).toBe(false);
    const [h, p] = jwt.split('.');
    expect((await verifier().verify(`${h}.${p}.${Buffer.from('x'.repeat(256)).toString('base64url')}`)).ok).toBe(false);
    // One bad token among good ones spoils the batch.
    expect((await verifier().verifyAll([jwt, `${h}.${p}.AAAA`])).ok).toBe(false);
  });

  it('refuses a token signed by a key the tenant does not publish, and one not issued to the publisher', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'other' }).setIssuedAt().setExpirationTime('1h').setAudience(emu.clientId).setIssuer(`https://sts.windows.net/${emu.tenantId}/`).sign(privateKey);
    const foreign = await sign({ appid: NOTIFICATION_PUBLISHER_APP_ID });
    expect((await verifier().verify(foreign)).ok).toBe(false);
    // The same key published by a metadata document: now only the publisher claim decides.
    const jwk = { ...(await exportJWK(publicKey)), kid: 'other' };
    const own = verifier({
      fetchJson: async (url) =>
        url.endsWith('/keys') ? { keys: [jwk] } : { issuer: `https://sts.windows.net/${emu.tenantId}/`, jwks_uri: `${emu.url}/test/keys` },
    });
    expect(await own.verify(await sign({ appid: NOTIFICATION_PUBLISHER_APP_ID }))).toEqual({ ok: true });
    expect(await own.verify(await sign({ appid: '00000000-0000-4000-8000-000000000001' }))).toMatchObject({ ok: false, reason: expect.stringContaining('publisher') });
  });

  it('reports the keys as unavailable (so notifications wait) when the metadata cannot be read', async () => {
    const jwt = await emulatorToken();
    const down = verifier({ fetchJson: async () => Promise.reject(new Error('connection refused')) });
    await expect(down.verify(jwt)).rejects.toBeInstanceOf(VerifierUnavailableError);
  });
});
