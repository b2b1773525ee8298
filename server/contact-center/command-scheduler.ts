import { AppError } from '../errors.js';
import type { Clock } from '../ports.js';

/**
 * One client-side budget for every call to the contact center (Webex: 300 requests per minute per client id,
 * raisable through Cisco; a 429 carries `Retry-After`). Every request waits here for a slot before it is sent,
 * retries included, so the service is never asked for more than the budget and answers no 429 in steady state.
 *
 * Two limits hold at once: a sliding window (never more than `limit` grants in any `windowMs`, a little under
 * the vendor's figure so clock skew and network jitter cannot push a burst over it) and a token bucket that
 * paces grants at limit/window with a small burst, so a wave of low-priority work cannot spend the whole
 * minute's budget in one second and leave a priority-1 command waiting for the next minute.
 *
 * Waiters are served by priority, FIFO within one: (1) idle an Available agent whose Teams is busy (prevents a
 * RONA), (2) return a connector-idled agent to Available (restores capacity), (3) switch a connector-owned idle
 * code, (4) reads (reconciliation, configuration). Reads may not take the bucket's last third, which stays for
 * commands. A waiter with a `key` (the agent) supersedes the older waiter with the same key: only the latest
 * wanted state is ever sent, and the older caller gets a `SupersededError`. Nothing else is ever dropped.
 */

export type Priority = 1 | 2 | 3 | 4;
export const PRIORITIES: readonly Priority[] = [1, 2, 3, 4];

export interface SchedulerOptions {
  /** Requests per minute the vendor allows this client id (Webex default 300). */
  perMinute: number;
  clock: Clock;
  /** Share of the budget used, leaving a margin for skew (default 0.97). */
  headroom?: number;
  /** Sliding window (default 60 s plus 1 s of margin). */
  windowMs?: number;
  /** Bucket size (default a tenth of the limit, at least 3). */
  burst?: number;
}

export interface SchedulerStats {
  perMinute: number;
  /** Requests granted in the last minute, and that as a share of the budget. */
  usedLastMinute: number;
  budgetUse: number;
  queued: Record<`p${Priority}`, number>;
  /** Longest wait of anything still queued (ms), 0 when idle. */
  oldestWaitMs: number;
  granted: Record<`p${Priority}`, number>;
  superseded: number;
  /** 429 answers seen, and until when sending is paused by a Retry-After (ms epoch, or null). */
  throttled: number;
  pausedUntil: number | null;
  /** Commands (priorities 1–3) in the last hour, agents they concerned, and how many agents the budget serves at that rate. */
  commandsLastHour: number;
  agentsLastHour: number;
  readsLastHour: number;
  capacityAgents: number | null;
}

/** The caller's command was replaced by a newer one for the same agent before it was sent. */
export class SupersededError extends AppError {
  constructor(key: string) {
    super('conflict', `superseded by a newer command for ${key} before it was sent`);
    this.name = 'SupersededError';
  }
}

interface Waiter {
  priority: Priority;
  key: string | undefined;
  enqueuedAt: number;
  done: boolean;
  resolve(): void;
  reject(err: Error): void;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

export class CommandScheduler {
  readonly perMinute: number;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly burst: number;
  private readonly ratePerMs: number;
  private readonly queues: Record<Priority, Waiter[]> = { 1: [], 2: [], 3: [], 4: [] };
  private readonly byKey = new Map<string, Waiter>();
  /** Grant times in the sliding window, oldest first. */
  private readonly grants: number[] = [];
  private tokens: number;
  private tokensAt: number;
  private pausedUntil = 0;
  private timer: { cancel(): void } | null = null;
  private timerAt = Infinity;
  private readonly granted: Record<Priority, number> = { 1: 0, 2: 0, 3: 0, 4: 0 };
  private supersededCount = 0;
  private throttledCount = 0;
  /** Per-minute counters over the last hour ([minute, commands, reads]) and the agents commanded in it. */
  private readonly hourly: [number, number, number][] = [];
  private readonly agentsSeen = new Map<string, number>();

  constructor(private readonly o: SchedulerOptions) {
    if (!(o.perMinute >= 1)) throw new AppError('invalid', 'the contact-center request budget must be at least 1 per minute', 'perMinute');
    this.perMinute = o.perMinute;
    this.windowMs = o.windowMs ?? MINUTE_MS + 1_000;
    this.limit = Math.max(1, Math.floor(o.perMinute * (o.headroom ?? 0.97) * (this.windowMs / (MINUTE_MS + 1_000))));
    this.burst = o.burst ?? Math.max(3, Math.floor(this.limit / 10));
    this.ratePerMs = this.limit / this.windowMs;
    this.tokens = this.burst;
    this.tokensAt = o.clock.now();
  }

