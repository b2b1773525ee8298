import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../logger.js';
import type { Clock, PresenceEvent } from '../ports.js';
import { observationTime } from '../ports.js';
import { CallBudget } from './call-budget.js';
import { describeGraphError, graphStatus, isRetryable, retryAfterMs } from './graph-errors.js';
import { idAttributable, isolateBadIds, type IsolatedUsers } from './isolation.js';
import { chunk, getPresencesByUserId } from './presence-api.js';
import type { PresenceTracker } from './presence-tracker.js';

/**
 * Reads presence for a list of users with getPresencesByUserId: batches of 650, a few calls in flight, every
 * call started only when the shared CallBudget allows it. A 429 pauses every call for Retry-After (or an
 * exponential backoff when absent) and the batch is retried; other failures are recorded for health and the
 * batch waits for the next cycle. Only observations that differ from the tracker's last one are emitted.
 * With `isolation`, a batch refused in a way one bad id explains (400/404 — a deleted or unknown user) is
 * halved until the refused ids are found; they are isolated and the rest is read at once.
 */

export interface PollerStats {
  lastSuccessAt: number | null;
  lastError: string | null;
  throttledCount: number;
  graphCalls: number;
}

export interface PresencePollerOptions {
  client: Client;
  clock: Clock;
  logger: Logger;
  budget: CallBudget;
  tracker: PresenceTracker;
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  isolation?: IsolatedUsers;
}

const MAX_THROTTLE_RETRIES = 6;
const MAX_ERROR_RETRIES = 2;

export class PresencePoller {
  readonly stats: PollerStats = { lastSuccessAt: null, lastError: null, throttledCount: 0, graphCalls: 0 };
  /** Batches of the current cycle not yet read (waiting for budget or for a worker). */
  private waiting = 0;

  /** Share of the poller's Graph budget spent in the last window, and batches still waiting in this cycle. */
  budgetState(): { budgetUse: number; queued: number } {
    return { budgetUse: this.options.budget.use(this.options.clock.now()), queued: this.waiting };
  }
  private stopped = false;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: PresencePollerOptions) {}

  /** Wakes every wait and makes running cycles end after their current call. */
  stop(): void {
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  resume(): void {
    this.stopped = false;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** One pass over `ids`; resolves when every batch was read, failed, or the poller stopped. */
  async runCycle(ids: readonly string[], via: PresenceEvent['via'], emit: (events: PresenceEvent[]) => void): Promise<void> {
    const { isolation, clock } = this.options;
    const now = clock.now();
    const batches = chunk(isolation ? ids.filter((id) => !isolation.blocks(id, now, ['not-in-directory', 'presence-refused'])) : ids);
    let index = 0;
    this.waiting = batches.length;
    const worker = async (): Promise<void> => {
      while (!this.stopped && index < batches.length) {
        const batch = batches[index++]!;
        await this.readBatch(batch, via, emit);
        this.waiting -= 1;
      }
    };
    const workers = Math.min(this.options.concurrency ?? 4, batches.length);
    try {
      await Promise.all(Array.from({ length: workers }, worker));
    } finally {
      this.waiting = 0;
    }
  }

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        timer.cancel();
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = this.options.clock.setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  /** Finds and isolates the ids that make Graph refuse `batch`; returns the others. */
  private async isolate(batch: string[], cause: unknown): Promise<string[]> {
    const { isolation, client, clock, logger } = this.options;
    // The isolation dates from the refusal, not from the end of the search.
    const at = clock.now();
    const bad = await isolateBadIds(batch, async (ids) => {
      if (!(await this.acquire())) throw new Error('poller stopped');
      this.stats.graphCalls += 1;
      try {
        await getPresencesByUserId(client, [...ids]);
        return false;
      } catch (err) {
        if (graphStatus(err) !== 500 && idAttributable(err)) return true;
        throw err;
      }
    }).catch((err: unknown) => {
      logger.warn({ error: describeGraphError(err) }, 'could not isolate the ids Graph refused');
      return [] as string[];
    });
    if (bad.length === 0) return [];
    isolation!.add(bad, 'presence-refused', `presence read refused: ${describeGraphError(cause)}`, at);
    logger.warn({ users: bad.length }, 'users whose presence Graph refuses isolated from presence reads');
    return batch.filter((id) => !bad.includes(id));
  }

  private async acquire(): Promise<boolean> {
    const { budget, clock } = this.options;
    for (;;) {
      if (this.stopped) return false;
      const now = clock.now();
      if (budget.tryTake(now)) return true;
      await this.sleep(Math.max(1, budget.waitMs(now)));
    }
  }

  private async readBatch(batch: string[], via: PresenceEvent['via'], emit: (events: PresenceEvent[]) => void): Promise<void> {
    const { clock, logger, budget, tracker, client } = this.options;
    for (let attempt = 0; ; attempt++) {
      if (!(await this.acquire())) return;
      this.stats.graphCalls += 1;
      try {
        const result = await getPresencesByUserId(client, batch);
        const now = clock.now();
        this.stats.lastSuccessAt = now;
        this.stats.lastError = null;
        const events: PresenceEvent[] = [];
        const observedAt = observationTime(clock);
        for (const { id, presence } of result) {
          if (tracker.observe(id, presence)) events.push({ teamsUserId: id, presence: tracker.get(id)!, observedAt, via });
        }
        if (events.length > 0) {
          try {
            emit(events);
          } catch (err) {
            logger.error({ err }, 'presence consumer failed');
          }
        }
        return;
      } catch (err) {
        const status = graphStatus(err);
        const backoff = Math.min(60_000, 1_000 * 2 ** attempt);
        this.stats.lastError = describeGraphError(err);
        if (status === 429) {
          this.stats.throttledCount += 1;
          const wait = retryAfterMs(err, clock.now()) ?? backoff;
          budget.pause(clock.now() + wait);
          logger.warn({ retryAfterMs: wait, batch: batch.length }, 'Graph throttled presence reads; pausing all calls');
          if (attempt < MAX_THROTTLE_RETRIES) continue;
          return;
        }
        logger.warn({ status, error: this.stats.lastError, batch: batch.length }, 'presence read failed');
        if (this.options.isolation && status !== 500 && idAttributable(err)) {
          const rest = await this.isolate(batch, err);
          if (rest.length > 0 && rest.length < batch.length) return this.readBatch(rest, via, emit);
          return;
        }
        if (isRetryable(err) && attempt < MAX_ERROR_RETRIES) {
          await this.sleep(backoff);
          continue;
        }
        return;
      }
    }
  }
}
