import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitForDatabase } from '../../server/store/db.js';
import type { SqliteStores } from '../../server/store/index.js';
import { holdWriteLock } from './write-lock.js';
import { auditProblems, startRig, TEAMS_CALL_CODE, type Rig } from './fault-rig.js';

/**
 * The store cannot take writes for a while: another connection (a backup tool, an operator's sqlite3 shell)
 * holds the write lock for 10 s, or the disk is full. The connector keeps deciding and sending commands, keeps
 * its health checks answering, keeps what it decided in memory and writes it when the store is back.
 *
 * The full disk is a real one: a 2 MB tmpfs mounted for the test, filled with a file until ENOSPC, so SQLite's
 * own write of its WAL fails with SQLITE_FULL; deleting the file gives the space back.
 */

let rig: Rig | undefined;
const sqlite = (r: Rig) => r.connector.stores as SqliteStores;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function timed(url: string): Promise<{ status: number; ms: number; body: any }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.json().catch(() => null);
  return { status: res.status, ms: performance.now() - started, body };
}

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The connector's own audit row of the idle it sent to agent i. */
const idleEntry = (r: Rig, i: number, after: number) =>
  r.audit().find((e) => e.id > after && e.agentId === r.agentIds[i] && e.action === 'set-idle' && (e.command as { idleCodeId?: string } | null)?.idleCodeId === TEAMS_CALL_CODE);

const report: string[] = [];
afterAll(() => {
  if (report.length) process.stdout.write(`storage-failures figures:\n  ${report.join('\n  ')}\n`);
});

