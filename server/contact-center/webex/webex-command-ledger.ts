import type { Clock } from '../../ports.js';

/**
 * The commands this adapter sent, recorded **before** each request leaves (the result frame can overtake the
 * HTTP answer, and a process killed mid-request must not forget what it may have applied). A command is known
 * by its id (the one in the reason marker) and its tracking id (sent in the `TrackingId` header); the engine
 * keeps the durable copy of the command in flight and of the last one applied, so this in-memory ledger only
 * has to bridge the time a result takes to arrive. Entries expire and the ledger is bounded.
 */
export interface CommandRecord {
  commandId: string;
  trackingId: string;
  agentId: string;
  state: 'Available' | 'Idle';
  idleCodeId?: string;
  sentAt: number;
}

export class WebexCommandLedger {
  private readonly byId = new Map<string, CommandRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 30 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  record(rec: Omit<CommandRecord, 'sentAt'>): CommandRecord {
    const full: CommandRecord = { ...rec, sentAt: this.clock.now() };
    this.byId.delete(rec.commandId);
    this.byId.set(rec.commandId, full);
    if (rec.trackingId !== rec.commandId) this.byId.set(rec.trackingId, full);
    this.prune();
    return full;
  }

  /** The command a tracking id or command id belongs to, or undefined when it is not ours (or expired). */
  resolve(id: string | null | undefined): CommandRecord | undefined {
    if (!id) return undefined;
    const rec = this.byId.get(id);
    if (!rec) return undefined;
    if (this.clock.now() - rec.sentAt > this.ttlMs) {
      this.forget(rec);
      return undefined;
    }
    return rec;
  }

  /** Forgets a command, so a duplicated failure frame is reported once. */
  forget(rec: CommandRecord): void {
    if (this.byId.get(rec.commandId) === rec) this.byId.delete(rec.commandId);
    if (this.byId.get(rec.trackingId) === rec) this.byId.delete(rec.trackingId);
  }

  size(): number {
    return this.byId.size;
  }

  private prune(): void {
    const cutoff = this.clock.now() - this.ttlMs;
    // Map iteration is insertion order, so the oldest entries come first.
    for (const [key, rec] of this.byId) {
      if (rec.sentAt >= cutoff && this.byId.size <= this.maxEntries) break;
      this.byId.delete(key);
    }
  }
}

/**
 * Webex people ids are base64 of `ciscospark://<dc>/PEOPLE/<uuid>` while contact-center payloads carry the
 * bare uuid; both spellings name the same user.
 */
export function bareUserId(id: string): string {
  if (/^[A-Za-z0-9+/=_-]{40,}$/.test(id)) {
    try {
      const decoded = Buffer.from(id, 'base64').toString('utf8');
      const m = /^ciscospark:\/\/[^/]+\/PEOPLE\/([0-9a-fA-F-]+)$/.exec(decoded);
      if (m) return m[1]!;
    } catch {
      // not base64: use as is
    }
  }
  return id;
}

export function sameUserId(a: string, b: string): boolean {
  return bareUserId(a).toLowerCase() === bareUserId(b).toLowerCase();
}
