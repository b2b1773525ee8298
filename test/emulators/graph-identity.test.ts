import https from 'node:https';
import { createPublicKey, createSign, randomUUID, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { generate } from 'selfsigned';
import { DEMO_PASSWORD, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';

let emu: GraphEmulator;
let c: GraphEmulatorClient;
const tokenPath = (): string => `/${emu.tenantId}/oauth2/v2.0/token`;
const graphScope = 'https://graph.microsoft.com/.default';

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(20) });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
});
afterAll(async () => {
  c.close();
  await emu.close();
});

/** msal-node network module that trusts the emulator's certificate (msal's default uses global fetch). */
function networkModule(ca: string): INetworkModule {
  const send = <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const req = https.request(url, { method, ca, headers: options?.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
          resolve({ headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T, status: res.statusCode ?? 0 });
        });
      });
      req.on('error', reject);
      req.end(options?.body);
    });
  return { sendGetRequestAsync: (url, options) => send('GET', url, options), sendPostRequestAsync: (url, options) => send('POST', url, options) };
}

describe('token endpoint', () => {
  it('issues an app token for client credentials with the AAD response shape', async () => {
    const reply = await c.request('POST', tokenPath(), { form: { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: graphScope } });
    expect(reply.status).toBe(200);
    const body = reply.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', appid: emu.clientId, tid: emu.tenantId, idtyp: 'app' });
    expect(claims.roles).toEqual(expect.arrayContaining(['Presence.Read.All', 'Presence.ReadWrite.All', 'User.Read.All']));
    const presence = await c.request('GET', `/v1.0/users/${emu.users()[0]!.id}/presence`, { token: body.access_token });
    expect(presence.status).toBe(200);
  });

  it.each([
    ['wrong secret', { client_secret: 'nope' }, 401, 'invalid_client', 7000215],
    ['unknown client', { client_id: randomUUID() }, 400, 'unauthorized_client', 700016],
    ['no credential', { client_secret: undefined }, 401, 'invalid_client', 7000218],
    ['non-default scope', { scope: 'https://graph.microsoft.com/User.Read.All' }, 400, 'invalid_scope', 1002012],
    ['unknown grant', { grant_type: 'device_code' }, 400, 'unsupported_grant_type', 70003],
  ] as const)('refuses %s with the AAD error body', async (_name, change, status, error, code) => {
    const form: Record<string, string> = { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: graphScope };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete form[k];
      else form[k] = v;
    }
    const reply = await c.request('POST', tokenPath(), { form });
    expect(reply.status).toBe(status);
    const body = reply.json();
    expect(body.error).toBe(error);
    expect(body.error_codes).toEqual([code]);
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(body).toHaveProperty('timestamp');
    expect(body).toHaveProperty('trace_id');
    expect(body).toHaveProperty('correlation_id');
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const reply = await c.request('POST', `/${randomUUID()}/oauth2/v2.0/token`, { form: { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: graphScope } });
    expect(reply.status).toBe(400);
    expect(reply.json().error_codes).toEqual([90002]);
  });

  it('issues delegated tokens for a password grant and rotates refresh tokens', async () => {
    const form = { grant_type: 'password', client_id: emu.clientId, client_secret: emu.clientSecret, username: 'agent1@contoso.example', password: DEMO_PASSWORD, scope: `${graphScope} offline_access` };
    const reply = await c.request('POST', tokenPath(), { form });
    expect(reply.status).toBe(200);
    const body = reply.json();
    expect(body.refresh_token).toBeTruthy();
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ idtyp: 'user', upn: 'agent1@contoso.example', scp: 'Presence.Read.All User.Read.All' });
    const me = await c.request('GET', '/v1.0/me/presence', { token: body.access_token });
    expect(me.status).toBe(200);
    expect(me.json().id).toBe(emu.users()[0]!.id);

    const refreshed = await c.request('POST', tokenPath(), { form: { grant_type: 'refresh_token', client_id: emu.clientId, client_secret: emu.clientSecret, refresh_token: body.refresh_token, scope: graphScope } });
    expect(refreshed.status).toBe(200);
    const reused = await c.request('POST', tokenPath(), { form: { grant_type: 'refresh_token', client_id: emu.clientId, client_secret: emu.clientSecret, refresh_token: body.refresh_token, scope: graphScope } });
    expect(reused.status).toBe(400);
    expect(reused.json().error).toBe('invalid_grant');

    const wrong = await c.request('POST', tokenPath(), { form: { ...form, password: 'wrong' } });
    expect(wrong.status).toBe(400);
    expect(wrong.json().error_codes).toEqual([50126]);
  });

  it('accepts a client assertion and verifies its signature once a certificate is registered', async () => {
    const pems = await generate([{ name: 'commonName', value: 'connector' }], { keySize: 2048, algorithm: 'sha256' });
    const other = await generate([{ name: 'commonName', value: 'intruder' }], { keySize: 2048, algorithm: 'sha256' });
    const assertion = (key: string): string => {
      const now = Math.floor(Date.now() / 1000);
      const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ aud: `${emu.url}${tokenPath()}`, iss: emu.clientId, sub: emu.clientId, jti: randomUUID(), nbf: now, exp: now + 600 })).toString('base64url');
      const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key, 'base64url');
      return `${head}.${body}.${sig}`;
    };
    const form = (key: string): Record<string, string> => ({
      grant_type: 'client_credentials',
      client_id: emu.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion(key),
      scope: graphScope,
    });
    expect((await c.request('POST', tokenPath(), { form: form(other.private) })).status).toBe(200);
    await c.control('POST', 'app/certificates', { certificate: pems.cert });
    expect((await c.request('POST', tokenPath(), { form: form(pems.private) })).status).toBe(200);
    const forged = await c.request('POST', tokenPath(), { form: form(other.private) });
    expect(forged.status).toBe(401);
    expect(forged.json().error_codes).toEqual([700027]);
  });

  it('serves OpenID metadata and a JWKS whose key verifies issued tokens', async () => {
    const config = (await c.request('GET', `/${emu.tenantId}/v2.0/.well-known/openid-configuration`)).json();
    expect(config.token_endpoint).toBe(`${emu.url}${tokenPath()}`);
    expect(config.issuer).toBe(`${emu.url}/${emu.tenantId}/v2.0`);
    const jwks = (await c.request('GET', new URL(config.jwks_uri).pathname)).json();
    const token = await c.appToken();
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s!, 'base64url'))).toBe(true);
  });

  it('works with the real msal-node client (knownAuthorities + OpenID discovery)', async () => {
    const host = new URL(emu.url).host;
    const cca = new ConfidentialClientApplication({
      auth: { clientId: emu.clientId, clientSecret: emu.clientSecret, authority: `${emu.url}/${emu.tenantId}`, knownAuthorities: [host] },
      system: { networkClient: networkModule(emu.caCertPem) },
    });
    const first = await cca.acquireTokenByClientCredential({ scopes: [graphScope] });
    expect(first?.accessToken).toBeTruthy();
    const second = await cca.acquireTokenByClientCredential({ scopes: [graphScope] });
    expect(second?.fromCache).toBe(true);
    const bad = new ConfidentialClientApplication({
      auth: { clientId: emu.clientId, clientSecret: 'wrong', authority: `${emu.url}/${emu.tenantId}`, knownAuthorities: [host] },
      system: { networkClient: networkModule(emu.caCertPem) },
    });
    await expect(bad.acquireTokenByClientCredential({ scopes: [graphScope] })).rejects.toMatchObject({ errorCode: 'invalid_client' });
  });
});

