import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { call, openSocket, sleep, type ClientSocket } from './security-helpers.js';

/** A credential that stops being valid stops working everywhere, open sockets included; refusals are not remembered. */
let h: Harness;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  h = await startHarness({ overrides: { 'security.sessionRecheckMs': 100 } });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h.connector.close();
});

const disconnected = (socket: ClientSocket): Promise<string> => new Promise((resolve) => socket.once('disconnect', (reason) => resolve(String(reason))));

describe('revocation ends open sessions', () => {
  it('revoking a key disconnects its sockets at once and they cannot come back; other keys keep theirs', async () => {
    const { key, record } = h.connector.stores.keys.create('to revoke', 'supervisor', null, h.clock.now());
    const doomed = await openSocket(h.connector.url, key);
    const other = await openSocket(h.connector.url, h.keys.supervisor);
    sockets.push(doomed.socket, other.socket);
    expect(doomed.error).toBeNull();
    expect(await call(doomed.socket, 'supervisor:agents')).toMatchObject({ ok: true });
    const gone = disconnected(doomed.socket);
    h.connector.stores.keys.revoke(record.id, h.clock.now());
    expect(await gone).toBe('io server disconnect');
    expect(other.socket.connected).toBe(true);
    expect(await call(other.socket, 'supervisor:agents')).toMatchObject({ ok: true });
    const again = await openSocket(h.connector.url, key);
    sockets.push(again.socket);
    expect(again.error).toMatch(/unauthenticated/);
  });

  it('a key revoked by another process (the CLI, writing the database directly) loses its socket within the recheck period', async () => {
    const { key, record } = h.connector.stores.keys.create('revoked elsewhere', 'admin', null, h.clock.now());
    const open = await openSocket(h.connector.url, key);
    sockets.push(open.socket);
    expect(open.error).toBeNull();
    const gone = disconnected(open.socket);
    const db = new Database(h.dbPath);
    db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), record.id);
    db.close();
    expect(await gone).toBe('io server disconnect');
    expect((await h.api('/api/admin/status', { key })).status).toBe(401);
  });
});

describe('refused agent tokens are not cached', () => {
  it('a desktop token refused once is accepted as soon as the contact center accepts it', async () => {
    const token = 'desk-token-late';
    expect((await h.api('/api/me', { key: token })).status).toBe(401);
    h.cc.tokens[token] = 'agent-2';
    const res = await h.api('/api/me', { key: token });
    expect(res.status).toBe(200);
    expect(res.body.agentId).toBe('agent-2');
    const socket = await openSocket(h.connector.url, token);
    sockets.push(socket.socket);
    expect(socket.error).toBeNull();
    await sleep(10);
  });
});
