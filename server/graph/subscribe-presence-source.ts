import type { Logger } from '../logger.js';
import type { Clock, PresenceEvent, PresenceSource, PresenceSourceHealth } from '../ports.js';
import { observationTime } from '../services/metrics.js';
import type { GraphStore } from '../store/graph-store.js';
import { CallBudget } from './call-budget.js';
import type { GraphConnection, ServiceAccount } from './graph-client.js';
import { createEncryptionCertificate, decryptContent, type EncryptionCertificate } from './notification-crypto.js';
import { NotificationIntake } from './notification-intake.js';
import { notifiedUserId, presenceResourceSchema, type ChangeNotification } from './notification-schema.js';
import { pollIntervalMs } from './poll-presence-source.js';
import { MAX_IDS_PER_CALL, toPresence } from './presence-api.js';
import { PresencePoller } from './presence-poller.js';
import { PresenceTracker } from './presence-tracker.js';
import { SubscriptionManager } from './subscription-manager.js';

/**
 * Subscribe mode: watched users are split into stable groups of ≤650, group i subscribed by service account
 * i. Notifications reach the inbox through the webhook (NotificationIntake); a worker drains it, decrypts,
 * and emits changed presence. Presence has no `missed` lifecycle event, so a slow reconcile poll
 * (app-only getPresencesByUserId, same budget rules as poll mode) is the safety net; users beyond the
 * accounts' capacity are polled at the poll-mode interval instead.
 */

export const GRAPH_WEBHOOK_PATHS = { notifications: '/webhooks/graph/notifications', lifecycle: '/webhooks/graph/lifecycle' } as const;

export interface SubscribePresenceSourceOptions {
  connection: GraphConnection;
  store: GraphStore;
  clock: Clock;
  logger: Logger;
  serviceAccounts: readonly ServiceAccount[];
  /** Public HTTPS base URL of the connector (Graph posts notifications there). */
  publicUrl: string;
  throttleLimit: number;
  throttleWindowMs: number;
  budgetShare: number;
  minPollIntervalMs: number;
  /** Full reconcile poll period (default 5 minutes). */
  reconcileIntervalMs?: number;
  certificate?: EncryptionCertificate;
}

export class SubscribePresenceSource implements PresenceSource {
  readonly mode = 'subscribe' as const;
  readonly intake: NotificationIntake;
  readonly manager: SubscriptionManager;
  private readonly tracker = new PresenceTracker();
  private readonly poller: PresencePoller;
  private readonly budget: CallBudget;
  private cert: EncryptionCertificate | null;
  private ids: string[] = [];
  private groups: string[][] = [];
  private uncovered: string[] = [];
  private emit: (events: PresenceEvent[]) => void = () => {};
  private active = false;
  private loopDone: Promise<void> | null = null;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private lastPurge = 0;
  private subscriptionError: string | null = null;
  notificationsProcessed = 0;

  constructor(private readonly o: SubscribePresenceSourceOptions) {
    this.cert = o.certificate ?? null;
    this.budget = new CallBudget(o.throttleWindowMs, o.throttleLimit, o.budgetShare);
    this.poller = new PresencePoller({ client: o.connection.app, clock: o.clock, logger: o.logger, budget: this.budget, tracker: this.tracker });
    const base = o.publicUrl.replace(/\/+$/, '');
    this.manager = new SubscriptionManager({
      connection: o.connection,
      store: o.store,
      clock: o.clock,
      logger: o.logger,
      certificate: () => this.cert!,
      notificationUrl: base + GRAPH_WEBHOOK_PATHS.notifications,
      lifecycleNotificationUrl: base + GRAPH_WEBHOOK_PATHS.lifecycle,
      onError: (message) => (this.subscriptionError = message),
    });
    this.intake = new NotificationIntake({
      store: o.store,
      lookup: this.manager,
      certificate: () => this.cert,
      clock: o.clock,
      logger: o.logger,
      onQueued: () => this.scheduleDrain(),
    });
  }

