import type { Db } from './db.js';

/**
 * Group commit for the hot path. The first hot-path write of an event-loop turn opens one transaction
 * (`BEGIN IMMEDIATE`); every decision, audit entry, command outcome and agent row written in the same turn joins
 * it, and it commits once, when the turn ends (setImmediate) — or, when the previous commit is less than
 * `windowMs` old, when that window closes, so that the turns of a steady stream of events (a presence read, a
 * command's answer, a webhook, each its own turn) share one commit. A transaction per write wrote each touched page
 * to the WAL again and again; one per window writes it once. Callbacks registered with `afterCommit` (the outbox of
 * commands) run right after that commit, so no command leaves before what caused it is stored; they wait at most
 * `windowMs`.
 *
 * Every other write (administration, the Graph inbox, key use, pruning) stays a unit of its own: the guard
 * installed on the database commits the open turn before any statement, `exec`, `pragma` or transaction that
 * did not come from the hot path, so such a write never shares a transaction whose failure it could not see.
 */
export class GroupCommit {
  private turn: { log: (() => void)[]; after: (() => void)[] } | null = null;
  /** Depth of hot-path work in progress: writes made inside it belong to the turn. */
  private hot = 0;
  private readonly rawExec: (sql: string) => void;
  private lastCommitAt = -Infinity;

  constructor(
    private readonly db: Db,
    /** The turn's writes could not be committed: they are handed back, in order, for replay. */
    private readonly onLost: (err: unknown, writes: (() => void)[]) => void,
    /** Shortest time between two commits of the hot path (0: every turn commits on its own). */
    private readonly windowMs = 5,
  ) {
    const exec = db.exec.bind(db);
    this.rawExec = (sql) => void exec(sql);
  }

  /** Runs hot-path work; writes it makes (and foreign writes it triggers) stay in the turn. */
  hotPath<T>(fn: () => T): T {
    this.hot++;
    try {
      return fn();
    } finally {
      this.hot--;
    }
  }

  /** Opens the turn's transaction if none is open; throws SQLite's error when the write lock cannot be had. */
  begin(): void {
    if (this.turn || this.db.inTransaction) return;
    this.rawExec('BEGIN IMMEDIATE');
    this.turn = { log: [], after: [] };
    const wait = this.lastCommitAt + this.windowMs - performance.now();
    if (wait >= 1) setTimeout(() => this.commit(), wait);
    else setImmediate(() => this.commit());
  }

  /** Remembers how to redo a write the open turn holds, should its commit fail. */
  logged(redo: () => void): void {
    this.turn?.log.push(redo);
  }

  /** Runs `fn` once the turn's writes are committed (at once when no turn is open). */
  afterCommit(fn: () => void): void {
    if (this.turn) this.turn.after.push(fn);
    else fn();
  }

  /** Commits the open turn; on failure its writes go back to the caller (onLost) and nothing stays half-written. */
  commit(): void {
    const turn = this.turn;
    if (!turn) return;
    this.turn = null;
    this.lastCommitAt = performance.now();
    try {
      if (this.db.inTransaction) this.rawExec('COMMIT');
    } catch (err) {
      this.rollback();
      this.onLost(err, turn.log);
    }
    runAll(turn.after);
  }

  /** A write of the turn failed: undo the turn and hand its earlier writes back for replay (in order). */
  abort(err: unknown): void {
    const turn = this.turn;
    if (!turn) return;
    this.turn = null;
    this.rollback();
    this.onLost(err, turn.log);
    // Commands still leave (the writes are kept in memory and replayed), as when the store was down before the turn.
    setImmediate(() => runAll(turn.after));
  }

  /**
   * Makes every later use of `db` outside the hot path commit the open turn first: prepared statements that write,
   * `exec`, `pragma` and `transaction`. Statements prepared before this call are not guarded.
   */
  guard(): void {
    const db = this.db;
    const before = (): void => {
      if (this.turn && this.hot === 0) this.commit();
    };
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      const stmt = prepare(sql);
      if (stmt.reader) return stmt;
      const run = stmt.run.bind(stmt);
      stmt.run = ((...args: unknown[]) => {
        before();
        return run(...(args as []));
      }) as typeof stmt.run;
      return stmt;
    }) as Db['prepare'];
    const exec = db.exec.bind(db);
    db.exec = ((sql: string) => {
      before();
      return exec(sql);
    }) as Db['exec'];
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: { simple?: boolean }) => {
      before();
      return pragma(source, options);
    }) as Db['pragma'];
    const transaction = db.transaction.bind(db);
    db.transaction = ((fn: (...a: unknown[]) => unknown) => {
      const tx = transaction(fn);
      const guarded = (...args: unknown[]): unknown => {
        before();
        return tx(...args);
      };
      return Object.assign(guarded, { default: guarded, deferred: tx.deferred, immediate: tx.immediate, exclusive: tx.exclusive });
    }) as Db['transaction'];
  }

  private rollback(): void {
    try {
      if (this.db.inTransaction) this.rawExec('ROLLBACK');
    } catch {
      /* SQLite already rolled the transaction back */
    }
  }
}

function runAll(fns: (() => void)[]): void {
  for (const fn of fns) {
    try {
      fn();
    } catch {
      /* each callback handles its own failures (the outbox logs them); one cannot stop the others */
    }
  }
}
