import type { Clock } from '../../ports.js';

/**
 * Remembers the state commands this connector sent, so that the asynchronous result frame can be recognised
 * as the connector's own. A command may be known by several tracking ids (the one we sent in the
 * `TrackingId` header and the one Webex answered with); every alias resolves to the id returned to the
 * engine. Entries expire, and the ledger is bounded, because results that never arrive must not leak memory.
 */
export interface CommandRecord {
  trackingId: string;
  agentId: string;
  sentAt: number;
}

export class WebexCommandLedger {
  private readonly byAlias = new Map<string, CommandRecord>();
  private integrationUserId: string | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 20_000,
  ) {}

  /** The user behind the integration token (from `/v1/people/me`); its changes are the connector's. */
  setIntegrationUserId(id: string | null): void {
    this.integrationUserId = id;
  }

  getIntegrationUserId(): string | null {
    return this.integrationUserId;
  }

  record(trackingId: string, agentId: string, aliases: readonly string[] = []): void {
    const rec: CommandRecord = { trackingId, agentId, sentAt: this.clock.now() };
    for (const alias of new Set([trackingId, ...aliases])) {
      if (alias) this.byAlias.set(alias, rec);
    }
    this.prune();
  }

  /** The command a frame's tracking id belongs to, or undefined when it is not ours (or expired). */
  resolve(trackingId: string | null | undefined): CommandRecord | undefined {
    if (!trackingId) return undefined;
    const rec = this.byAlias.get(trackingId);
    if (!rec) return undefined;
    if (this.clock.now() - rec.sentAt > this.ttlMs) {
      this.forget(rec);
      return undefined;
    }
    return rec;
  }

  /** Forgets every alias of a command, so a duplicated failure frame is reported once. */
  forget(rec: CommandRecord): void {
    for (const [alias, r] of this.byAlias) if (r === rec) this.byAlias.delete(alias);
  }

  isIntegrationUser(id: string | null | undefined): boolean {
    return !!id && this.integrationUserId !== null && sameUserId(id, this.integrationUserId);
  }

  size(): number {
    return this.byAlias.size;
  }

  private prune(): void {
    const cutoff = this.clock.now() - this.ttlMs;
    // Map iteration is insertion order, so the oldest entries come first.
    for (const [alias, rec] of this.byAlias) {
      if (rec.sentAt >= cutoff && this.byAlias.size <= this.maxEntries) break;
      this.byAlias.delete(alias);
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
