import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { openSocket } from './security-helpers.js';

/** Who changed mappings, lifecycle, team sync or keys, when, and the value before and after; read back in pages. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.connector.close();
});

const log = async (query = '') => (await h.api(`/api/admin/audit-log${query}`)).body as { entries: any[]; next: number | null };

describe('administrative audit', () => {
  it('records a mapping change with who, when, before and after', async () => {
    const before = (await h.api('/api/profiles/default', { key: h.keys.supervisor })).body;
    const { teams: _t, ...body } = before;
    const res = await h.api('/api/profiles/default', { method: 'PUT', key: h.keys.supervisor, body: { ...body, settleDelayMs: before.settleDelayMs + 1000 } });
    expect(res.status).toBe(200);
    const [entry] = (await log()).entries;
    expect(entry).toMatchObject({ actor: 'supervisor key', actorRole: 'supervisor', action: 'mapping.update', target: 'default' });
    expect(entry.before.settleDelayMs).toBe(before.settleDelayMs);
    expect(entry.after.settleDelayMs).toBe(before.settleDelayMs + 1000);
    expect(Math.abs(entry.at - Date.now())).toBeLessThan(60_000);
  });

  it('records team sync and lifecycle changes; a refused change records nothing', async () => {
    expect((await h.api('/api/admin/teams/team-a/sync', { method: 'PUT', body: { enabled: false } })).status).toBe(200);
    let [entry] = (await log()).entries;
    expect(entry).toMatchObject({ actor: 'admin key', action: 'team-sync.set', target: 'team-a' });
    expect(entry.before.syncEnabled).toBe(true);
    expect(entry.after.syncEnabled).toBe(false);
    const count = (await log('?limit=200')).entries.length;
    expect((await h.api('/api/admin/teams/no-such-team/sync', { method: 'PUT', body: { enabled: false } })).status).toBe(404);
    expect((await h.api('/api/admin/teams/team-a/sync', { method: 'PUT', key: h.keys.supervisor, body: { enabled: true } })).status).toBe(403);
    expect((await log('?limit=200')).entries).toHaveLength(count);
    expect((await h.api('/api/admin/deactivate', { method: 'POST' })).status).toBe(200);
    [entry] = (await log()).entries;
    expect(entry).toMatchObject({ action: 'lifecycle.deactivate', before: { lifecycle: 'active' }, after: { lifecycle: 'inactive' } });
    expect((await h.api('/api/admin/reactivate', { method: 'POST' })).status).toBe(200);
  });

  it('records keys made and revoked through the API (never the key), and revoking ends the key’s sockets', async () => {
    const made = await h.api('/api/admin/keys', { method: 'POST', body: { name: 'night shift lead', role: 'supervisor' } });
    expect(made.status).toBe(201);
    const key: string = made.body.key;
    const socket = await openSocket(h.connector.url, key);
    expect(socket.error).toBeNull();
    const gone = new Promise<string>((resolve) => socket.socket.once('disconnect', (r) => resolve(String(r))));
    expect((await h.api(`/api/admin/keys/${made.body.record.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    const [revoked, created] = (await log()).entries;
    expect(created).toMatchObject({ action: 'key.create', target: made.body.record.id, after: { name: 'night shift lead', role: 'supervisor' } });
    expect(revoked).toMatchObject({ action: 'key.revoke', before: { name: 'night shift lead' }, after: null });
    expect(JSON.stringify((await log('?limit=200')).entries)).not.toContain(key);
    expect((await h.api(`/api/admin/keys/${made.body.record.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('pages newest first without overlap; only admins read it', async () => {
    const all = (await log('?limit=200')).entries;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const first = await log('?limit=2');
    const second = await log(`?limit=2&before=${first.next}`);
    expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    expect((await h.api('/api/admin/audit-log', { key: h.keys.supervisor })).status).toBe(403);
    expect((await h.api('/api/admin/audit-log?limit=100000')).status).toBe(400);
  });
});
