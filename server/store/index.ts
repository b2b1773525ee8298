import { AdminAuditStore } from './admin-audit-store.js';
import { AgentStore } from './agent-store.js';
import { AuditStore } from './audit-store.js';
import { ConnectorStore } from './connector-store.js';
import type { Db } from './db.js';
import { KeyStore } from './key-store.js';
import { ProfileStore } from './profile-store.js';
import { WriteJournal, type StorageStatus } from './write-journal.js';
import type { Stores } from '../ports.js';

/** The storage port (ports.ts) over one SQLite database; `db` stays with the composition root and the stores. */
export interface SqliteStores extends Stores {
  db: Db;
  /** Writes of the hot path kept in memory while the store cannot take them, and the store's condition. */
  journal: WriteJournal;
  /** The administrative audit (who changed what), opened on first use. */
  readonly adminAudit: AdminAuditStore;
  /** Throws, in words, when the store cannot take writes (readiness asks it); see assertWritable. */
  assertWritable(): void;
}

export type { Stores, StorageStatus };

/**
 * How long one write waits for a lock held by another connection before it is kept for replay instead. The wait
 * is synchronous (it stops the event loop), so it stays short; migrations at start-up still wait 5 s (db.ts).
 */
export const HOT_PATH_BUSY_TIMEOUT_MS = 20;

const journals = new WeakMap<Db, WriteJournal>();

/** The journal of a database opened with createStores (readiness asks it whether the store takes writes). */
export const journalOf = (db: Db): WriteJournal | undefined => journals.get(db);

/** `commitWindowMs`: shortest time between two group commits of the hot path (store/group-commit.ts; default 5). */
export function createStores(db: Db, o: { commitWindowMs?: number } = {}): SqliteStores {
  db.pragma(`busy_timeout = ${HOT_PATH_BUSY_TIMEOUT_MS}`);
  const journal = new WriteJournal(db, undefined, o.commitWindowMs);
  journals.set(db, journal);
  // From here on, a write that is not the hot path's commits the hot path's open turn first (group-commit.ts).
  journal.turns.guard();
  // Closing (shutdown) tries the kept writes once more and stops the replay timer; if the store still cannot take
  // them they are lost with the process, as any memory is (the audit trail then lacks those entries).
  const close = db.close.bind(db);
  db.close = () => {
    journal.stop();
    if (db.open) {
      journal.turns.commit();
      try {
        journal.replay();
      } catch {
        /* not a storage condition: nothing more can be done at close */
      }
    }
    return close();
  };
  const agents = new AgentStore(db);
  const audit = new AuditStore(db);
  // The hot path's four writes go through the journal; everything else writes directly, as before.
  const save = agents.save.bind(agents);
  agents.save = (a, now, stored) => journal.write(() => save(a, now, stored), () => save(a, now, stored), () => undefined);
  const add = audit.add.bind(audit);
  audit.add = (e) =>
    journal.write(
      () => {
        const id = add(e);
        journal.noteAuditId(id);
        return id;
      },
      (id) => void add(e, id),
      () => journal.nextAuditId(),
    );
  const sent = audit.sent.bind(audit);
  audit.sent = (id, trackingId, at) => journal.write(() => sent(id, trackingId, at), () => sent(id, trackingId, at), () => undefined);
  const result = audit.result.bind(audit);
  audit.result = (id, r, detail, at) => journal.write(() => result(id, r, detail, at), () => result(id, r, detail, at), () => undefined);
  let adminAudit: AdminAuditStore | undefined;
  return {
    db,
    journal,
    transaction: <T>(fn: () => T, group?: 'turn'): T => journal.transaction(fn, group === 'turn'),
    afterCommit: (fn: () => void): void => journal.turns.afterCommit(fn),
    agents,
    audit,
    connector: new ConnectorStore(db),
    keys: new KeyStore(db),
    profiles: new ProfileStore(db),
    get adminAudit(): AdminAuditStore {
      adminAudit ??= new AdminAuditStore(db);
      return adminAudit;
    },
    assertWritable: () => assertWritable(db),
  };
}

/**
 * Throws, in words, when the store cannot take writes: the journal holds writes back for want of space, a
 * read-only file or a broken device, or a write lock cannot be taken for another reason. A lock held by another
 * connection is not a failure: the hot path's writes wait in the journal and the connector keeps acting.
 */
export function assertWritable(db: Db): void {
  const s = journals.get(db)?.status();
  if (s?.persistent) throw new Error(`${s.error}; ${s.pending} write(s) waiting`);
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } catch (err) {
    if (/^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code))) return;
    throw err;
  }
}
