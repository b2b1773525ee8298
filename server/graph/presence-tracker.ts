import type { Presence } from '../domain/presence.js';

/**
 * Last observed presence per watched user, kept compact for 50,000 users: availability and activity are
 * interned (Graph uses a few dozen distinct values) and packed with the out-of-office flag into one small
 * integer per user. Values compare case-insensitively (casing differs between Graph generations); the
 * first spelling seen is the one reported.
 */

const NONE = 0;

export class PresenceTracker {
  private readonly codes = new Map<string, number>();
  private readonly spellings: string[] = [''];
  private readonly byUser = new Map<string, number>();

  get size(): number {
    return this.byUser.size;
  }

  has(userId: string): boolean {
    return this.byUser.has(userId);
  }

  /** Keeps exactly these users: new ones start unobserved, others are forgotten. */
  retain(userIds: Iterable<string>): void {
    const keep = new Set(userIds);
    for (const id of this.byUser.keys()) if (!keep.has(id)) this.byUser.delete(id);
    for (const id of keep) if (!this.byUser.has(id)) this.byUser.set(id, NONE);
  }

  /**
   * Records an observation; true when it differs from the last one (or is the first). Unwatched users are
   * ignored (false). An observation without an out-of-office flag keeps the last known flag.
   */
  observe(userId: string, presence: Presence): boolean {
    const previous = this.byUser.get(userId);
    if (previous === undefined) return false;
    const oof = presence.outOfOffice ?? (previous !== NONE && (previous & 1) === 1);
    const packed = ((this.intern(presence.availability) * 4096 + this.intern(presence.activity)) << 1) | (oof ? 1 : 0);
    if (packed === previous) return false;
    this.byUser.set(userId, packed);
    return true;
  }

  get(userId: string): Presence | null {
    const packed = this.byUser.get(userId);
    if (packed === undefined || packed === NONE) return null;
    const pair = packed >>> 1;
    return {
      availability: this.spellings[Math.floor(pair / 4096)]!,
      activity: this.spellings[pair % 4096]!,
      outOfOffice: (packed & 1) === 1,
    };
  }

  private intern(value: string): number {
    // Graph sends the same few spellings over and over: known ones are found as they come, without normalising.
    const seen = this.bySpelling.get(value);
    if (seen !== undefined) return seen;
    const code = this.internNormalised(value);
    if (this.bySpelling.size < 4096) this.bySpelling.set(value, code);
    return code;
  }
  private readonly bySpelling = new Map<string, number>();

  private internNormalised(value: string): number {
    const key = (value ?? '').trim().toLowerCase();
    let code = this.codes.get(key);
    if (code === undefined) {
      // 4095 distinct values are far beyond anything Graph emits; beyond that they share one slot.
      if (this.spellings.length >= 4095) return 4095;
      code = this.spellings.length;
      this.spellings.push(value ?? '');
      this.codes.set(key, code);
    }
    return code;
  }
}
