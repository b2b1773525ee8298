import type { Db } from './db.js';
import { GroupCommit } from './group-commit.js';

/** SQLite result codes that mean "the store cannot take this write now", not "this write is wrong". */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN|PROTOCOL)/;
/** Codes that last until an operator acts (space, permissions, the device); a lock held elsewhere passes by itself. */
const PERSISTENT = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/;

export const storageUnavailable = (err: unknown): boolean => UNAVAILABLE.test(String((err as { code?: unknown })?.code ?? ''));

export interface StorageStatus {
  /** False while writes are waiting to be replayed. */
  ok: boolean;
  /** Writes accepted in memory and not yet stored. */
  pending: number;
  /** SQLite's code of the last failure (SQLITE_FULL, SQLITE_READONLY, SQLITE_BUSY...), or null. */
  errorCode: string | null;
  /** The failure in words, or null. */
  error: string | null;
  /** A failure that lasts until someone acts (full disk, read-only file): the connector is not ready. */
  persistent: boolean;
  since: number | null;
  /** Writes stored by a replay since start. */
  replayed: number;
}

const BACKOFF_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * The hot path's writes (agent rows, audit entries and their outcomes) survive a store that cannot take them: a
 * write lock held by another connection past the short busy timeout, a full disk, a read-only file. The first
 * write that fails, and every one after it, is kept in order in memory and replayed in one transaction with
 * backoff until the store takes it; the engine keeps deciding meanwhile and nothing it acknowledged is lost
 * (unless the process itself dies before the store is back). Audit ids are handed out here while writes wait, so
 * an entry and its later outcome keep referring to each other.
 */
