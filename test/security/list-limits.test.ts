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