  async start(onPresence: (events: PresenceEvent[]) => void): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.emit = onPresence;
    this.cert ??= await createEncryptionCertificate();
    this.poller.resume();
    this.manager.resume();
    await this.manager.removeLeftovers(this.o.serviceAccounts);
    this.regroup();
    this.scheduleDrain();
    this.loopDone = this.reconcileLoop();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.poller.stop();
    await this.loopDone;
    await this.manager.stop();
    await this.draining;
  }

  watch(teamsUserIds: readonly string[]): void {
    this.ids = [...new Set(teamsUserIds)];
    this.tracker.retain(this.ids);
    if (this.active) this.regroup();
  }

  health(): PresenceSourceHealth {
    const s = this.poller.stats;
    const capacity = this.uncovered.length > 0 ? `${this.uncovered.length} users exceed the service accounts' capacity and are polled` : null;
    return {
      mode: 'subscribe',
      lastSuccessAt: s.lastSuccessAt,
      lastError: this.subscriptionError ?? s.lastError ?? capacity,
      throttledCount: s.throttledCount,
      subscriptionExpiresAt: this.manager.earliestExpiry(),
      subscriptions: this.manager.activeCount(),
      graphCalls: s.graphCalls,
    };
  }

  /** Resolves when the inbox is empty (tests and shutdown). */
  async drained(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /**
   * Keeps each user in the group it was in, so adding or removing a few users recreates only the
   * subscriptions whose membership changed.
   */
  private regroup(): void {
    const watched = new Set(this.ids);
    const groups = this.groups.map((g) => g.filter((id) => watched.has(id)));
    const placed = new Set(groups.flat());
    for (const id of this.ids) {
      if (placed.has(id)) continue;
      let group = groups.find((g) => g.length < MAX_IDS_PER_CALL);
      if (!group) groups.push((group = []));
      group.push(id);
    }
    while (groups.length > 0 && groups[groups.length - 1]!.length === 0) groups.pop();
    const accounts = this.o.serviceAccounts;
    const slots = Math.max(this.groups.length, groups.length);
    this.groups = groups;
    this.uncovered = groups.slice(accounts.length).flat();
    for (let i = 0; i < Math.min(slots, accounts.length); i++) this.manager.assign(i, accounts[i]!, groups[i] ?? []);
  }

  private async reconcileLoop(): Promise<void> {
    const { clock } = this.o;
    const full = this.o.reconcileIntervalMs ?? 5 * 60_000;
    let nextFullAt = clock.now();
    while (this.active) {
      const now = clock.now();
      const isFull = now >= nextFullAt;
      const ids = isFull ? this.ids : this.uncovered;
      if (isFull) nextFullAt = now + full;
      if (ids.length > 0) await this.poller.runCycle(ids, isFull ? 'reconcile' : 'poll', this.emit);
      if (!this.active) break;
      const fast = this.uncovered.length > 0 ? pollIntervalMs(this.uncovered.length, this.budget, this.o.minPollIntervalMs) : Infinity;
      await this.poller.sleep(Math.max(1, Math.min(fast, nextFullAt - clock.now())));
    }
  }

  private scheduleDrain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain())
      .catch((err: unknown) => this.o.logger.error({ err }, 'notification inbox worker failed'))
      .finally(() => {
        this.draining = null;
        if (this.drainAgain) {
          this.drainAgain = false;
          this.scheduleDrain();
        }
      });
  }

  private async drain(): Promise<void> {
    const { store, clock, logger } = this.o;
    for (;;) {
      const items = store.pending(500);
      if (items.length === 0) break;
      const events: PresenceEvent[] = [];
      const basicIds: string[] = [];
      for (const item of items) {
        try {
          this.process(JSON.parse(item.body) as Record<string, unknown>, events, basicIds);
        } catch (err) {
          logger.warn({ inboxId: item.id, error: (err as Error).message }, 'Graph notification could not be processed');
        }
      }
      store.markProcessed(
        items.map((i) => i.id),
        clock.now(),
      );
      this.notificationsProcessed += items.length;
      if (events.length > 0) this.safeEmit(events);
      // Basic (unencrypted) notifications only name the user: read the presence itself.
      if (basicIds.length > 0 && this.active) await this.poller.runCycle([...new Set(basicIds)], 'notification', (e) => this.safeEmit(e));
    }
    const now = clock.now();
    if (now - this.lastPurge > 60_000) {
      this.lastPurge = now;
      store.purgeProcessed(now - 3_600_000);
    }
  }

  private process(item: Record<string, unknown>, events: PresenceEvent[], basicIds: string[]): void {
    if (typeof item.lifecycleEvent === 'string') {
      this.manager.onLifecycle(String(item.subscriptionId), item.lifecycleEvent);
      return;
    }
    const change = item as ChangeNotification;
    if (!change.encryptedContent) {
      const id = notifiedUserId(change);
      if (id) basicIds.push(id);
      return;
    }
    if (!this.cert) throw new Error('no decryption certificate');
    const resource = presenceResourceSchema.parse(decryptContent(change.encryptedContent, this.cert));
    if (this.tracker.observe(resource.id, toPresence(resource))) {
      events.push({ teamsUserId: resource.id, presence: this.tracker.get(resource.id)!, observedAt: observationTime(this.o.clock), via: 'notification' });
    }
  }

  private safeEmit(events: PresenceEvent[]): void {
    try {
      this.emit(events);
    } catch (err) {
      this.o.logger.error({ err }, 'presence consumer failed');
    }
  }
}
