import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';

let emu: GraphEmulator;
let c: GraphEmulatorClient;
let token: string;
const eventual = { ConsistencyLevel: 'eventual' };

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(250) });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
  token = await c.appToken();
});
afterAll(async () => {
  c.close();
  await emu.close();
});

const get = (path: string, headers?: Record<string, string>) => c.request('GET', path, { token, headers });
const q = (s: string): string => encodeURIComponent(s);

describe('demo users', () => {
  it('are deterministic, start with the eight sandbox agents and include irregular phones and mails', () => {
    const a = demoUsers(300);
    expect(demoUsers(300)).toEqual(a);
    expect(a.slice(0, 8).map((u) => u.userPrincipalName)).toEqual(Array.from({ length: 8 }, (_, i) => `agent${i + 1}@contoso.example`));
    expect(a[0]).toMatchObject({ displayName: 'Alex Agent 1', mail: 'agent1@contoso.example', businessPhones: ['+14255550100'] });
    const colleagues = a.slice(10);
    expect(new Set(colleagues.map((u) => u.department)).size).toBeGreaterThanOrEqual(6);
    expect(colleagues.some((u) => u.businessPhones!.length === 0)).toBe(true);
    expect(colleagues.some((u) => u.businessPhones!.some((p) => p.startsWith('x')))).toBe(true);
    expect(colleagues.some((u) => u.mail === undefined)).toBe(true);
    expect(colleagues.some((u) => u.mail && u.mail !== u.userPrincipalName)).toBe(true);
    expect(a[123]!.id).toBe(demoUserId(123));
  });

  it('scale to 50,000 with unique ids and principal names', () => {
    const many = demoUsers(50_000);
    expect(new Set(many.map((u) => u.id)).size).toBe(50_000);
    expect(new Set(many.map((u) => u.userPrincipalName)).size).toBe(50_000);
    expect(many.every((u) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/.test(u.id!))).toBe(true);
  });
});

