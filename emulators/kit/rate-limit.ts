/**
 * A fixed one-minute window per key (for Webex: per OAuth client id). `take` answers null when the request may
 * proceed, or the whole seconds until the window resets (for a `Retry-After` header).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  get limit(): number {
    return this.perMinute;
  }

  take(key: string): number | null {
    if (this.perMinute <= 0) return null;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    if (w.used < this.perMinute) {
      w.used++;
      return null;
    }
    return Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
  }

  reset(): void {
    this.windows.clear();
  }
}
