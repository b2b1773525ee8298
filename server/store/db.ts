import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the connector's single SQLite file and brings its schema up to date. Extra
 * migrations (from adapters that own tables) run after the core ones, idempotently.
 */
export function openDatabase(path: string, extraMigrations: ((db: Db) => void)[] = []): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL: readers never block the writer, and a crash loses at most the transaction in progress.
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits), and
  // avoids an fsync per commit on the hot path.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Wait for a competing writer (CLI, second process) instead of failing at once with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  for (const m of extraMigrations) m(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
  for (const [index, sql] of MIGRATIONS.entries()) {
    const version = index + 1;
    if (applied.has(version)) continue;
    db.transaction(() => {
      db.exec(sql);
      record.run(version, Date.now());
    })();
  }
}

/** Conditions of the disk or file that pass when an operator acts: start-up waits for them instead of exiting. */
const WAIT_FOR = /^(SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR)|ENOSPC|EROFS|EDQUOT|EIO)/;

/**
 * Waits until the database can be opened and brought up to date: a full disk (SQLite cannot even create its
 * shared-memory file), a read-only file or a lock held elsewhere is retried with backoff (0.5 s doubling to 30 s),
 * reported through `onRetry` each time, so a supervisor does not restart the process into the same failure over
 * and over. Any other error (a path that is not a folder, a file that is not a database) is thrown.
 */
export async function waitForDatabase(path: string, extraMigrations: ((db: Db) => void)[], onRetry: (err: Error, delayMs: number) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      openDatabase(path, extraMigrations).close();
      return;
    } catch (err) {
      if (!WAIT_FOR.test(String((err as { code?: unknown }).code ?? ''))) throw err;
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      onRetry(err as Error, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
