import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api, form } from './webex-socket-client.js';

let emu: WebexEmulator;
const LIFETIME_SEC = 60;
const hydraUuid = (id: string): string => /PEOPLE\/(.+)$/.exec(Buffer.from(id, 'base64').toString('utf8'))![1];

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, accessTokenLifetimeSec: LIFETIME_SEC });
});
afterAll(async () => {
  await emu.close();
});

const codeGrant = (code: string, client = emu.oauthClient) =>
  form(emu.identityUrl, '/v1/access_token', { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: 'https://connector.example/oauth' });

describe('Webex identity origin', () => {
  it('serves the People API on its own origin and the contact-center host answers 404 there', async () => {
    expect(new URL(emu.identityUrl).origin).not.toBe(new URL(emu.url).origin);
    const a = emu.agents()[2];
    const me = await api(emu.identityUrl, emu.agentToken(a.id), 'GET', '/v1/people/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ emails: [a.email], displayName: a.name, type: 'person' });
    expect(hydraUuid(me.json.id)).toBe(a.id);
    expect(Buffer.from(me.json.orgId, 'base64').toString()).toBe(`ciscospark://us/ORGANIZATION/${emu.orgId}`);
    expect((await api(emu.url, emu.agentToken(a.id), 'GET', '/v1/people/me')).status).toBe(404);
    expect((await form(emu.url, '/v1/access_token', { grant_type: 'refresh_token' })).status).toBe(404);
    expect((await api(emu.identityUrl, null, 'GET', '/v1/people/me')).status).toBe(401);
  });

  it('answers /v1/people/me on the contact-center host only with the peopleOnCcHost invention', async () => {
    const lax = await startWebexEmulator({ quiet: true, inventions: { peopleOnCcHost: true } });
    try {
      const me = await api(lax.url, lax.integrationToken, 'GET', '/v1/people/me');
      expect(me.status).toBe(200);
      expect(hydraUuid(me.json.id)).toBe(lax.staff().find((u) => u.role === 'admin')!.id);
    } finally {
      await lax.close();
    }
  });

  it('exchanges an authorization code once for an access token and a refresh token with the documented fields', async () => {
    const sup = emu.staff().find((u) => u.role === 'supervisor')!;
    const code = emu.authorizationCode(sup.id, 'cjp:user cjp:config_read cjp:config_write');
    const res = await codeGrant(code);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ expires_in: LIFETIME_SEC, token_type: 'Bearer', scope: 'cjp:user cjp:config_read' });
    expect(res.json.refresh_token_expires_in).toBe(90 * 24 * 3600);
    const me = await api(emu.identityUrl, res.json.access_token, 'GET', '/v1/people/me');
    expect(hydraUuid(me.json.id)).toBe(sup.id);
    const again = await codeGrant(code);
    expect(again.status).toBe(400);
    expect(again.json.message).toContain('authorization code');
    const wrongClient = await codeGrant(emu.authorizationCode(sup.id), { clientId: emu.oauthClient.clientId, clientSecret: 'wrong' });
    expect(wrongClient.status).toBe(401);
  });

  it('lets access tokens expire after their lifetime, and a refresh-token grant issues a working one', async () => {
    const admin = emu.staff().find((u) => u.role === 'admin')!;
    const first = await codeGrant(emu.authorizationCode(admin.id));
    const token = first.json.access_token as string;
    const pre = emu.agentToken(emu.agents()[0].id);
    expect((await api(emu.url, token, 'GET', `/organization/${emu.orgId}/v2/team`)).status).toBe(200);
    await api(emu.url, null, 'POST', '/_emulator/clock', { advanceMs: (LIFETIME_SEC + 1) * 1000 });
    const expired = await api(emu.url, token, 'GET', `/organization/${emu.orgId}/v2/team`);
    expect(expired.status).toBe(401);
    expect(expired.json.error.message[0].description).toContain('expired');
    expect((await api(emu.url, pre, 'GET', `/organization/${emu.orgId}/v2/auxiliary-code`)).status).toBe(401);
    const refreshed = await form(emu.identityUrl, '/v1/access_token', { grant_type: 'refresh_token', client_id: emu.oauthClient.clientId, client_secret: emu.oauthClient.clientSecret, refresh_token: first.json.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.access_token).not.toBe(token);
    expect((await api(emu.url, refreshed.json.access_token, 'GET', `/organization/${emu.orgId}/v2/team`)).status).toBe(200);
    const bad = await form(emu.identityUrl, '/v1/access_token', { grant_type: 'refresh_token', client_id: emu.oauthClient.clientId, client_secret: emu.oauthClient.clientSecret, refresh_token: 'nope' });
    expect(bad.status).toBe(400);
    const grant = await form(emu.identityUrl, '/v1/access_token', { grant_type: 'password', client_id: emu.oauthClient.clientId, client_secret: emu.oauthClient.clientSecret });
    expect(grant.json.errors[0].description).toContain('grant_type');
  });

  it('issues Service App tokens for the authorising org, refreshable like integration tokens, without People access', async () => {
    const app = emu.serviceApp;
    // Fresh tokens: the emulator clock was advanced past the pre-issued ones' lifetime above.
    const adminToken = emu.tokenFor(emu.staff().find((u) => u.role === 'admin')!.id);
    const supToken = emu.tokenFor(emu.staff().find((u) => u.role === 'supervisor')!.id);
    const body = { clientId: app.clientId, clientSecret: app.clientSecret, targetOrgId: emu.orgId };
    expect((await api(emu.identityUrl, null, 'POST', `/v1/applications/${app.applicationId}/token`, body)).status).toBe(401);
    expect((await api(emu.identityUrl, supToken, 'POST', `/v1/applications/${app.applicationId}/token`, body)).status).toBe(403);
    const res = await api(emu.identityUrl, adminToken, 'POST', `/v1/applications/${app.applicationId}/token`, body);
    expect(res.status).toBe(200);
    expect(res.json.scope.split(' ').sort()).toEqual(['cjp:config_read', 'cjp:config_write', 'cjp:user']);
    expect((await api(emu.url, res.json.access_token, 'GET', `/organization/${emu.orgId}/v2/team`)).status).toBe(200);
    const state = await api(emu.url, res.json.access_token, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', agentId: emu.agents()[0].id });
    expect(state.status).toBe(403);
    expect((await api(emu.identityUrl, res.json.access_token, 'GET', '/v1/people/me')).status).toBe(404);
    const other = await api(emu.identityUrl, adminToken, 'POST', `/v1/applications/${app.applicationId}/token`, { ...body, targetOrgId: 'another-org' });
    expect(other.status).toBe(403);
    const refreshed = await form(emu.identityUrl, '/v1/access_token', { grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret, refresh_token: res.json.refresh_token });
    expect(refreshed.status).toBe(200);
  });
});