describe('Graph authentication and authorization', () => {
  it('answers 401 InvalidAuthenticationToken without, with a bad and with an expired token', async () => {
    const id = emu.users()[0]!.id;
    const none = await c.request('GET', `/v1.0/users/${id}/presence`);
    expect(none.status).toBe(401);
    expect(none.json().error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    expect(none.json().error.innerError).toHaveProperty('request-id');
    expect((await c.request('GET', `/v1.0/users/${id}/presence`, { token: 'garbage' })).status).toBe(401);
    const token = await c.appToken();
    await c.control('POST', 'clock', { advanceMs: 3600_000 });
    const expired = await c.request('GET', `/v1.0/users/${id}/presence`, { token });
    expect(expired.status).toBe(401);
    expect(expired.json().error.message).toMatch(/expired/);
    expect((await c.request('GET', `/v1.0/users/${id}/presence`, { token: await c.appToken() })).status).toBe(200);
  });

  it('answers 403 when admin consent for a permission is missing', async () => {
    const token = await c.appToken();
    const id = emu.users()[0]!.id;
    await c.control('POST', 'permissions', { roles: ['User.Read.All'] });
    try {
      const read = await c.request('GET', `/v1.0/users/${id}/presence`, { token });
      expect(read.status).toBe(403);
      expect(read.json().error.code).toBe('Forbidden');
      expect(read.json().error.message).toContain('Presence.Read.All');
      const write = await c.request('POST', `/v1.0/users/${id}/presence/setPresence`, { token, body: { sessionId: emu.clientId, availability: 'Available', activity: 'Available' } });
      expect(write.status).toBe(403);
      await c.control('POST', 'permissions', { roles: ['Presence.Read.All'] });
      expect((await c.request('GET', `/v1.0/users/${id}/presence`, { token })).status).toBe(200);
      const users = await c.request('GET', '/v1.0/users', { token });
      expect(users.status).toBe(403);
      expect(users.json().error.code).toBe('Authorization_RequestDenied');
    } finally {
      await c.control('DELETE', 'permissions');
    }
  });
});
