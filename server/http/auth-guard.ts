import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Authenticator } from '../ports.js';

export interface AuthGuardOptions {
  /** Failed authentications a source may make per window; the next attempts are refused without a check. */
  limit: number;
  windowMs: number;
  logger: Logger;
  now?: () => number;
}

interface SourceState {
  windowStart: number;
  failures: number;
  /** Failures of the window before this one (reported in the log line that opens the next window). */
  previous: number;
  lockedUntil: number;
  /** Consecutive windows that ended locked out: each doubles the next lockout (at most 16 windows). */
  strikes: number;
}

const MAX_SOURCES = 50_000;

/**
 * Rate limit with backoff on failed authentication, per source address. A source that fails `limit` times within a
 * window is refused (429, Retry-After) until the lockout ends, without checking the credential at all — so a stream
 * of wrong tokens cannot make the connector call the contact center's People API once per attempt, and guessing keys
 * is bounded. Each source gets one log line per window (when its first failure of the window happens), naming the
 * address and how many failures the previous window had; never the credential.
 */
export class AuthGuard {
  private readonly sources = new Map<string, SourceState>();
  private readonly now: () => number;

  constructor(private readonly o: AuthGuardOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Milliseconds until `source` may try again (0 = now). */
  retryAfterMs(source: string): number {
    const s = this.sources.get(source);
    return s ? Math.max(0, s.lockedUntil - this.now()) : 0;
  }

  /** Records one failed attempt from `source`. */
  failed(source: string): void {
    const now = this.now();
    let s = this.sources.get(source);
    if (!s) {
      if (this.sources.size >= MAX_SOURCES) this.prune(now);
      s = { windowStart: now, failures: 0, previous: 0, lockedUntil: 0, strikes: 0 };
      this.sources.set(source, s);
    } else if (now - s.windowStart >= this.o.windowMs) {
      s.strikes = s.lockedUntil > s.windowStart ? Math.min(s.strikes + 1, 4) : 0;
      s.previous = s.failures;
      s.windowStart = now;
      s.failures = 0;
    }
    s.failures += 1;
    if (s.failures === 1) {
      this.o.logger.warn({ source, previousWindowFailures: s.previous, windowMs: this.o.windowMs, limit: this.o.limit }, 'authentication failed from this source');
    }
    if (s.failures >= this.o.limit) s.lockedUntil = now + this.o.windowMs * 2 ** s.strikes;
  }

  /** Wraps an authenticator: a locked-out source gets `rate_limited` without a check; a refusal counts as a failure. */
  wrap(auth: Authenticator): Authenticator {
    return async (token, source) => {
      const from = source ?? 'unknown';
      const wait = this.retryAfterMs(from);
      if (wait > 0) throw rateLimited(wait);
      const principal = await auth(token, source);
      if (!principal) this.failed(from);
      return principal;
    };
  }

  private prune(now: number): void {
    for (const [k, s] of this.sources) if (s.lockedUntil <= now && now - s.windowStart >= this.o.windowMs) this.sources.delete(k);
    if (this.sources.size >= MAX_SOURCES) this.sources.clear();
  }
}

export function rateLimited(waitMs: number): AppError {
  return new AppError('rate_limited', 'too many failed authentications from this address; try again later', undefined, { retryAfterSeconds: Math.ceil(waitMs / 1000) });
}
