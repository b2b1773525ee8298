import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PROFILES } from '../../server/http/profile-routes.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';

/** Profiles are capped and listed in pages, so no answer grows with whatever a database holds. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.connector.close();
});

describe('mapping profiles', () => {
  it(`refuses a profile past ${MAX_PROFILES}, keeps replacing existing ones, and pages the list`, async () => {
    const base = h.connector.services.registry.profiles.get('default')!;
    const existing = h.connector.services.registry.profiles.size;
    // Stored profiles beyond the API's cap (an old or imported database) are filled in directly.
    for (let i = existing; i < MAX_PROFILES + 5; i++) {
      const p = { ...base, id: `bulk-${String(i).padStart(5, '0')}`, name: `Bulk ${String(i).padStart(5, '0')}` };
      h.connector.stores.profiles.create(p, h.clock.now());
      h.connector.services.registry.putProfile(p);
    }
    const template = (await h.api('/api/profiles/default', { key: h.keys.supervisor })).body;
    const { teams: _t, ...body } = template;
    const refused = await h.api('/api/profiles', { method: 'POST', key: h.keys.supervisor, body: { ...body, id: 'one-too-many', name: 'One too many' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(String(MAX_PROFILES));
    expect(h.connector.services.registry.profiles.has('one-too-many')).toBe(false);
    const replaced = await h.api('/api/profiles/import', { method: 'POST', key: h.keys.supervisor, body: { ...body, id: 'bulk-00010', name: 'Bulk renamed' } });
    expect(replaced.status).toBe(201);

    const first = await fetch(`${h.connector.url}/api/profiles`, { headers: { authorization: `Bearer ${h.keys.supervisor}` } });
    const page1 = (await first.json()) as { id: string }[];
    expect(page1).toHaveLength(MAX_PROFILES);
    const cursor = first.headers.get('x-next-cursor');
    expect(cursor).toBe(page1[page1.length - 1]!.id);
    const second = await fetch(`${h.connector.url}/api/profiles?after=${encodeURIComponent(cursor!)}`, { headers: { authorization: `Bearer ${h.keys.supervisor}` } });
    const page2 = (await second.json()) as { id: string }[];
    expect(second.headers.get('x-next-cursor')).toBeNull();
    const ids = [...page1, ...page2].map((p) => p.id);
    expect(new Set(ids).size).toBe(h.connector.services.registry.profiles.size);
    const small = await h.api('/api/profiles?limit=3', { key: h.keys.supervisor });
    expect(small.body).toHaveLength(3);
    expect((await h.api(`/api/profiles?limit=${MAX_PROFILES + 1}`, { key: h.keys.supervisor })).status).toBe(400);
    expect((await h.api('/api/profiles?after=nope', { key: h.keys.supervisor })).status).toBe(400);
  });
});

describe('teams and idle codes', () => {
  it.each(['/api/teams', '/api/admin/teams', '/api/idle-codes'])('%s pages with limit and after, and refuses a limit past its cap', async (path) => {
    const key = path.startsWith('/api/admin') ? h.keys.admin : h.keys.supervisor;
    const all = (await h.api(path, { key })).body as { id: string }[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = await fetch(`${h.connector.url}${path}?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    const page1 = (await first.json()) as { id: string }[];
    expect(page1.map((x) => x.id)).toEqual([all[0]!.id]);
    expect(first.headers.get('x-next-cursor')).toBe(all[0]!.id);
    const rest = (await h.api(`${path}?after=${encodeURIComponent(all[0]!.id)}`, { key })).body as { id: string }[];
    expect(rest.map((x) => x.id)).toEqual(all.slice(1).map((x) => x.id));
    expect((await h.api(`${path}?limit=5001`, { key })).status).toBe(400);
  });
});
