import type { GraphStore } from '../store/graph-store.js';
import type { ServiceAccount } from './graph-client.js';
import { describeGraphError, graphStatus } from './graph-errors.js';
import type { ClientStateLookup } from './notification-intake.js';
import { parseExpiry, SUBSCRIPTION_LIFETIME_MS, SubscriptionCreator, type SubscriptionSettings } from './subscription-creator.js';

/**
 * Presence subscriptions, one per service account (Graph allows one presence subscription per application
 * per delegated user), each covering one group of ≤650 users. Lifetime asked: 55 minutes (clock skew between
 * connector and Graph cannot push it past Graph's 60). Renewed by PATCH about 40 minutes after the last
 * create/renew, and in any case 10 minutes before expiry; a renewal whose answer does not move the expiry
 * (Microsoft has said renewing presence subscriptions is not supported) is followed by a recreation, as is
 * a 404 or an expiry passed unrenewed. `reauthorizationRequired` is answered with a PATCH, which Graph
 * counts as reauthorization. Creation (directory check, bisection of refused ids, 409 orphans) lives in
 * SubscriptionCreator. One timer per subscription, never per user.
 */

export { SUBSCRIPTION_LIFETIME_MS } from './subscription-creator.js';
export const RENEW_AFTER_MS = 40 * 60_000;
const RENEW_MARGIN_MS = 10 * 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface SubscriptionManagerOptions extends SubscriptionSettings {
  store: GraphStore;
  onError: (message: string | null) => void;
}

export interface Slot {
  account: ServiceAccount;
  userIds: string[];
  /** The users the live subscription covers (userIds minus isolated ones). */
  coveredIds: string[];
  subscriptionId: string | null;
  clientState: string | null;
  expiresAt: number | null;
  renewedAt: number | null;
  failures: number;
  timer: { cancel(): void } | null;
  /** Serialises create/renew/delete for this slot. */
  chain: Promise<void>;
  renewals: number;
  recreations: number;
}

export class SubscriptionManager implements ClientStateLookup {
  readonly slots: Slot[] = [];
  private readonly byId = new Map<string, Slot>();
  private readonly pending = new Set<string>();
  private stopped = false;
  readonly creator: SubscriptionCreator;

  constructor(private readonly o: SubscriptionManagerOptions) {
    this.creator = new SubscriptionCreator({
      connection: o.connection,
      clock: o.clock,
      logger: o.logger,
      certificate: o.certificate,
      notificationUrl: o.notificationUrl,
      lifecycleNotificationUrl: o.lifecycleNotificationUrl,
      isolation: o.isolation,
      ours: () => new Set(this.byId.keys()),
      pending: this.pending,
    });
  }

  clientStateOf(subscriptionId: string): string | undefined {
    return this.byId.get(subscriptionId)?.clientState ?? undefined;
  }

  pendingClientStates(): Iterable<string> {
    return this.pending;
  }

  /** Allows operations again after `stop` (a source restarted in the same process). */
  resume(): void {
    this.stopped = false;
  }

  /** Deletes subscriptions left by an earlier run: their certificate is gone, their notifications unreadable. */
  async removeLeftovers(accounts: readonly ServiceAccount[]): Promise<void> {
    for (const sub of this.o.store.subscriptions()) {
      const account = accounts.find((a) => a.username === sub.account);
      if (account) await this.creator.deleteRemote(account, sub.id);
      this.o.store.deleteSubscription(sub.id);
    }
  }

  /** Points slot `index` at `userIds` (empty = no subscription); recreates when membership changed. */
  assign(index: number, account: ServiceAccount, userIds: string[]): void {
    let slot = this.slots[index];
    if (!slot) {
      slot = { account, userIds: [], coveredIds: [], subscriptionId: null, clientState: null, expiresAt: null, renewedAt: null, failures: 0, timer: null, chain: Promise.resolve(), renewals: 0, recreations: 0 };
      this.slots[index] = slot;
    }
    // Same membership: the subscription exists, is being created, or a retry is scheduled — nothing to do.
    const same = slot.account.username === account.username && slot.userIds.length === userIds.length && slot.userIds.every((id, i) => id === userIds[i]);
    if (same) return;
    slot.account = account;
    slot.userIds = userIds;
    this.enqueue(slot, () => this.recreate(slot));
  }

  /** Lifecycle notification for one of our subscriptions. */
  onLifecycle(subscriptionId: string, event: string): void {
    const slot = this.byId.get(subscriptionId);
    if (!slot) return;
    this.o.logger.info({ subscriptionId, event }, 'Graph subscription lifecycle event');
    if (event === 'reauthorizationRequired') this.enqueue(slot, () => this.renew(slot));
    else if (event === 'subscriptionRemoved') this.enqueue(slot, () => this.recreate(slot));
  }

  /** A service account was just signed in: a slot waiting out its backoff after a failed create retries now. */
  retryAccount(username: string): void {
    for (const slot of this.slots) {
      if (!slot || slot.subscriptionId || !slot.timer || slot.account.username.toLowerCase() !== username.toLowerCase()) continue;
      slot.timer.cancel();
      slot.timer = null;
      slot.failures = 0;
      this.enqueue(slot, () => this.recreate(slot));
    }
  }

  /** Re-subscribes groups whose left-out users are due for another try (their isolation lapsed). */
  retryIsolated(): void {
    const now = this.o.clock.now();
    for (const slot of this.slots) {
      if (!slot?.subscriptionId || slot.coveredIds.length === slot.userIds.length) continue;
      const covered = new Set(slot.coveredIds);
      if (slot.userIds.some((id) => !covered.has(id) && !this.o.isolation.blocks(id, now))) this.enqueue(slot, () => this.recreate(slot));
    }
  }

