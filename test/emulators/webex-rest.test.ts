import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgents, startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api } from './webex-socket-client.js';

let emu: WebexEmulator;
let org: string;

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true });
  org = `/organization/${emu.orgId}`;
});
afterAll(async () => {
  await emu.close();
});

describe('Webex CC emulator: tokens, roles and scopes', () => {
  it('answers 401 without a token or with an unknown or forged one', async () => {
    expect((await api(emu.url, null, 'GET', `${org}/auxiliary-code`)).status).toBe(401);
    expect((await api(emu.url, 'nope', 'GET', `${org}/auxiliary-code`)).status).toBe(401);
    const forged = emu.agentToken(emu.agents()[0].id).slice(0, -2) + 'xx';
    expect((await api(emu.url, forged, 'GET', `${org}/auxiliary-code`)).status).toBe(401);
  });

  it('checks the scope of every route: cjp:config_read for config, cjp:user for agent APIs, cjp:config_write for subscriptions', async () => {
    const admin = emu.staff().find((u) => u.role === 'admin')!;
    const code = emu.authorizationCode(admin.id, 'cjp:config_read');
    const token = (await fetch(`${emu.identityUrl}/v1/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: emu.oauthClient.clientId, client_secret: emu.oauthClient.clientSecret, code, redirect_uri: 'https://app.example/cb' }).toString(),
    }).then((r) => r.json())) as { access_token: string; scope: string };
    expect(token.scope).toBe('cjp:config_read');
    expect((await api(emu.url, token.access_token, 'GET', `${org}/v2/team`)).status).toBe(200);
    const sub = await api(emu.url, token.access_token, 'POST', '/v1/notification/subscribe', {});
    expect(sub.status).toBe(403);
    expect(sub.json.error.message[0].description).toContain('cjp:user');
    const hook = await api(emu.url, token.access_token, 'POST', '/v1/subscriptions', {});
    expect(hook.json.error.message[0].description).toContain('cjp:config_write');
    const state = await api(emu.url, token.access_token, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0' });
    expect(state.json.error.message[0].description).toContain('cjp:user');
  });

  it('forbids agents from reading users, teams, activities and webhooks, and from acting on other agents', async () => {
    const [a, b] = emu.agents();
    const t = emu.agentToken(a.id);
    expect((await api(emu.url, t, 'GET', `${org}/v2/user`)).status).toBe(403);
    expect((await api(emu.url, t, 'GET', `${org}/v2/team`)).status).toBe(403);
    expect((await api(emu.url, t, 'GET', `/v1/agents/activities?from=${Date.now() - 1000}`)).status).toBe(403);
    expect((await api(emu.url, t, 'POST', '/v1/subscriptions', {})).status).toBe(403);
    expect((await api(emu.url, emu.supervisorToken, 'POST', '/v1/subscriptions', {})).status).toBe(403);
    const other = await api(emu.url, t, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', agentId: b.id });
    expect(other.status).toBe(403);
    expect(other.json.error.field).toBe('agentId');
  });

  it('rejects a path for another org', async () => {
    const res = await api(emu.url, emu.integrationToken, 'GET', '/organization/00000000-0000-4000-8000-000000000000/auxiliary-code');
    expect(res.status).toBe(403);
  });
});

describe('Webex CC emulator: configuration API', () => {
  it('lists aux codes v1 as a bare array, with the system idle codes under their real names', async () => {
    const res = await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    const byName = new Map<string, any>(res.json.map((c: any) => [c.name, c]));
    for (const name of ['Teams Call', 'Teams Meeting', 'Presenting', 'Do Not Disturb', 'Busy', 'Away', 'Be Right Back', 'Out Of Office', 'Offline', 'Break', 'Lunch', 'Training', 'Meeting']) {
      expect(byName.get(name)).toMatchObject({ workTypeCode: 'IDLE_CODE', active: true, isSystemCode: false, organizationId: emu.orgId });
    }
    expect(byName.get('Legacy Huddle')).toMatchObject({ active: false, workTypeCode: 'IDLE_CODE' });
    for (const name of ['RONA', 'Agent_Busy', 'Agent_Declined', 'Agent_Unavailable', 'Invalid_Number', 'Channel_Failure']) {
      expect(byName.get(name)).toMatchObject({ isSystemCode: true, workTypeCode: 'IDLE_CODE' });
    }
    expect(byName.has('Channel Failure')).toBe(false);
    expect(res.json.filter((c: any) => c.workTypeCode === 'WRAP_UP_CODE')).toHaveLength(2);
    expect(res.json.filter((c: any) => c.workTypeCode === 'IDLE_CODE' && c.defaultCode)).toHaveLength(1);
    const page = await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code?page=1&pageSize=5`);
    expect(page.json.map((c: any) => c.id)).toEqual(res.json.slice(5, 10).map((c: any) => c.id));
  });

  it('lists aux codes v2 in the paged envelope and reads one by id', async () => {
    const res = await api(emu.url, emu.agentToken(emu.agents()[0].id), 'GET', `${org}/v2/auxiliary-code?page=0&pageSize=10`);
    expect(res.status).toBe(200);
    expect(res.json.meta).toMatchObject({ orgid: emu.orgId, page: 0, pageSize: 10, totalRecords: 22, totalPages: 3 });
    expect(res.json.meta.links.next).toContain('page=1');
    const one = await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code/${res.json.data[3].id}`);
    expect(one.json).toEqual(res.json.data[3]);
    expect((await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code/does-not-exist`)).status).toBe(404);
    expect((await api(emu.url, emu.integrationToken, 'GET', `${org}/v2/auxiliary-code?pageSize=1001`)).json.error.field).toBe('pageSize');
  });

  it('applies the SDK’s id filter and attribute list to v2 aux codes', async () => {
    const all = (await api(emu.url, emu.integrationToken, 'GET', `${org}/v2/auxiliary-code?pageSize=100`)).json.data;
    const [x, y] = [all[1].id, all[4].id];
    const res = await api(emu.url, emu.integrationToken, 'GET', `${org}/v2/auxiliary-code?page=0&pageSize=100&filter=id=in=(${x},${y})&attributes=id,name,isSystemCode`);
    expect(res.json.data).toEqual([{ id: x, name: all[1].name, isSystemCode: false }, { id: y, name: all[4].name, isSystemCode: false }]);
    expect(res.json.meta.totalRecords).toBe(2);
    expect((await api(emu.url, emu.integrationToken, 'GET', `${org}/v2/auxiliary-code?filter=name==x`)).json.error.field).toBe('filter');
  });

  it('gives each user a contact-center id different from its ciUserId, which is the agent id of the agent APIs', async () => {
    const teams = await api(emu.url, emu.supervisorToken, 'GET', `${org}/v2/team`);
    expect(teams.json.data.map((t: any) => t.name)).toEqual(['Billing', 'Tech Support']);
    const users = await api(emu.url, emu.integrationToken, 'GET', `${org}/v2/user?pageSize=5`);
    expect(users.json.meta).toMatchObject({ totalRecords: 8, totalPages: 2 });
    const first = users.json.data[0];
    expect(first).toMatchObject({ ciUserId: emu.agents()[0].id, firstName: 'Alex', lastName: 'Agent 1', email: 'agent1@contoso.example', teamIds: [teams.json.data[0].id], active: true });
    expect(first.id).not.toBe(first.ciUserId);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    const byCcId = await api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', agentId: first.id });
    expect(byCcId.status).toBe(403);
    const profile = await api(emu.url, emu.integrationToken, 'GET', `${org}/agent-profile/${first.agentProfileId}`);
    expect(profile.json).toMatchObject({ stateSynchronizationMS: true, showUserDetailsMS: true });
  });

  it('derives stable demo data from the index', () => {
    expect(demoAgents(3).map((a) => a.email)).toEqual(['agent1@contoso.example', 'agent2@contoso.example', 'agent3@contoso.example']);
    expect(demoAgents(2)[1].id).toBe(demoAgents(9)[1].id);
    expect(emu.agents().filter((a) => a.teamName === 'Billing')).toHaveLength(4);
  });
});

describe('Webex CC emulator: request validation', () => {
  const agent = () => emu.agents()[1];
  const put = (body: Record<string, unknown>) => api(emu.url, emu.agentToken(agent().id), 'PUT', '/v1/agents/session/state', body);

  it.each([
    [{ auxCodeId: '0' }, 'state'],
    [{ state: 'Busy', auxCodeId: '0' }, 'state'],
    [{ state: 'Idle' }, 'auxCodeId'],
    [{ state: 'Idle', auxCodeId: '0' }, 'auxCodeId'],
    [{ state: 'Available', auxCodeId: '0', lastStateChangeReason: 'x'.repeat(129) }, 'lastStateChangeReason'],
    [{ state: 'Available', auxCodeId: '0', agentId: 'x'.repeat(37) }, 'agentId'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await put(body);
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe(field);
    expect(res.json.error.message[0].description).toContain(field);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await fetch(`${emu.url}/v1/agents/session/state`, { method: 'PUT', headers: { authorization: `Bearer ${emu.agentToken(agent().id)}` }, body: '{nope' });
    expect(res.status).toBe(400);
  });
});
