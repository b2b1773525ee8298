import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../bench/processes.js';
import { auditProblems, startRig, type Rig } from './fault-rig.js';

/**
 * Another connection (a backup tool, an operator's sqlite3 shell) holds the database's write lock for a while.
 * The lock is held from a worker thread, because the connector's writes are synchronous and would otherwise
 * block the very event loop that has to release it. The hot path's writes wait in memory (storage-failures.test.ts);
 * a write outside it (an administrator creating a key) is refused at once instead of freezing the event loop,
 * and works again once the lock is released. Nothing is lost.
 */

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ agents: 3 });
}, 30_000);
afterAll(async () => {
  await rig?.close();
});

/**
 * Opens the database in a worker, takes the write lock (BEGIN IMMEDIATE), holds it `ms`, commits. `committed()`
 * reads a flag the worker sets right after its COMMIT, so the test can tell whether a write happened before or
 * after the lock was released without looking at a clock.
 */
function holdWriteLock(dbPath: string, ms: number): { locked: Promise<void>; done: Promise<void>; committed: () => boolean } {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require(workerData.modulePath);
     const db = new Database(workerData.dbPath);
     db.exec('BEGIN IMMEDIATE');
     db.prepare("INSERT INTO audit (at, agent_id, trigger, action, reason, text, inputs, result) SELECT at, agent_id, trigger, action, reason, text, inputs, result FROM audit WHERE 0").run();
     parentPort.postMessage('locked');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
     db.exec('COMMIT');
     Atomics.store(workerData.flag, 0, 1);
     db.close();`,
    { eval: true, workerData: { dbPath, ms, modulePath, flag } },
  );
  const locked = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const done = new Promise<void>((resolve, reject) => {
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited with ${code}`))));
    worker.once('error', reject);
  });
  return { locked, done, committed: () => Atomics.load(flag, 0) === 1 };
}

describe('fault: SQLite busy', () => {
  it('refuses a write outside the hot path at once while another connection holds the lock, and applies every change', async () => {
    const before = rig.audit().length;
    const lock = holdWriteLock(rig.dbPath, 2_000);
    await lock.locked;
    await rig.callStart(0);
    await rig.callStart(1);
    // Precondition: the lock is still held, so the write below really meets it.
    expect(lock.committed()).toBe(false);
    // A write outside the hot path on the connector's own connection is refused within the short busy timeout,
    // so the event loop is never held for the lock holder's time; it goes through once the lock is released.
    expect(() => rig.connector.stores.keys.create('written while locked', 'supervisor', null, Date.now())).toThrow(/database is locked/);
    expect(lock.committed()).toBe(false);
    await lock.done;
    const written = rig.connector.stores.keys.create('written after the lock', 'supervisor', null, Date.now());
    expect(rig.connector.stores.keys.verify(written.key)?.name).toBe('written after the lock');
    await rig.converged(new Set([0, 1]));
    await rig.callEnd(0);
    await rig.callEnd(1);
    await rig.converged(new Set());
    // Decisions made while the lock was held wait in memory and are replayed with backoff: read once all are stored.
    await waitFor('held writes stored', () => rig.connector.services.reads.pendingWrites() === 0, 20_000, 50);
    const entries = rig.audit();
    expect(entries.length).toBeGreaterThan(before);
    // Audit ids are consecutive: no write was dropped or rolled back while the lock was held.
    expect(entries.map((e) => e.id)).toEqual(entries.map((_, i) => entries[0]!.id + i));
    expect(auditProblems(entries, rig.agentIds, new Set())).toEqual([]);
  }, 40_000);
});
