import type { EmulatorClock } from './emulator-clock.js';

/**
 * Graph's presence throttle: at most `limit` requests per sliding `windowMs` per application (per tenant).
 * Each key keeps a ring of the timestamps of its last `limit` admitted requests, so a check is O(1): the
 * request is admitted when the oldest of those is already outside the window. A refused request is not
 * counted, and its Retry-After is the whole seconds until that oldest entry leaves the window.
 */
export class ThrottleLimiter {
  private readonly rings = new Map<string, { stamps: Float64Array; head: number; size: number }>();

  constructor(
    private readonly clock: EmulatorClock,
    public limit: number,
    public windowMs: number,
  ) {}

  /** 0 when admitted, otherwise the Retry-After in seconds (≥ 1). */
  take(key: string): number {
    const now = this.clock.now();
    let ring = this.rings.get(key);
    if (!ring || ring.stamps.length !== this.limit) {
      ring = { stamps: new Float64Array(this.limit), head: 0, size: 0 };
      this.rings.set(key, ring);
    }
    if (ring.size === this.limit) {
      const oldest = ring.stamps[ring.head]!;
      const freeAt = oldest + this.windowMs;
      if (freeAt > now) return Math.max(1, Math.ceil((freeAt - now) / 1000));
      ring.stamps[ring.head] = now;
      ring.head = (ring.head + 1) % this.limit;
      return 0;
    }
    ring.stamps[(ring.head + ring.size) % this.limit] = now;
    ring.size++;
    return 0;
  }

  reset(): void {
    this.rings.clear();
  }
}
