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

describe('Webex CC emulator: auth and roles', () => {
  it('answers 401 without a token or with an unknown or forged one', async () => {
    expect((await api(emu.url, null, 'GET', `${org}/auxiliary-code`)).status).toBe(401);
    expect((await api(emu.url, 'nope', 'GET', `${org}/auxiliary-code`)).status).toBe(401);
    const agentId = emu.agents()[0].id;
    const forged = emu.agentToken(agentId).slice(0, -2) + 'xx';
    expect((await api(emu.url, forged, 'GET', '/v1/people/me')).status).toBe(401);
  });

  it('tells each token who it belongs to through /v1/people/me', async () => {
    const a = emu.agents()[2];
    const me = await api(emu.url, emu.agentToken(a.id), 'GET', '/v1/people/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: a.id, emails: [a.email], displayName: a.name, orgId: emu.orgId });
    const integ = await api(emu.url, emu.integrationToken, 'GET', '/v1/people/me');
    expect(integ.json.id).not.toBe(a.id);
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
  it('lists aux codes v1 as a bare array with the expected codes and flags', async () => {
    const res = await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    const byName = new Map<string, any>(res.json.map((c: any) => [c.name, c]));
    for (const name of ['Teams Call', 'Teams Meeting', 'Presenting', 'Do Not Disturb', 'Busy', 'Away', 'Be Right Back', 'Out Of Office', 'Offline', 'Break', 'Lunch', 'Training', 'Meeting']) {
      expect(byName.get(name)).toMatchObject({ workTypeCode: 'IDLE_CODE', active: true, isSystemCode: false, organizationId: emu.orgId });
    }
    expect(byName.get('Legacy Huddle')).toMatchObject({ active: false, workTypeCode: 'IDLE_CODE' });
    for (const name of ['RONA', 'Channel Failure', 'Invalid Number']) expect(byName.get(name)).toMatchObject({ isSystemCode: true });
    expect(res.json.filter((c: any) => c.workTypeCode === 'WRAP_UP_CODE')).toHaveLength(2);
    expect(res.json.filter((c: any) => c.workTypeCode === 'IDLE_CODE' && c.defaultCode)).toHaveLength(1);
    for (const c of res.json) expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const page = await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code?page=1&pageSize=5`);
    expect(page.json.map((c: any) => c.id)).toEqual(res.json.slice(5, 10).map((c: any) => c.id));
  });

  it('lists aux codes v2 in the paged envelope and reads one by id', async () => {
    const res = await api(emu.url, emu.agentToken(emu.agents()[0].id), 'GET', `${org}/v2/auxiliary-code?page=0&pageSize=10`);
    expect(res.status).toBe(200);
    expect(res.json.meta).toMatchObject({ orgid: emu.orgId, page: 0, pageSize: 10, totalRecords: 19, totalPages: 2 });
    expect(res.json.meta.links.next).toContain('page=1');
    expect(res.json.data).toHaveLength(10);
    const one = await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code/${res.json.data[3].id}`);
    expect(one.json).toEqual(res.json.data[3]);
    expect((await api(emu.url, emu.integrationToken, 'GET', `${org}/auxiliary-code/does-not-exist`)).status).toBe(404);
    expect((await api(emu.url, emu.integrationToken, 'GET', `${org}/v2/auxiliary-code?pageSize=1001`)).json.error.field).toBe('pageSize');
  });

  it('lists teams, users with teamIds, and the desktop profile with the Teams toggles', async () => {
    const teams = await api(emu.url, emu.supervisorToken, 'GET', `${org}/v2/team`);
    expect(teams.json.data.map((t: any) => t.name)).toEqual(['Billing', 'Tech Support']);
    const users = await api(emu.url, emu.integrationToken, 'GET', `${org}/v2/user?pageSize=5`);
    expect(users.json.meta).toMatchObject({ totalRecords: 8, totalPages: 2 });
    expect(users.json.data[0]).toMatchObject({ id: emu.agents()[0].id, firstName: 'Alex', lastName: 'Agent 1', email: 'agent1@contoso.example', teamIds: [teams.json.data[0].id], active: true });
    const profile = await api(emu.url, emu.integrationToken, 'GET', `${org}/agent-profile/${users.json.data[0].agentProfileId}`);
    expect(profile.json).toMatchObject({ stateSynchronizationMS: true, showUserDetailsMS: true });
  });

  it('derives stable demo data from the index', () => {
    expect(demoAgents(3).map((a) => a.email)).toEqual(['agent1@contoso.example', 'agent2@contoso.example', 'agent3@contoso.example']);
    expect(demoAgents(2)[1].id).toBe(demoAgents(9)[1].id);
    expect(emu.agents().filter((a) => a.teamName === 'Billing')).toHaveLength(4);
  });
});

describe('Webex CC emulator: request validation', () => {
  const put = (body: unknown) => api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', body);

  it.each([
    [{ auxCodeId: '0', agentId: 'x' }, 'state'],
    [{ state: 'Busy', auxCodeId: '0' }, 'state'],
    [{ state: 'Idle' }, 'auxCodeId'],
    [{ state: 'Idle', auxCodeId: '0' }, 'auxCodeId'],
    [{ state: 'Available', auxCodeId: '0', lastStateChangeReason: 'x'.repeat(129) }, 'lastStateChangeReason'],
    [{ state: 'Available', auxCodeId: '0' }, 'agentId'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await put(body);
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe(field);
    expect(res.json.error.message[0].description).toContain(field);
  });

  it('answers 404 for an unknown agent and 400 for a body that is not JSON', async () => {
    expect((await put({ state: 'Available', auxCodeId: '0', agentId: 'a6e17c0d-0000-4000-8000-ffffffffffff' })).status).toBe(404);
    const res = await fetch(`${emu.url}/v1/agents/session/state`, { method: 'PUT', headers: { authorization: `Bearer ${emu.integrationToken}` }, body: '{nope' });
    expect(res.status).toBe(400);
  });

  it('bounds the activities window to less than 24 hours', async () => {
    const now = Date.now();
    const bad = await api(emu.url, emu.integrationToken, 'GET', `/v1/agents/activities?from=${now - 25 * 3600_000}&to=${now}`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('to');
    expect((await api(emu.url, emu.integrationToken, 'GET', '/v1/agents/activities')).json.error.field).toBe('from');
  });
});