describe('fault: storage cannot take writes', () => {
  it('a 10 s write lock held by another connection loses no decision and leaves the health checks answering', async () => {
    rig = await startRig({ agents: 3, config: { 'ops.readinessIntervalMs': 200 } });
    const r = rig;
    const before = r.audit().at(-1)?.id ?? 0;
    const lock = holdWriteLock(r.dbPath, 10_000);
    await lock.locked;
    await r.callStart(0);
    await r.callStart(1);
    // The commands go out while the lock is still held: decisions are not waiting for the store.
    await r.converged(new Set([0, 1]));
    expect(lock.committed()).toBe(false);
    const latencies: number[] = [];
    let readyDuringLock = 0;
    while (!lock.committed()) {
      const live = await timed(`${r.connector.url}/livez`);
      const ready = await timed(`${r.connector.url}/readyz`);
      expect(live.status).toBe(200);
      latencies.push(live.ms, ready.ms);
      if (ready.status === 200) readyDuringLock++;
      await new Promise((res) => setTimeout(res, 200));
    }
    const status = sqlite(r).journal.status();
    await lock.done;
    // A lock held elsewhere is not a reason to be taken out of service: the writes wait in memory.
    expect(readyDuringLock).toBeGreaterThan(0);
    latencies.sort((a, b) => a - b);
    report.push(
      `10 s write lock: ${latencies.length} health checks, max ${latencies.at(-1)!.toFixed(1)} ms, p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms; ${status.pending} writes held back (${status.errorCode})`,
    );
    // Once the lock is released the decisions and their outcomes are stored.
    await until('the held-back writes to be stored', () => sqlite(r).journal.status().ok);
    const idle0 = idleEntry(r, 0, before);
    const idle1 = idleEntry(r, 1, before);
    expect(idle0?.result).toBe('confirmed');
    expect(idle1?.result).toBe('confirmed');
    const stored = r.connector.stores.agents.all().find((a) => a.id === r.agentIds[0]);
    expect(stored?.cc.state).toBe('Idle');
    // The agent row written after the lock refers to a decision that is stored too.
    expect(stored?.lastDecisionId).toBeGreaterThanOrEqual(idle0!.id);
    expect(r.audit().some((e) => e.id === stored?.lastDecisionId)).toBe(true);
    await r.callEnd(0);
    await r.callEnd(1);
    await r.converged(new Set());
    const entries = r.audit();
    expect(entries.map((e) => e.id)).toEqual(entries.map((_, i) => entries[0]!.id + i));
    expect(auditProblems(entries, r.agentIds, new Set())).toEqual([]);
  }, 60_000);

  it('a read-only database makes the connector not ready, keeps it deciding, and stores everything once writable', async () => {
    // Read-only simulated with SQLite's query_only pragma on the connector's connection (tests run as root, which
    // file permissions do not stop): every write then fails with SQLITE_READONLY, as on a read-only file or mount.
    rig = await startRig({ agents: 3, config: { 'ops.readinessIntervalMs': 200 } });
    const r = rig;
    const before = r.audit().at(-1)?.id ?? 0;
    sqlite(r).db.pragma('query_only = 1');
    await r.callStart(0);
    await r.converged(new Set([0]));
    await until('the store to be reported not ready', async () => (await timed(`${r.connector.url}/readyz`)).status === 503);
    const ready = await timed(`${r.connector.url}/readyz`);
    expect(ready.body.checks.store.error).toMatch(/read-only/);
    expect(sqlite(r).journal.status().errorCode).toMatch(/^SQLITE_READONLY/);
    sqlite(r).db.pragma('query_only = 0');
    await until('the store to be ready again', async () => (await timed(`${r.connector.url}/readyz`)).status === 200);
    await until('the held-back writes to be stored', () => sqlite(r).journal.status().ok);
    expect(idleEntry(r, 0, before)?.result).toBe('confirmed');
    await r.callEnd(0);
    await r.converged(new Set());
    const entries = r.audit();
    expect(entries.map((e) => e.id)).toEqual(entries.map((_, i) => entries[0]!.id + i));
    expect(auditProblems(entries, r.agentIds, new Set())).toEqual([]);
  }, 60_000);

  it('a full disk makes the connector not ready with an alarm, never crashes it, and loses nothing once space returns', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'tpc-full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount]);
    try {
      const dir = join(mount, 'db');
      mkdirSync(dir);
      rig = await startRig({ agents: 3, dbPath: join(dir, 'connector.db'), config: { 'ops.readinessIntervalMs': 200 } });
      const r = rig;
      const before = r.audit().at(-1)?.id ?? 0;
      // The WAL is emptied, so the next commit needs new space on the device.
      sqlite(r).db.pragma('wal_checkpoint(TRUNCATE)');
      const filler = join(mount, 'filler');
      fill(filler);
      await r.callStart(0);
      await r.converged(new Set([0]));
      await until('the store to be reported not ready', async () => (await timed(`${r.connector.url}/readyz`)).status === 503);
      const ready = await timed(`${r.connector.url}/readyz`);
      expect(ready.body.checks.store.error).toMatch(/disk is full/);
      const metrics = await (await fetch(`${r.connector.url}/metrics`)).text();
      expect(metrics).toMatch(/tpc_upstream_up\{upstream="store"\} 0/);
      expect(Number(/^tpc_store_pending_writes (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      const admin = r.connector.services.status() as { storage?: { ok: boolean; errorCode: string | null; pending: number } };
      expect(admin.storage?.ok).toBe(false);
      expect(admin.storage?.errorCode).toMatch(/^SQLITE_FULL/);
      report.push(`full disk (2 MB tmpfs): ${admin.storage?.pending} writes held back, /readyz 503 in ${ready.ms.toFixed(1)} ms`);
      // Still deciding while the disk stays full.
      await r.callStart(1);
      await r.converged(new Set([0, 1]));
      expect(idleEntry(r, 0, before)).toBeUndefined();
      // Space returns: everything decided meanwhile is stored, and the connector is ready again.
      unlinkSync(filler);
      await until('the store to be ready again', async () => (await timed(`${r.connector.url}/readyz`)).status === 200);
      await until('the held-back writes to be stored', () => sqlite(r).journal.status().ok);
      expect(idleEntry(r, 0, before)?.result).toBe('confirmed');
      expect(idleEntry(r, 1, before)?.result).toBe('confirmed');
      const entries = r.audit();
      expect(entries.map((e) => e.id)).toEqual(entries.map((_, i) => entries[0]!.id + i));
      expect(auditProblems(entries, r.agentIds, new Set([0, 1]))).toEqual([]);
      // A restart while the disk is full: opening the database is waited out (SQLite cannot even create its
      // shared-memory file), not a crash; once space returns the connector starts and stores again.
      await r.stopConnector();
      sqliteCheckpoint(join(dir, 'connector.db'));
      fill(filler);
      const retries: string[] = [];
      let opened = false;
      const waiting = waitForDatabase(join(dir, 'connector.db'), [], (err) => retries.push(err.message)).then(() => (opened = true));
      await until('a failed open to be retried', () => retries.length >= 2);
      expect(opened).toBe(false);
      unlinkSync(filler);
      await waiting;
      report.push(`restart on a full disk: ${retries.length} open attempts waited out (${retries[0]}), then started`);
      await r.startConnector();
      const beforeEnd = r.audit().at(-1)?.id ?? 0;
      await r.callEnd(0);
      await r.converged(new Set([1]));
      const release = r.audit().find((e) => e.id > beforeEnd && e.agentId === r.agentIds[0] && e.action === 'set-available');
      expect(release?.result).toBe('confirmed');
    } finally {
      await rig?.close();
      rig = undefined;
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Folds the WAL into the database and truncates it (with the connector stopped), so the next commit needs new space. */
function sqliteCheckpoint(path: string): void {
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Writes a file until the device has no space left (smaller and smaller pieces, so not even a page is left). */
function fill(path: string): void {
  for (const size of [64 * 1024, 4096, 512, 1]) {
    const chunk = Buffer.alloc(size, 1);
    for (let i = 0; ; i++) {
      try {
        writeFileSync(path, chunk, { flag: 'a' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
      if (i > 100_000) throw new Error('the device never filled up');
    }
  }
}
