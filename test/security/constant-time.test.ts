import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretEquals } from '../../server/graph/notification-intake.js';
import { verifyWebexSignature } from '../../server/http/webex-webhook-router.js';
import { hashKey } from '../../server/store/key-store.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';

/** Secrets are compared in constant time, and API keys are stored only as SHA-256 hashes. */

/** The body of a top-level function in a source file, up to the next top-level declaration. */
function functionSource(file: string, name: string): string {
  const src = readFileSync(file, 'utf8');
  const start = src.indexOf(`export function ${name}(`);
  expect(start, `${name} in ${file}`).toBeGreaterThanOrEqual(0);
  const end = src.indexOf('\n}\n', start);
  return src.slice(start, end + 2);
}

describe('Graph clientState: secretEquals', () => {
  it('compares with timingSafeEqual over equal-length digests, never with ===', () => {
    const body = functionSource('server/graph/notification-intake.ts', 'secretEquals');
    expect(body).toMatch(/timingSafeEqual\(digest\(given\), digest\(expected\)\)/);
    expect(body).not.toMatch(/given\s*[!=]==?\s*expected|expected\s*[!=]==?\s*given|localeCompare/);
    const src = readFileSync('server/graph/notification-intake.ts', 'utf8');
    expect(src).not.toMatch(/clientState\s*[!=]==/);
  });

  it.each([
    ['equal', 'the-client-state', 'the-client-state', true],
    ['different, same length', 'the-client-statf', 'the-client-state', false],
    ['shorter', 'the-client', 'the-client-state', false],
    ['longer', 'the-client-state-and-more', 'the-client-state', false],
    ['empty given', '', 'the-client-state', false],
    ['case differs', 'THE-CLIENT-STATE', 'the-client-state', false],
    ['unicode equal', 'zustand-ä-€', 'zustand-ä-€', true],
    ['null', null, 'the-client-state', false],
    ['undefined', undefined, 'the-client-state', false],
  ])('%s → %s', (_name, given, expected, want) => {
    expect(secretEquals(given as string | null | undefined, expected as string)).toBe(want);
  });

  it('a non-string given (as a forged JSON body could carry) is unequal, not an exception', () => {
    for (const given of [123, {}, ['the-client-state'], true]) expect(secretEquals(given as unknown as string, 'the-client-state')).toBe(false);
  });
});

describe('Webex webhook signature: verifyWebexSignature', () => {
  const secret = 'webhook-secret-value';
  const body = Buffer.from('{"type":"agent:state_change","data":{"agentId":"a-1"}}');
  const good = createHmac('sha256', secret).update(body).digest('hex');

  it('checks the HMAC with timingSafeEqual after a length check, never with ===', () => {
    const fn = functionSource('server/http/webex-webhook-router.ts', 'verifyWebexSignature');
    expect(fn).toMatch(/timingSafeEqual\(given, expected\)/);
    expect(fn).toMatch(/given\.length === expected\.length &&/);
    expect(fn).not.toMatch(/signature\s*===|expected\s*===\s*given|digest\('hex'\)\s*===/);
  });

  it.each([
    ['equal', good, true],
    ['upper-case hex', good.toUpperCase(), true],
    ['surrounding spaces', ` ${good} `, true],
    ['one nibble changed', good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'), false],
    ['shorter', good.slice(0, 62), false],
    ['longer', good + '00', false],
    ['not hex', 'z'.repeat(64), false],
    ['base64 of the right digest', Buffer.from(good, 'hex').toString('base64'), false],
    ['empty', '', false],
    ['missing', undefined, false],
    ['the secret itself', secret, false],
  ])('%s → %s', (_name, signature, want) => {
    expect(verifyWebexSignature(body, signature, secret)).toBe(want);
  });

  it('a signature for other bytes or another secret is refused', () => {
    expect(verifyWebexSignature(Buffer.concat([body, Buffer.from(' ')]), good, secret)).toBe(false);
    expect(verifyWebexSignature(body, good, `${secret}x`)).toBe(false);
  });
});

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
