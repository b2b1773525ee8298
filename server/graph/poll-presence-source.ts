import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../logger.js';
import type { Clock, PresenceEvent, PresenceSource, PresenceSourceHealth } from '../ports.js';
import { CallBudget } from './call-budget.js';
import { MAX_IDS_PER_CALL } from './presence-api.js';
import { IsolatedUsers } from './isolation.js';
import { PresencePoller } from './presence-poller.js';
import { PresenceTracker } from './presence-tracker.js';

/**
 * Poll mode (app-only token): every cycle reads all watched users in ⌈n/650⌉ calls. The cycle interval is
 * the larger of `minPollIntervalMs` and the shortest cycle the budget can sustain forever
 * (calls × window ÷ (share × limit)); the CallBudget enforces the same limit call by call, so even a slow
 * cycle followed by a catch-up never exceeds it. One timer for the whole source, never one per user.
 */

export interface PollPresenceSourceOptions {
  client: Client;
  clock: Clock;
  logger: Logger;
  throttleLimit: number;
  throttleWindowMs: number;
  budgetShare: number;
  minPollIntervalMs: number;
  concurrency?: number;
}

export function pollIntervalMs(users: number, budget: CallBudget, minPollIntervalMs: number): number {
  const calls = Math.ceil(users / MAX_IDS_PER_CALL);
  return Math.max(minPollIntervalMs, budget.minCycleMs(calls));
}

export class PollPresenceSource implements PresenceSource {
  readonly mode = 'poll' as const;
  readonly budget: CallBudget;
  private readonly tracker = new PresenceTracker();
  private readonly poller: PresencePoller;
  private ids: string[] = [];
  private running: Promise<void> | null = null;
  private active = false;
  private intervalMs: number;
  private lagMs = 0;
  /** Users whose presence Graph refuses (deleted, unknown): read no more, so their batch-mates stay fresh. */
  readonly isolation = new IsolatedUsers();

  constructor(private readonly options: PollPresenceSourceOptions) {
    this.budget = new CallBudget(options.throttleWindowMs, options.throttleLimit, options.budgetShare);
    this.poller = new PresencePoller({
      client: options.client,
      clock: options.clock,
      logger: options.logger,
      budget: this.budget,
      tracker: this.tracker,
      concurrency: options.concurrency,
      isolation: this.isolation,
    });
    this.intervalMs = options.minPollIntervalMs;
  }

  async start(onPresence: (events: PresenceEvent[]) => void): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.poller.resume();
    this.running = this.loop(onPresence);
  }

  async stop(): Promise<void> {
    this.active = false;
    this.poller.stop();
    await this.running;
    this.running = null;
  }

  watch(teamsUserIds: readonly string[]): void {
    this.ids = [...new Set(teamsUserIds)];
    this.tracker.retain(this.ids);
    this.isolation.retain(this.ids);
    this.intervalMs = pollIntervalMs(this.ids.length, this.budget, this.options.minPollIntervalMs);
  }

  health(): PresenceSourceHealth {
    const s = this.poller.stats;
    return {
      mode: 'poll',
      lastSuccessAt: s.lastSuccessAt,
      lastError: s.lastError,
      throttledCount: s.throttledCount,
      pollIntervalMs: this.intervalMs,
      pollLagMs: this.lagMs,
      graphCalls: s.graphCalls,
      ...this.poller.budgetState(),
      isolatedUsers: this.isolation.list(),
    };
  }

  private async loop(onPresence: (events: PresenceEvent[]) => void): Promise<void> {
    const { clock, logger } = this.options;
    let dueAt = clock.now();
    while (this.active) {
      const startedAt = clock.now();
      this.lagMs = Math.max(0, startedAt - dueAt);
      try {
        // A snapshot: watch() may replace the list while the cycle runs; the next cycle picks it up.
        await this.poller.runCycle(this.ids, 'poll', onPresence);
      } catch (err) {
        logger.error({ err }, 'presence poll cycle failed');
      }
      if (!this.active) break;
      // Fixed-rate schedule: the next cycle is due one interval after this one was due; a cycle that ran
      // long starts the next at once and the lateness shows up as poll lag.
      dueAt = Math.max(dueAt + this.intervalMs, startedAt);
      const wait = dueAt - clock.now();
      await this.poller.sleep(Math.max(wait, 1));
    }
  }
}