  earliestExpiry(): number | null {
    let min: number | null = null;
    for (const s of this.slots) if (s?.expiresAt != null && (min === null || s.expiresAt < min)) min = s.expiresAt;
    return min;
  }

  activeCount(): number {
    return this.slots.filter((s) => s?.subscriptionId).length;
  }

  /** Cancels renewals, waits for operations in progress, then deletes every subscription (best effort). */
  async stop(): Promise<void> {
    this.stopped = true;
    const slots = this.slots.filter(Boolean);
    for (const slot of slots) slot.timer?.cancel();
    await Promise.all(slots.map((slot) => slot.chain));
    await Promise.all(slots.map((slot) => this.dropCurrent(slot)));
    // A later start assigns every group afresh.
    this.slots.length = 0;
  }

  private enqueue(slot: Slot, op: () => Promise<void>): void {
    slot.chain = slot.chain.then(async () => {
      if (this.stopped) return;
      try {
        await op();
        slot.failures = 0;
        this.o.onError(null);
      } catch (err) {
        slot.failures += 1;
        const message = describeGraphError(err);
        this.o.onError(`subscription for ${slot.account.username}: ${message}`);
        this.o.logger.warn({ account: slot.account.username, error: message, failures: slot.failures }, 'Graph subscription operation failed; retrying');
        const wait = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** (slot.failures - 1));
        // A failed renewal retries as a renewal until the subscription has expired, then as a recreation.
        this.schedule(slot, wait, () => (slot.subscriptionId && (slot.expiresAt ?? 0) > this.o.clock.now() ? this.renew(slot) : this.recreate(slot)));
      }
    });
  }

  private schedule(slot: Slot, ms: number, op: () => Promise<void>): void {
    slot.timer?.cancel();
    slot.timer = this.o.clock.setTimeout(() => {
      slot.timer = null;
      this.enqueue(slot, op);
    }, Math.max(0, ms));
  }

  private async recreate(slot: Slot): Promise<void> {
    await this.dropCurrent(slot);
    if (slot.userIds.length === 0) return;
    const { clock, store } = this.o;
    const created = await this.creator.create(slot.account, slot.userIds);
    if (!created) return;
    const now = clock.now();
    slot.subscriptionId = created.id;
    slot.clientState = created.clientState;
    slot.coveredIds = created.coveredIds;
    slot.expiresAt = created.expiresAt;
    slot.renewedAt = now;
    slot.recreations += 1;
    this.byId.set(created.id, slot);
    store.saveSubscription({ id: created.id, account: slot.account.username, userIds: created.coveredIds, clientState: created.clientState, expiresAt: created.expiresAt, createdAt: now });
    this.o.logger.info({ subscriptionId: created.id, account: slot.account.username, users: created.coveredIds.length }, 'Graph presence subscription created');
    this.scheduleRenewal(slot);
  }

  private async renew(slot: Slot): Promise<void> {
    const id = slot.subscriptionId;
    if (!id) return this.recreate(slot);
    const { connection, clock, store } = this.o;
    const before = slot.expiresAt ?? 0;
    let patched: { expirationDateTime?: string } | undefined;
    try {
      patched = (await connection
        .delegated(slot.account)
        .api(`/subscriptions/${encodeURIComponent(id)}`)
        .patch({ expirationDateTime: new Date(clock.now() + SUBSCRIPTION_LIFETIME_MS).toISOString() })) as { expirationDateTime?: string } | undefined;
    } catch (err) {
      if (graphStatus(err) !== 404) throw err;
      this.o.logger.warn({ subscriptionId: id }, 'Graph subscription is gone; recreating');
      this.forget(slot);
      return this.recreate(slot);
    }
    const expiresAt = parseExpiry(patched?.expirationDateTime, NaN);
    // Both instants are on Graph's clock, so skew between the two clocks does not matter here.
    if (!(expiresAt > before)) {
      this.o.logger.warn({ subscriptionId: id }, 'Graph subscription renewal did not move the expiry; recreating');
      return this.recreate(slot);
    }
    slot.expiresAt = expiresAt;
    slot.renewedAt = clock.now();
    slot.renewals += 1;
    store.setSubscriptionExpiry(id, expiresAt);
    this.scheduleRenewal(slot);
  }

  private scheduleRenewal(slot: Slot): void {
    const now = this.o.clock.now();
    const expiresAt = slot.expiresAt ?? now + SUBSCRIPTION_LIFETIME_MS;
    // 40 minutes after the last renewal, and in any case well before expiry (Graph may grant less than asked).
    const at = Math.min((slot.renewedAt ?? now) + RENEW_AFTER_MS, expiresAt - Math.min(RENEW_MARGIN_MS, (expiresAt - now) / 4));
    this.schedule(slot, at - now, () => (this.o.clock.now() >= (slot.expiresAt ?? 0) ? this.recreate(slot) : this.renew(slot)));
  }

  private forget(slot: Slot): void {
    if (slot.subscriptionId) {
      this.byId.delete(slot.subscriptionId);
      this.o.store.deleteSubscription(slot.subscriptionId);
    }
    slot.subscriptionId = null;
    slot.clientState = null;
    slot.coveredIds = [];
    slot.expiresAt = null;
    slot.renewedAt = null;
  }

  private async dropCurrent(slot: Slot): Promise<void> {
    slot.timer?.cancel();
    slot.timer = null;
    const id = slot.subscriptionId;
    if (!id) return;
    this.forget(slot);
    await this.creator.deleteRemote(slot.account, id);
  }
}
