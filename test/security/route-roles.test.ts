import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedRoutes, openApiDocument } from '../../server/http/openapi.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { call, concretePath, openSocket, roleOf, rolesFromDoc, SOCKET_EVENTS, WHO, type ClientSocket } from './security-helpers.js';

/**
 * Every documented route and every socket event, for no credential, each wrong role and the right role. The
 * allowed roles come from the OpenAPI document, so a route added there is covered here without editing.
 */
let h: Harness;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  // Every route with unknown credentials: the per-address failure limit (auth-abuse.test.ts) is lifted here.
  h = await startHarness({ overrides: { 'security.authFailureLimit': 100_000 } });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h.connector.close();
});

const doc = openApiDocument();
// Deactivation last: everything before it runs against an active connector, so the admin's DELETE of the
// connector is refused (409) instead of erasing the data the remaining calls need.
const routes = documentedRoutes().sort((a, b) => Number(a.path === '/api/admin/deactivate') - Number(b.path === '/api/admin/deactivate'));
const cases = routes.flatMap(({ method, path }) => {
  const allowed = rolesFromDoc(doc, path, method);
  return [
    { method, path, who: null, expect: 401 },
    ...WHO.map((who) => ({ method, path, who, expect: allowed.includes(roleOf(who)) ? 'allowed' : 403 })),
  ];
});

describe('HTTP roles on every documented route', () => {
  it('covers every route with at least one allowed and one refused role', () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
    for (const { method, path } of routes) {
      const allowed = rolesFromDoc(doc, path, method);
      expect(allowed.length, `${method} ${path}`).toBeGreaterThan(0);
      expect(allowed.length, `${method} ${path}`).toBeLessThan(3);
    }
  });

  it.each(cases)('$method $path as $who → $expect', async ({ method, path, who, expect: want }) => {
    const url = concretePath(path) + (path === '/api/directory' ? '?q=Sam' : '');
    const res = await h.api(url, { method: method.toUpperCase(), key: who === null ? null : h.keys[who] });
    if (want === 'allowed') {
      expect([401, 403], JSON.stringify(res.body)).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(want);
      expect(res.body.error.code).toBe(want === 401 ? 'unauthenticated' : 'forbidden');
    }
  });

  it.each(['tpc_wrong', 'Bearer', '', 'a'.repeat(5000)])('an unknown credential %# is 401 on every route', async (key) => {
    for (const { method, path } of routes) {
      const res = await fetch(h.connector.url + concretePath(path), { method: method.toUpperCase(), headers: { authorization: `Bearer ${key}` } });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('a revoked key is refused', async () => {
    const { key, record } = h.connector.stores.keys.create('short-lived', 'supervisor', null, h.clock.now());
    expect((await h.api('/api/profiles', { key })).status).toBe(200);
    h.connector.stores.keys.revoke(record.id, h.clock.now());
    expect((await h.api('/api/profiles', { key })).status).toBe(401);
  });
});

describe('socket roles on every event', () => {
  it('refuses a connection without a credential or with an unknown one', async () => {
    for (const token of [null, 'tpc_wrong']) {
      const { socket, error } = await openSocket(h.connector.url, token);
      sockets.push(socket);
      expect(error).toMatch(/unauthenticated/);
      expect(socket.connected).toBe(false);
    }
  });

  const socketCases = SOCKET_EVENTS.flatMap((e) => WHO.map((who) => ({ ...e, who, allowed: e.roles.includes(roleOf(who)) })));
  it.each(socketCases)('$event as $who → allowed: $allowed', async ({ event, body, who, allowed }) => {
    const { socket, error } = await openSocket(h.connector.url, h.keys[who]);
    sockets.push(socket);
    expect(error).toBeNull();
    const ack = body === undefined ? await call(socket, event) : await call(socket, event, body);
    if (ack === 'no-ack') throw new Error('no ack');
    if (allowed) expect(ack.ok, JSON.stringify(ack)).toBe(true);
    else expect(ack).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    socket.disconnect();
  });

  it('checks the role before the payload: a wrong role with a bad payload is still forbidden', async () => {
    const { socket } = await openSocket(h.connector.url, h.keys.supervisor);
    sockets.push(socket);
    const ack = await call(socket, 'agent:pause', { minutes: 'lots' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    socket.disconnect();
  });

  it('an agent key not bound to an agent is refused on the agent events', async () => {
    const { key } = h.connector.stores.keys.create('unbound agent', 'agent', null, h.clock.now());
    expect((await h.api('/api/me', { key })).status).toBe(403);
    const { socket } = await openSocket(h.connector.url, key);
    sockets.push(socket);
    for (const [event, body] of [['agent:get'], ['agent:pause', { minutes: 5 }], ['agent:resume']] as const) {
      const ack = body ? await call(socket, event, body) : await call(socket, event);
      expect(ack, event).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    socket.disconnect();
  });
});
