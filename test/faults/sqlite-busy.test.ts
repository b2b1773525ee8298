import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../bench/processes.js';
import { auditProblems, startRig, type Rig } from './fault-rig.js';
import { holdWriteLock } from './write-lock.js';

/**
 * Another connection (a backup tool, an operator's sqlite3 shell) holds the database's write lock for a while
 * (`write-lock.ts`). The hot path's writes wait in memory (storage-failures.test.ts);
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
