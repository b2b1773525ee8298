import type { Logger } from './logger.js';
import { AuditRetentionStore } from './store/audit-retention-store.js';
import type { Db } from './store/db.js';

export interface AuditPruningOptions {
  auditRetentionDays: number;
  auditPruneIntervalMs: number;
  auditPruneBatch: number;
}

const DAY_MS = 86_400_000;

/**
 * The audit retention job: every `intervalMs` it deletes entries older than `retentionDays`, `batch` rows per short
 * transaction, yielding to the event loop between batches so commands and presence are never held up behind it.
 */
export function startAuditPruning(db: Db, o: AuditPruningOptions, logger: Logger, now: () => number = Date.now): { runOnce(): Promise<number>; stop(): Promise<void> } {
  const store = new AuditRetentionStore(db);
  let stopped = false;
  let running: Promise<number> | null = null;

  const runOnce = (): Promise<number> => {
    running ??= (async () => {
      const cutoff = now() - o.auditRetentionDays * DAY_MS;
      let total = 0;
      for (;;) {
        if (stopped) break;
        const n = store.pruneBatch(cutoff, o.auditPruneBatch);
        total += n;
        if (n < o.auditPruneBatch) break;
        await new Promise((r) => setImmediate(r));
      }
      if (total > 0) logger.info({ pruned: total, retentionDays: o.auditRetentionDays }, 'audit entries past retention pruned');
      return total;
    })()
      .catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'audit pruning failed; retried at the next run');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => void runOnce(), o.auditPruneIntervalMs);
  timer.unref();
  const first = setTimeout(() => void runOnce(), Math.min(o.auditPruneIntervalMs, 5_000));
  first.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
