import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './db.js';

export interface BackupReport {
  path: string;
  bytes: number;
  /** Rows per table in the copy. */
  tables: Record<string, number>;
}

/**
 * Online backup with VACUUM INTO: one read transaction over the live database (WAL mode lets the connector keep
 * writing meanwhile), written as a compact, self-contained file — a plain copy of connector.db is not a backup,
 * since recent commits live in the -wal file. The copy is checked before it is reported.
 */
export function backupDatabase(db: Db, dest: string): BackupReport {
  if (existsSync(dest)) throw new Error(`${dest} already exists; choose a new file name`);
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  db.prepare('VACUUM INTO ?').run(partial);
  const report = verifyDatabase(partial);
  renameSync(partial, dest);
  return { ...report, path: dest };
}

/** Opens a database file read-only, runs SQLite's integrity check and counts the rows of every table. */
export function verifyDatabase(path: string): BackupReport {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`${path} failed SQLite's integrity check: ${String(check)}`);
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    if (!names.includes('schema_migrations')) throw new Error(`${path} is not a connector database (no schema_migrations table)`);
    const tables: Record<string, number> = {};
    for (const name of names) tables[name] = (db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n;
    return { path, bytes: statSync(path).size, tables };
  } finally {
    db.close();
  }
}

/**
 * Restores a backup over the database at `dbPath` while the connector is stopped: the backup is verified, the old
 * file is kept as `<dbPath>.before-restore`, and stale -wal/-shm files are removed so SQLite cannot replay them
 * over the restored data. A -wal file means the connector is running (or did not stop cleanly): refused unless
 * `force`.
 */
export function restoreDatabase(backup: string, dbPath: string, force = false): BackupReport {
  const report = verifyDatabase(backup);
  if (existsSync(`${dbPath}-wal`) && !force) {
    throw new Error(`${dbPath}-wal exists: stop the connector first (or pass --force if it is stopped and did not shut down cleanly)`);
  }
  if (existsSync(dbPath)) copyFileSync(dbPath, `${dbPath}.before-restore`);
  for (const suffix of ['-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  const partial = `${dbPath}.restoring`;
  copyFileSync(backup, partial);
  renameSync(partial, dbPath);
  return { ...report, path: dbPath };
}