  /** Resolves when one request at `priority` may be sent; rejects with SupersededError when a newer one with the same key arrives first. */
  slot(priority: Priority, key?: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const now = this.o.clock.now();
      const w: Waiter = { priority, key, enqueuedAt: now, done: false, resolve, reject };
      if (key !== undefined) {
        const older = this.byKey.get(key);
        if (older && !older.done) {
          older.done = true;
          w.enqueuedAt = older.enqueuedAt;
          this.supersededCount++;
          older.reject(new SupersededError(key));
          const q = this.queues[older.priority];
          const at = q.indexOf(older);
          // Same priority: the newer command keeps the older one's place in the line.
          if (older.priority === priority && at >= 0) q[at] = w;
          else this.queues[priority].push(w);
        } else {
          this.queues[priority].push(w);
        }
        this.byKey.set(key, w);
      } else {
        this.queues[priority].push(w);
      }
      this.pump();
    });
  }

  /** Withdraws the request waiting with this key (its caller gets a SupersededError); true when one was waiting. */
  cancel(key: string): boolean {
    const w = this.byKey.get(key);
    if (!w || w.done) return false;
    w.done = true;
    this.byKey.delete(key);
    this.supersededCount++;
    w.reject(new SupersededError(key));
    return true;
  }

  /** A 429 (or a 503 with Retry-After): nothing is sent before `retryAfterMs` has passed, and the burst is spent. */
  throttled(retryAfterMs: number): void {
    this.throttledCount++;
    const now = this.o.clock.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.max(0, retryAfterMs));
    this.tokens = 0;
    this.tokensAt = now;
    this.pump();
  }

  stats(): SchedulerStats {
    const now = this.o.clock.now();
    this.trimWindow(now);
    this.trimHour(now);
    const queued = { p1: 0, p2: 0, p3: 0, p4: 0 };
    let oldest = now;
    for (const p of PRIORITIES) {
      for (const w of this.queues[p]) {
        if (w.done) continue;
        queued[`p${p}`]++;
        oldest = Math.min(oldest, w.enqueuedAt);
      }
    }
    const used = this.grants.filter((t) => t > now - MINUTE_MS).length;
    const [commands, reads] = this.hourly.reduce(([c, r], m) => [c + m[1], r + m[2]], [0, 0]);
    const agents = this.agentsSeen.size;
    const perAgentPerHour = agents > 0 ? commands / agents : 0;
    return {
      perMinute: this.perMinute,
      usedLastMinute: used,
      budgetUse: Math.round((used / this.perMinute) * 1000) / 1000,
      queued,
      oldestWaitMs: now - oldest,
      granted: { p1: this.granted[1], p2: this.granted[2], p3: this.granted[3], p4: this.granted[4] },
      superseded: this.supersededCount,
      throttled: this.throttledCount,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
      commandsLastHour: commands,
      agentsLastHour: agents,
      readsLastHour: reads,
      capacityAgents: perAgentPerHour > 0 ? Math.max(0, Math.floor((this.perMinute * 60 - reads) / perAgentPerHour)) : null,
    };
  }

  /** Rejects every waiter (the adapter is stopping). */
  close(): void {
    this.timer?.cancel();
    for (const p of PRIORITIES) {
      for (const w of this.queues[p].splice(0)) {
        if (w.done) continue;
        w.done = true;
        w.reject(new AppError('unavailable', 'the contact-center connection is stopping'));
      }
    }
    this.byKey.clear();
  }

  private pump(): void {
    const now = this.o.clock.now();
    for (;;) {
      const w = this.head();
      if (!w) return;
      const wait = this.waitFor(w.priority, now);
      if (wait > 0) return this.wakeAt(now + wait);
      this.grant(w, now);
    }
  }

  private head(): Waiter | undefined {
    for (const p of PRIORITIES) {
      const q = this.queues[p];
      while (q.length > 0 && q[0]!.done) q.shift();
      if (q.length > 0) return q[0];
    }
    return undefined;
  }

  /** How long a request at `priority` must wait from `now` (0 = may go now). */
  private waitFor(priority: Priority, now: number): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.refill(now);
    this.trimWindow(now);
    let wait = 0;
    if (this.grants.length >= this.limit) wait = Math.max(wait, this.grants[this.grants.length - this.limit]! + this.windowMs - now + 1);
    // Reads leave a third of the burst to commands that may arrive a moment later.
    const floor = priority === 4 ? this.burst / 3 : 0;
    const need = floor + 1 - this.tokens;
    if (need > 0) wait = Math.max(wait, Math.ceil(need / this.ratePerMs));
    return wait;
  }

  private grant(w: Waiter, now: number): void {
    this.queues[w.priority].shift();
    w.done = true;
    if (w.key !== undefined && this.byKey.get(w.key) === w) this.byKey.delete(w.key);
    this.tokens -= 1;
    this.grants.push(now);
    this.granted[w.priority]++;
    this.countHourly(now, w);
    w.resolve();
  }

  private countHourly(now: number, w: Waiter): void {
    const minute = Math.floor(now / MINUTE_MS);
    let last = this.hourly[this.hourly.length - 1];
    if (!last || last[0] !== minute) {
      last = [minute, 0, 0];
      this.hourly.push(last);
      this.trimHour(now);
    }
    if (w.priority === 4) last[2]++;
    else {
      last[1]++;
      if (w.key !== undefined) {
        this.agentsSeen.delete(w.key);
        this.agentsSeen.set(w.key, now);
      }
    }
  }

  private trimHour(now: number): void {
    const minMinute = Math.floor((now - HOUR_MS) / MINUTE_MS);
    while (this.hourly.length > 0 && this.hourly[0]![0] <= minMinute) this.hourly.shift();
    for (const [key, at] of this.agentsSeen) {
      if (at > now - HOUR_MS) break;
      this.agentsSeen.delete(key);
    }
  }

  private refill(now: number): void {
    if (now <= this.tokensAt) return;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.tokensAt) * this.ratePerMs);
    this.tokensAt = now;
  }

  private trimWindow(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.grants.length && this.grants[drop]! <= cutoff) drop++;
    if (drop > 0) this.grants.splice(0, drop);
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(1, at - this.o.clock.now()));
  }
}
