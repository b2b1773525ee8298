import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../server/store/key-store.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';

/** API keys are stored only as SHA-256 hashes, and a key is found only by its exact hash. */

describe('API keys at rest', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.connector.close();
  });

  it('the api_keys table holds SHA-256 hashes under a unique index, never a clear key', () => {
    const db = new Database(h.dbPath, { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];
      expect(rows.length).toBeGreaterThanOrEqual(4);
      const clear = Object.values(h.keys);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          for (const key of clear) {
            expect(String(value)).not.toContain(key);
            expect(String(value)).not.toContain(key.slice(4, 20));
          }
        }
        expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      }
      const hashes = new Set(rows.map((r) => r.hash));
      for (const key of clear) expect(hashes.has(hashKey(key))).toBe(true);
      const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'api_keys' AND sql IS NOT NULL").all() as { sql: string }[];
      expect(indexes.map((i) => i.sql).join('\n')).toMatch(/UNIQUE[^\n]*hash|hash[^\n,]*UNIQUE/i);
      // Nothing else in the database holds a clear key either.
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      for (const { name } of tables) {
        const dump = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all());
        for (const key of clear) expect(dump.includes(key), `table ${name}`).toBe(false);
      }
    } finally {
      db.close();
    }
  });

  it('a key is found only by its exact hash: a prefix, the hash itself or a case change is refused', async () => {
    const key = h.keys.supervisor;
    for (const wrong of [key.slice(0, -1), `${key}x`, key.toUpperCase(), hashKey(key)]) {
      expect((await h.api('/api/profiles', { key: wrong })).status).toBe(401);
    }
    expect((await h.api('/api/profiles', { key })).status).toBe(200);
  });
});
