import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTERS } from '../../server/http/app.js';
import { documentedRoutes, openApiDocument } from '../../server/http/openapi.js';
import { codeId, startHarness, type Harness } from '../fakes/core-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.connector.close();
});

describe('roles', () => {
  it.each([
    ['GET', '/api/admin/status', null, 401],
    ['GET', '/api/admin/status', 'supervisor', 403],
    ['GET', '/api/admin/status', 'agent1', 403],
    ['GET', '/api/admin/status', 'admin', 200],
    ['GET', '/api/profiles', 'agent1', 403],
    ['GET', '/api/profiles', 'supervisor', 200],
    ['GET', '/api/audit', 'agent1', 403],
    ['GET', '/api/me', 'agent1', 200],
    ['GET', '/api/me', 'supervisor', 403],
    ['POST', '/api/admin/deactivate', 'supervisor', 403],
    ['DELETE', '/api/admin/connector', 'agent1', 403],
  ])('%s %s as %s → %i', async (method, path, who, status) => {
    const key = who === null ? null : h.keys[who as keyof Harness['keys']];
    const res = await h.api(path, { method, key });
    expect(res.status).toBe(status);
    if (status >= 400) expect(res.body.error.code).toBe(status === 401 ? 'unauthenticated' : 'forbidden');
  });

  it('rejects an unknown key and a malformed header', async () => {
    expect((await h.api('/api/profiles', { key: 'tpc_not-a-key' })).status).toBe(401);
    const res = await fetch(`${h.connector.url}/api/profiles`, { headers: { authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
  });

  it('an agent desktop token from the contact center is an agent credential for that agent only', async () => {
    const me = await h.api('/api/me', { key: 'desk-token-1' });
    expect(me.status).toBe(200);
    expect(me.body.agentId).toBe('agent-1');
  });

  it('an agent sees only their own view', async () => {
    const one = await h.api('/api/me', { key: h.keys.agent1 });
    const two = await h.api('/api/me', { key: h.keys.agent2 });
    expect(one.body.agentId).toBe('agent-1');
    expect(two.body.agentId).toBe('agent-2');
    expect((await h.api('/api/agents/agent-2', { key: h.keys.agent1 })).status).toBe(403);
  });
});

describe('mapping profiles', () => {
  it('lists the seeded presets with idle codes by name', async () => {
    const res = await h.api('/api/profiles', { key: h.keys.supervisor });
    const ids = res.body.map((p: any) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['default', 'webex', 'swyx', 'estos-procall', 'xphone-connect', 'mitel-cloudlink']));
    const def = res.body.find((p: any) => p.id === 'default');
    expect(def.rules.map((r: any) => r.idleCodeName)).toEqual(expect.arrayContaining(['Teams Call', 'Presenting', 'Do Not Disturb']));
  });

  it.each([
    [{ name: '', rules: [] }, 'name'],
    [{ name: 'x', rules: [{ teamsState: 'Sleeping', idleCodeName: 'Break' }] }, 'rules[0].teamsState'],
    [{ name: 'x', rules: [{ teamsState: 'InACall' }] }, 'rules[0]'],
    [{ name: 'x', rules: [{ teamsState: 'InACall', idleCodeName: 'Nope' }] }, 'rules[0].idleCodeName'],
    [{ name: 'x', rules: [{ teamsState: 'InACall', idleCodeName: 'RONA' }] }, 'rules[0].idleCodeName'],
    [{ name: 'x', rules: [{ teamsState: 'InACall', idleCodeId: 'code-inactive' }] }, 'rules[0].idleCodeId'],
    [{ name: 'x', rules: [{ teamsState: 'InACall', idleCodeName: 'Break' }, { teamsState: 'InACall', idleCodeName: 'Lunch' }] }, 'rules'],
    [{ name: 'x', rules: [], settleDelayMs: -1 }, 'settleDelayMs'],
    [{ name: 'x', rules: [], syncMode: 'sideways' }, 'syncMode'],
    [{ name: 'x', rules: [], extra: 1 }, '(body)'],
  ])('rejects %j naming %s, and stores nothing', async (body, field) => {
    const before = (await h.api('/api/profiles', { key: h.keys.supervisor })).body.length;
    const res = await h.api('/api/profiles', { method: 'POST', body, key: h.keys.supervisor });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toContain(field === '(body)' ? 'extra' : field.split('.')[0]!.replace(/\[\d+\]/, ''));
    expect((await h.api('/api/profiles', { key: h.keys.supervisor })).body.length).toBe(before);
  });

  it('a bad update changes nothing; a good one is stored; export/import round-trips', async () => {
    const created = await h.api('/api/profiles', {
      method: 'POST',
      key: h.keys.supervisor,
      body: { id: 'night-shift', name: 'Night shift', rules: [{ teamsState: 'InACall', idleCodeName: 'Teams Call' }] },
    });
    expect(created.status).toBe(201);
    const bad = await h.api('/api/profiles/night-shift', { method: 'PUT', key: h.keys.supervisor, body: { name: 'Night', rules: [{ teamsState: 'InACall', idleCodeName: 'Missing' }] } });
    expect(bad.status).toBe(400);
    const still = await h.api('/api/profiles/night-shift', { key: h.keys.supervisor });
    expect(still.body.name).toBe('Night shift');
    expect(still.body.rules[0].idleCodeId).toBe(codeId('Teams Call'));

    const exported = await h.api('/api/profiles/night-shift/export', { key: h.keys.supervisor });
    expect(exported.body.rules).toEqual([{ teamsState: 'InACall', idleCodeName: 'Teams Call' }]);
    const changed = { ...exported.body, name: 'Night shift v2', rules: [{ teamsState: 'Presenting', idleCodeName: 'Presenting' }] };
    const imported = await h.api('/api/profiles/import', { method: 'POST', key: h.keys.supervisor, body: changed });
    expect(imported.status).toBe(201);
    expect(imported.body.rules[0]).toMatchObject({ teamsState: 'Presenting', idleCodeName: 'Presenting' });

    expect((await h.api('/api/profiles/default', { method: 'DELETE', key: h.keys.supervisor })).status).toBe(409);
    expect((await h.api('/api/profiles/night-shift', { method: 'DELETE', key: h.keys.supervisor })).status).toBe(204);
  });

  it('rejects a body that is not JSON with a clear error', async () => {
    const res = await h.api('/api/profiles', { method: 'POST', key: h.keys.supervisor, body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });
});

describe('dry-run', () => {
  it.each([
    ['Busy', 'InACall', 'Idle', 'Teams Call'],
    ['DoNotDisturb', 'Presenting', 'Idle', 'Presenting'],
    ['DoNotDisturb', 'DoNotDisturb', 'Idle', 'Do Not Disturb'],
  ])('Teams %s/%s → %s %s, without changing anything', async (availability, activity, state, name) => {
    const before = h.cc.commands.length;
    const res = await h.api('/api/dry-run', { method: 'POST', key: h.keys.supervisor, body: { agentId: 'agent-2', availability, activity } });
    expect(res.status).toBe(200);
    expect(res.body.wouldBecome).toEqual({ state, idleCodeName: name });
    expect(res.body.text).toContain(name);
    expect(h.cc.commands.length).toBe(before);
  });

  it('free presence on an Available agent → stays', async () => {
    const res = await h.api('/api/dry-run', { method: 'POST', key: h.keys.supervisor, body: { agentId: 'agent-2', availability: 'Available', activity: 'Available' } });
    expect(res.body.wouldBecome).toBeNull();
    expect(res.body.decision.reason).toBe('presence-free-nothing-to-release');
  });

  it('names a missing agent', async () => {
    const res = await h.api('/api/dry-run', { method: 'POST', key: h.keys.supervisor, body: { agentId: 'nobody', availability: 'Busy', activity: 'InACall' } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('agentId');
  });
});

describe('lifecycle', () => {
  it('refuses delete while active, deletes when inactive, and says the Azure app must be removed by the Azure admin', async () => {
    const x = await startHarness();
    try {
      const refused = await x.api('/api/admin/connector', { method: 'DELETE' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/deactivate/);
      expect((await x.api('/api/admin/reactivate', { method: 'POST' })).status).toBe(409);
      expect((await x.api('/api/admin/deactivate', { method: 'POST' })).status).toBe(200);
      expect((await x.api('/api/admin/deactivate', { method: 'POST' })).status).toBe(409);
      expect((await x.api('/api/admin/reactivate', { method: 'POST' })).body.lifecycle).toBe('active');
      expect((await x.api('/api/admin/deactivate', { method: 'POST' })).status).toBe(200);
      const deleted = await x.api('/api/admin/connector', { method: 'DELETE' });
      expect(deleted.status).toBe(200);
      expect(deleted.body.note).toMatch(/Azure app registration must be removed by the Azure administrator/);
      expect((await x.api('/api/profiles', { key: x.keys.supervisor })).body).toEqual([]);
      expect((await x.api('/api/admin/status')).body.lifecycle).toBe('deleted');
      // The audit trail is kept.
      expect(x.connector.stores.audit.count()).toBeGreaterThan(0);
    } finally {
      await x.connector.close();
    }
  });

  it('activation is refused while a Graph permission is missing, naming it', async () => {
    const x = await startHarness({ activate: false });
    try {
      x.graphAdmin.missing.add('User.Read.All');
      const res = await x.api('/api/admin/activate', { method: 'POST' });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain('User.Read.All');
      expect((await x.api('/api/admin/status')).body.lifecycle).toBe('unconfigured');
    } finally {
      await x.connector.close();
    }
  });

  it('status lists health, permissions, the consent link and unmatched agents', async () => {
    const res = await h.api('/api/admin/status');
    expect(res.body.lifecycle).toBe('active');
    expect(res.body.adminConsentUrl).toMatch(/adminconsent/);
    expect(res.body.permissions.map((p: any) => p.permission)).toEqual(expect.arrayContaining(['Presence.Read.All', 'User.Read.All']));
    expect(res.body.counts.agents).toBe(3);
    expect(res.body.health).toHaveProperty('throttled429');
  });

  it('team sync toggle validates its body', async () => {
    const bad = await h.api('/api/admin/teams/team-a/sync', { method: 'PUT', body: { enabled: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('enabled');
    expect((await h.api('/api/admin/teams/nope/sync', { method: 'PUT', body: { enabled: false } })).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents exactly the routes the routers register', async () => {
    const services = h.connector.services;
    const registered: string[] = [];
    for (const [prefix, make] of API_ROUTERS) {
      const router = make(services) as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
      for (const layer of router.stack) {
        if (!layer.route) continue;
        const path = (prefix + (layer.route.path === '/' ? '' : layer.route.path)).replace(/:(\w+)/g, '{$1}');
        for (const m of Object.keys(layer.route.methods)) registered.push(`${m} ${path}`);
      }
    }
    const documented = documentedRoutes().map((r) => `${r.method} ${r.path}`);
    expect(registered.sort()).toEqual(documented.sort());
    const served = await h.api('/api/openapi.json', { key: null });
    expect(served.status).toBe(200);
    expect(served.body).toEqual(openApiDocument());
  });
});
