import { AppError } from '../errors.js';

/**
 * Directory searches per user: at most `perMinute` in any 60 s (a sliding window of start times), so one agent
 * typing fast — or a script — cannot spend the tenant's directory and presence budget for everyone. Past the quota
 * the search is refused with `rate_limited` and the seconds to wait.
 */
export class SearchQuota {
  private readonly starts = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Takes one search for `user`, or throws `rate_limited`. */
  take(user: string): void {
    const now = this.now();
    const recent = (this.starts.get(user) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.perMinute) {
      const wait = Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
      this.starts.set(user, recent);
      throw new AppError('rate_limited', `too many searches; try again in ${wait} s`, undefined, { retryAfterSeconds: wait });
    }
    recent.push(now);
    if (this.starts.size > 50_000) this.starts.clear();
    this.starts.set(user, recent);
  }
}
