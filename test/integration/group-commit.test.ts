import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../server/store/db.js';
import { createStores, type SqliteStores } from '../../server/store/index.js';

/**
 * Group commit (store/group-commit.ts) on a real SQLite file, watched from a second connection the way a backup or
 * another process sees it: the hot path's writes of one event-loop turn are one transaction, committed when the
 * turn ends (or when the commit window closes); commands registered with afterCommit run only after that; any
 * other write commits the turn first.
 */

let dir: string;
let dbPath: string;
let db: Db;
let stores: SqliteStores;
let reader: Database.Database;

const turnEnd = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const auditRows = (): number => (reader.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;
const storedPause = (id: string): number | null => (reader.prepare('SELECT paused_until AS p FROM agents WHERE id = ?').get(id) as { p: number | null }).p;
const entry = (agentId: string) => ({ at: 1, agentId, trigger: 'presence', action: 'skip', reason: 'no-presence-yet', text: 'Teams presence has not been read yet.', inputs: {}, result: 'skipped' as const });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-group-commit-'));
  dbPath = join(dir, 'connector.db');
  db = openDatabase(dbPath);
  // Window 0: every turn commits on its own (the window has its own test below).
  stores = createStores(db, { commitWindowMs: 0 });
  stores.agents.upsertDirectory([
    { id: 'a-1', name: 'Ada', email: 'ada@contoso.example', teamId: null },
    { id: 'a-2', name: 'Bo', email: 'bo@contoso.example', teamId: null },
  ], 1);
  reader = new Database(dbPath, { readonly: true });
});
afterEach(() => {
  reader.close();
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit of the hot path', () => {
  it('commits every hot-path write of a turn together when the turn ends, and each turn on its own', async () => {
    const a1 = stores.agents.all().find((a) => a.id === 'a-1')!;
    stores.audit.add(entry('a-1'));
    stores.transaction(() => {
      stores.audit.add(entry('a-2'));
      stores.agents.save({ ...a1, pausedUntil: 42 }, 2);
    }, 'turn');
    const id = stores.audit.add({ ...entry('a-1'), action: 'set-idle', reason: 'teams-busy', result: 'sent' });
    stores.audit.sent(id, 'track-1', 3);
    // Nothing is visible to another connection yet: one transaction is still open.
    expect(auditRows()).toBe(0);
    expect(storedPause('a-1')).toBeNull();
    await turnEnd();
    expect(auditRows()).toBe(3);
    expect(storedPause('a-1')).toBe(42);
    expect((reader.prepare('SELECT tracking_id AS t, result FROM audit WHERE id = ?').get(id) as { t: string; result: string })).toEqual({ t: 'track-1', result: 'accepted' });
    // The next turn opens its own transaction.
    stores.audit.add(entry('a-2'));
    expect(auditRows()).toBe(3);
    await turnEnd();
    expect(auditRows()).toBe(4);
  });

  it('runs afterCommit callbacks only once the turn is stored, and at once when nothing is open', async () => {
    const seen: number[] = [];
    stores.afterCommit(() => seen.push(auditRows()));
    expect(seen).toEqual([0]);
    stores.transaction(() => void stores.audit.add(entry('a-1')), 'turn');
    stores.afterCommit(() => seen.push(auditRows()));
    expect(seen).toEqual([0]);
    await turnEnd();
    expect(seen).toEqual([0, 1]);
  });

  it('a write outside the hot path commits the open turn first, then stands on its own', () => {
    stores.audit.add(entry('a-1'));
    expect(auditRows()).toBe(0);
    const key = stores.keys.create('ops key', 'admin', null, 5);
    // Synchronously: the turn's entry and the key are both stored, without waiting for the turn to end.
    expect(auditRows()).toBe(1);
    expect((reader.prepare('SELECT COUNT(*) AS n FROM api_keys WHERE id = ?').get(key.record.id) as { n: number }).n).toBe(1);
  });

  it('a unit of work that is not the hot path commits the open turn before its own transaction', () => {
    stores.audit.add(entry('a-1'));
    stores.transaction(() => stores.keys.create('second key', 'supervisor', null, 6));
    expect(auditRows()).toBe(1);
  });

  it('a hot-path transaction that throws undoes only itself; the rest of the turn is committed', async () => {
    const a2 = stores.agents.all().find((a) => a.id === 'a-2')!;
    stores.audit.add(entry('a-1'));
    expect(() =>
      stores.transaction(() => {
        stores.agents.save({ ...a2, pausedUntil: 7 }, 2);
        stores.audit.add(entry('a-2'));
        throw new Error('a bug in one batch');
      }, 'turn'),
    ).toThrow('a bug in one batch');
    stores.audit.add(entry('a-1'));
    await turnEnd();
    expect(auditRows()).toBe(2);
    expect(storedPause('a-2')).toBeNull();
    expect(stores.journal.status()).toMatchObject({ ok: true, pending: 0 });
  });

  it('closing the database commits the open turn', () => {
    stores.audit.add(entry('a-1'));
    db.close();
    expect(auditRows()).toBe(1);
  });

  it('a turn whose lock another connection holds keeps its writes and stores them once the lock is released', async () => {
    const other = new Database(dbPath);
    other.exec('BEGIN IMMEDIATE');
    const id = stores.audit.add(entry('a-1'));
    stores.audit.result(id, 'confirmed', null, 9);
    expect(stores.journal.status()).toMatchObject({ ok: false, pending: 2 });
    other.exec('ROLLBACK');
    other.close();
    for (let i = 0; i < 50 && !stores.journal.status().ok; i++) await new Promise((r) => setTimeout(r, 50));
    expect(stores.journal.status()).toMatchObject({ ok: true, pending: 0 });
    expect((reader.prepare('SELECT result FROM audit WHERE id = ?').get(id) as { result: string }).result).toBe('confirmed');
  });

  it('turns within the commit window share one commit, and the outbox waits for it', async () => {
    db.close();
    db = openDatabase(dbPath);
    stores = createStores(db, { commitWindowMs: 200 });
    stores.audit.add(entry('a-1'));
    await turnEnd();
    expect(auditRows()).toBe(1);
    // The next turns come within 200 ms of that commit: they wait for the window to close, together.
    stores.audit.add(entry('a-1'));
    const sent: number[] = [];
    stores.afterCommit(() => sent.push(auditRows()));
    await turnEnd();
    stores.audit.add(entry('a-2'));
    await turnEnd();
    expect(auditRows()).toBe(1);
    expect(sent).toEqual([]);
    for (let i = 0; i < 40 && auditRows() < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(auditRows()).toBe(3);
    expect(sent).toEqual([3]);
  });
});
