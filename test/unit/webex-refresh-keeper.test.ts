import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/logger.js';
import { webexRefreshKeeper } from '../../server/parts.js';
import { openDatabase, type Db } from '../../server/store/db.js';
import { migrateGraphStore } from '../../server/store/graph-store.js';

/** A rotated Webex refresh token is kept across restarts, encrypted at rest, and never outlives a newly configured one. */

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
let dir: string;
let path: string;
let db: Db;
const reopen = () => {
  db.close();
  db = openDatabase(path, [migrateGraphStore]);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-webex-keeper-'));
  path = join(dir, 'connector.db');
  db = openDatabase(path, [migrateGraphStore]);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('webexRefreshKeeper', () => {
  it('starts with the configured token, then with the rotated one after a restart, stored only as ciphertext', () => {
    const first = webexRefreshKeeper(db, KEY, 'configured-refresh-token', silentLogger);
    expect(first.current()).toBe('configured-refresh-token');
    first.save('rotated-refresh-token-1');
    reopen();
    expect(webexRefreshKeeper(db, KEY, 'configured-refresh-token', silentLogger).current()).toBe('rotated-refresh-token-1');
    const rows = db.prepare('SELECT data FROM graph_token_cache').all() as { data: Buffer }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data.toString('latin1')).not.toContain('rotated-refresh-token');
  });

  it('a newly configured token wins over the one kept for the old configuration', () => {
    webexRefreshKeeper(db, KEY, 'old-configured', silentLogger).save('rotated-from-old');
    reopen();
    expect(webexRefreshKeeper(db, KEY, 'new-configured', silentLogger).current()).toBe('new-configured');
  });

  it('another key cannot read what was kept: the configured token is used, nothing is lost', () => {
    webexRefreshKeeper(db, KEY, 'configured', silentLogger).save('rotated');
    reopen();
    expect(webexRefreshKeeper(db, OTHER_KEY, 'configured', silentLogger).current()).toBe('configured');
    expect(webexRefreshKeeper(db, KEY, 'configured', silentLogger).current()).toBe('rotated');
  });

  it('without a key nothing is stored (never plaintext)', () => {
    webexRefreshKeeper(db, undefined, 'configured', silentLogger).save('rotated');
    expect(db.prepare('SELECT count(*) AS n FROM graph_token_cache').get()).toEqual({ n: 0 });
    expect(webexRefreshKeeper(db, undefined, 'configured', silentLogger).current()).toBe('configured');
  });
});