describe('GET /v1.0/users', () => {
  it('pages with $top and an absolute @odata.nextLink until every user was seen', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/v1.0/users?$top=100&$select=id,displayName';
    let pages = 0;
    while (url) {
      const reply = await get(url);
      expect(reply.status).toBe(200);
      const body = reply.json();
      seen.push(...body.value.map((u: { id: string }) => u.id));
      url = body['@odata.nextLink'];
      if (url) expect(url.startsWith(`${emu.url}/v1.0/users?`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
  });

  it('returns the default property set without department unless selected', async () => {
    const plain = (await get('/v1.0/users?$top=1')).json().value[0];
    expect(Object.keys(plain)).toEqual(expect.arrayContaining(['id', 'displayName', 'mail', 'userPrincipalName', 'businessPhones', 'jobTitle']));
    expect(plain).not.toHaveProperty('department');
    const selected = (await get('/v1.0/users?$top=1&$select=id,department')).json().value[0];
    expect(Object.keys(selected).sort()).toEqual(['department', 'id']);
    expect((await get('/v1.0/users?$select=favouriteColour')).status).toBe(400);
  });

  it.each([0, 1000, 'abc'])('refuses $top=%s', async (top) => {
    const reply = await get(`/v1.0/users?$top=${top}`);
    expect(reply.status).toBe(400);
  });

  it.each([
    [`mail eq 'agent3@contoso.example'`, ['agent3@contoso.example']],
    [`userPrincipalName eq 'AGENT4@contoso.example'`, ['agent4@contoso.example']],
    [`mail in ('agent1@contoso.example','agent2@contoso.example','nobody@contoso.example')`, ['agent1@contoso.example', 'agent2@contoso.example']],
    [`mail eq 'agent5@contoso.example' or userPrincipalName eq 'agent6@contoso.example'`, ['agent5@contoso.example', 'agent6@contoso.example']],
    [`startswith(displayName,'Alex Agent')`, ['agent1@contoso.example']],
    [`startswith(userPrincipalName,'agent') and department eq 'Contact Center'`, Array.from({ length: 8 }, (_, i) => `agent${i + 1}@contoso.example`)],
  ])('$filter=%s', async (filter, upns) => {
    const reply = await get(`/v1.0/users?$filter=${q(filter)}&$select=userPrincipalName`);
    expect(reply.status).toBe(200);
    expect(reply.json().value.map((u: { userPrincipalName: string }) => u.userPrincipalName).sort()).toEqual([...upns].sort());
  });

  it('refuses more than 15 or/in values and malformed filters', async () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => `'u${i}@contoso.example'`).join(',');
    const tooMany = await get(`/v1.0/users?$filter=${q(`mail in (${sixteen})`)}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json().error.code).toBe('Request_UnsupportedQuery');
    expect((await get(`/v1.0/users?$filter=${q("mail eq 'unterminated")}`)).status).toBe(400);
    expect((await get(`/v1.0/users?$filter=${q("shoeSize eq '42'")}`)).status).toBe(400);
  });

  it('supports $search only with ConsistencyLevel: eventual, with $count', async () => {
    const search = q('"displayName:alex" OR "department:legal"');
    const refused = await get(`/v1.0/users?$search=${search}`);
    expect(refused.status).toBe(400);
    expect(refused.json().error.code).toBe('Request_UnsupportedQuery');
    const reply = await get(`/v1.0/users?$search=${search}&$count=true&$select=displayName,department&$top=999`, eventual);
    expect(reply.status).toBe(200);
    const body = reply.json();
    expect(body['@odata.count']).toBe(body.value.length);
    expect(body.value.length).toBeGreaterThan(5);
    for (const u of body.value) expect(/(^| )alex/i.test(u.displayName) || u.department === 'Legal').toBe(true);
    const both = (await get(`/v1.0/users?$search=${q('"department:tech" AND "jobTitle:support"')}&$select=department,jobTitle`, eventual)).json().value;
    expect(both.length).toBeGreaterThan(0);
    for (const u of both) expect(u).toMatchObject({ department: 'Tech Support', jobTitle: 'Support Engineer' });
    expect((await get('/v1.0/users?$count=true')).status).toBe(400);
    expect((await get(`/v1.0/users?$search=${q('displayName:alex')}`, eventual)).status).toBe(400);
  });
});

describe('GET /v1.0/users/{id | upn}', () => {
  it('resolves by object id and by UPN, 404 otherwise', async () => {
    const byId = await get(`/v1.0/users/${demoUserId(2)}`);
    expect(byId.json()).toMatchObject({ userPrincipalName: 'agent3@contoso.example' });
    const byUpn = await get('/v1.0/users/agent3@contoso.example?$select=id,department');
    expect(byUpn.json()).toMatchObject({ id: demoUserId(2), department: 'Contact Center' });
    const missing = await get('/v1.0/users/nobody@contoso.example');
    expect(missing.status).toBe(404);
    expect(missing.json().error.code).toBe('Request_ResourceNotFound');
  });

  it('answers /me only for delegated tokens', async () => {
    expect((await get('/v1.0/me')).status).toBe(400);
    const delegated = await c.delegatedToken('presence-svc1@contoso.example', 'Passw0rd!');
    const me = await c.request('GET', '/v1.0/me', { token: delegated });
    expect(me.json().userPrincipalName).toBe('presence-svc1@contoso.example');
  });

  it('adds users through the control surface', async () => {
    const added = await c.control('POST', 'users', { users: [{ displayName: 'Zed Added', userPrincipalName: 'zed@contoso.example', department: 'Legal', businessPhones: ['+14255559999'] }] });
    const id = added.value[0].id;
    expect((await get(`/v1.0/users/${id}`)).json().displayName).toBe('Zed Added');
    expect((await get(`/v1.0/users/${id}/presence`)).json().availability).toBe('Offline');
  });
});

describe('$batch', () => {
  it('runs up to 20 steps and refuses 21', async () => {
    const requests = [
      { id: '1', method: 'GET', url: `/users/${demoUserId(0)}/presence` },
      { id: '2', method: 'GET', url: '/users/agent2@contoso.example?$select=id' },
      { id: '3', method: 'POST', url: '/communications/getPresencesByUserId', body: { ids: [demoUserId(1)] }, headers: { 'content-type': 'application/json' } },
      { id: '4', method: 'GET', url: '/users/nobody@contoso.example' },
    ];
    const reply = await c.request('POST', '/v1.0/$batch', { token, body: { requests } });
    expect(reply.status).toBe(200);
    const byId = Object.fromEntries(reply.json().responses.map((r: { id: string; status: number; body: unknown }) => [r.id, r]));
    expect(byId['1'].status).toBe(200);
    expect(byId['2'].body.id).toBe(demoUserId(1));
    expect(byId['3'].body.value).toHaveLength(1);
    expect(byId['4'].status).toBe(404);
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/me' }));
    expect((await c.request('POST', '/v1.0/$batch', { token, body: { requests: tooMany } })).status).toBe(400);
  });
});

describe('deleted users and directoryObjects/getByIds', () => {
  it('answers only the users that exist; a deleted one disappears from lookups, listings and getByIds', async () => {
    const [a, b, gone] = [demoUserId(200), demoUserId(201), demoUserId(202)];
    const unknown = '00000000-0000-4000-8000-00000000beef';
    const byIds = async (ids: string[], types?: string[]) => c.request('POST', '/v1.0/directoryObjects/getByIds', { token, body: { ids, ...(types ? { types } : {}) } });
    const first = await byIds([a, b, gone, unknown, a], ['user']);
    expect(first.status).toBe(200);
    expect(first.json().value.map((u: { id: string }) => u.id).sort()).toEqual([a, b, gone].sort());
    expect(first.json().value[0]['@odata.type']).toBe('#microsoft.graph.user');
    await c.control('DELETE', `users/${gone}`);
    expect((await byIds([a, gone])).json().value.map((u: { id: string }) => u.id)).toEqual([a]);
    expect((await get(`/v1.0/users/${gone}`)).status).toBe(404);
    const filtered = await get(`/v1.0/users?$filter=${q(`id in ('${a}','${gone}')`)}&$select=id`);
    expect(filtered.json().value.map((u: { id: string }) => u.id)).toEqual([a]);
    expect((await byIds([a], ['group'])).json().value).toEqual([]);
    expect((await byIds([])).status).toBe(400);
    expect((await byIds(Array.from({ length: 1001 }, () => a))).status).toBe(400);
  });

  it('skews the clock behind real time on request', async () => {
    const behind = await c.control<{ offsetMs: number; now: string }>('POST', 'clock', { offsetMs: -60_000 });
    expect(behind.offsetMs).toBe(-60_000);
    expect(Date.parse(behind.now)).toBeLessThan(Date.now() - 55_000);
    expect((await c.control<{ offsetMs: number }>('POST', 'clock', { offsetMs: 0 })).offsetMs).toBe(0);
  });
});