export class WriteJournal {
  private readonly queue: (() => void)[] = [];
  private failure: { code: string; message: string; since: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private replayedCount = 0;
  private lastAuditId = 0;
  /** Writes done inside the current transaction, kept so a transaction that fails at COMMIT can be replayed. */
  private txLog: (() => void)[] | null = null;
  private txFailed = false;
  private stopped = false;
  /** The hot path's writes of one event-loop turn, committed together (group-commit.ts). */
  readonly turns: GroupCommit;
  private readonly rawTransaction: Db['transaction'];

  constructor(
    private readonly db: Db,
    private readonly onChange: (s: StorageStatus) => void = () => undefined,
    commitWindowMs?: number,
  ) {
    this.rawTransaction = db.transaction.bind(db);
    const lost = (err: unknown, writes: (() => void)[]): void => {
      if (storageUnavailable(err)) this.fail(err);
      // What the turn wrote comes first: every write kept after it was made later.
      this.queue.unshift(...writes);
      this.schedule();
    };
    this.turns = new GroupCommit(db, lost, commitWindowMs);
  }

  status(): StorageStatus {
    const f = this.failure;
    return {
      ok: this.queue.length === 0 && !f,
      pending: this.queue.length,
      errorCode: f?.code ?? null,
      error: f ? describe(f.code, f.message) : null,
      persistent: f ? PERSISTENT.test(f.code) : false,
      since: f?.since ?? null,
      replayed: this.replayedCount,
    };
  }

  /**
   * A write of the hot path: done now (`now`) when the store takes it, else kept for replay. `redo` writes the same
   * thing again given what `now` returned (an audit entry keeps its id); `later` answers in place of `now` while
   * the write waits.
   */
  write<T>(now: () => T, redo: (value: T) => void, later: () => T): T {
    if (this.queue.length > 0 || this.txFailed) return this.defer(redo, later);
    try {
      if (!this.txLog) this.turns.begin();
      const value = this.turns.hotPath(now);
      if (this.txLog) this.txLog.push(() => redo(value));
      else this.turns.logged(() => redo(value));
      return value;
    } catch (err) {
      if (!storageUnavailable(err)) throw err;
      this.fail(err);
      if (this.txLog) this.txFailed = true;
      else this.turns.abort(err);
      return this.defer(redo, later);
    }
  }

  /** The id the next audit entry gets while writes wait (one more than any id handed out or stored). */
  nextAuditId(): number {
    const row = this.db.prepare("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0), COALESCE((SELECT MAX(id) FROM audit), 0)) AS n").get() as { n: number };
    this.lastAuditId = Math.max(this.lastAuditId, row.n) + 1;
    return this.lastAuditId;
  }

  noteAuditId(id: number): void {
    this.lastAuditId = Math.max(this.lastAuditId, id);
  }

  /**
   * One transaction of the caller. A hot-path write that fails inside it turns the whole transaction into kept
   * writes (SQLite may already have rolled part of it back); so does a COMMIT that fails for want of space or
   * lock. Other errors propagate as before. With `group`, the transaction joins the turn's (a savepoint in it) and
   * commits with it; without, it commits on its own, after the turn's writes.
   */
  transaction<T>(fn: () => T, group = false): T {
    if (this.txLog) return fn();
    if (!group) this.turns.commit();
    if (this.queue.length > 0) return this.deferredTransaction(fn);
    if (group) {
      try {
        this.turns.begin();
      } catch (err) {
        if (!storageUnavailable(err)) throw err;
        this.fail(err);
        return this.deferredTransaction(fn);
      }
    }
    this.txLog = [];
    this.txFailed = false;
    let result: { value: T } | null = null;
    try {
      const value = this.turns.hotPath(() =>
        this.rawTransaction(() => {
          result = { value: fn() };
          if (this.txFailed) throw new RolledBack();
          return result.value;
        })(),
      );
      for (const w of this.txLog) this.turns.logged(w);
      return value;
    } catch (err) {
      if (!result || !(err instanceof RolledBack || storageUnavailable(err))) throw err;
      if (!(err instanceof RolledBack)) this.fail(err);
      // Everything this transaction did, in order, is kept: what ran directly (rolled back) and what was deferred;
      // in a turn, what the turn wrote before it comes first (the whole turn is undone).
      const log = this.txLog;
      const kept = this.queue.splice(0);
      this.queue.push(...log, ...kept);
      this.turns.abort(err);
      this.schedule();
      return (result as { value: T }).value;
    } finally {
      this.txLog = null;
      this.txFailed = false;
    }
  }

  /** Tries the kept writes now, in one transaction; true when none is left. */
  replay(): boolean {
    if (this.queue.length === 0) return true;
    const n = this.queue.length;
    try {
      this.turns.commit();
      this.rawTransaction(() => {
        for (const w of this.queue) w();
      })();
    } catch (err) {
      if (!storageUnavailable(err)) throw err;
      this.fail(err);
      this.schedule();
      return false;
    }
    this.queue.splice(0, n);
    this.replayedCount += n;
    this.failure = null;
    this.attempt = 0;
    this.onChange(this.status());
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private deferredTransaction<T>(fn: () => T): T {
    this.txLog = [];
    this.txFailed = true;
    try {
      return fn();
    } finally {
      this.txLog = null;
      this.txFailed = false;
    }
  }

  private defer<T>(redo: (value: T) => void, later: () => T): T {
    const value = later();
    this.queue.push(() => redo(value));
    this.schedule();
    return value;
  }

  private fail(err: unknown): void {
    const code = String((err as { code?: unknown }).code);
    const first = !this.failure;
    this.failure = { code, message: (err as Error).message, since: this.failure?.since ?? Date.now() };
    if (first) this.onChange(this.status());
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)]!;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.replay();
      } catch {
        // Not a storage condition (a constraint): keep the writes and try again later rather than crash.
        this.schedule();
      }
    }, delay);
    this.timer.unref?.();
  }
}

class RolledBack extends Error {}

function describe(code: string, message: string): string {
  if (code.startsWith('SQLITE_FULL')) return `the disk is full; writes are kept in memory until space returns (${message})`;
  if (code.startsWith('SQLITE_READONLY')) return `the database file is read-only; writes are kept in memory until it is writable (${message})`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `another connection holds the write lock; writes are kept in memory until it is released (${message})`;
  return `the database cannot be written (${code}: ${message})`;
}
