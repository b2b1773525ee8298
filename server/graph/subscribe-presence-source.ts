import type { Logger } from '../logger.js';
import type { Clock, PresenceEvent, PresenceSource, PresenceSourceHealth } from '../ports.js';
import { observationTime } from '../ports.js';
import type { GraphStore } from '../store/graph-store.js';
import { CallBudget } from './call-budget.js';
import type { GraphConnection, ServiceAccount } from './graph-client.js';
import { createHttpsTransport } from './https-transport.js';
import { InboxWorker, REPLAY_WINDOW_MS } from './inbox-worker.js';
import { IsolatedUsers } from './isolation.js';
import { createEncryptionCertificate, type EncryptionCertificate } from './notification-crypto.js';
import { NotificationIntake } from './notification-intake.js';
import { pollIntervalMs } from './poll-presence-source.js';
import { MAX_IDS_PER_CALL, toPresence } from './presence-api.js';
import { PresencePoller } from './presence-poller.js';
import { PresenceTracker } from './presence-tracker.js';
import { SubscriptionManager } from './subscription-manager.js';
import { ValidationTokenVerifier } from './validation-token-verifier.js';

/**
 * Subscribe mode: watched users are split into stable groups of ≤650, group i subscribed by service account
 * i. Notifications reach the inbox through the webhook (NotificationIntake); a worker (InboxWorker) drains
 * it — validation tokens, signatures, replays — decrypts, and emits changed presence. Users Graph refuses
 * (deleted, unknown) are isolated (IsolatedUsers) and listed in health; one refused by subscriptions but
 * readable is polled instead. Presence has no `missed` lifecycle event, so a slow reconcile poll
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
  /** CA to trust when reading the identity platform's OpenID metadata and keys (the emulator's). */
  caCertPem?: string;
}

export class SubscribePresenceSource implements PresenceSource {
  readonly mode = 'subscribe' as const;
  readonly intake: NotificationIntake;
  readonly manager: SubscriptionManager;
  readonly isolation = new IsolatedUsers();
  readonly worker: InboxWorker;
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
  /** Presence changes by the path that saw them first (the reconcile poll's share shows what notifications missed). */
  readonly catches: Record<PresenceEvent['via'], number> = { notification: 0, reconcile: 0, poll: 0 };

  constructor(private readonly o: SubscribePresenceSourceOptions) {
    this.cert = o.certificate ?? null;
    this.budget = new CallBudget(o.throttleWindowMs, o.throttleLimit, o.budgetShare);
    this.poller = new PresencePoller({ client: o.connection.app, clock: o.clock, logger: o.logger, budget: this.budget, tracker: this.tracker, isolation: this.isolation });
    const base = o.publicUrl.replace(/\/+$/, '');
    this.manager = new SubscriptionManager({
      connection: o.connection,
      store: o.store,
      clock: o.clock,
      logger: o.logger,
      certificate: () => this.cert!,
      notificationUrl: base + GRAPH_WEBHOOK_PATHS.notifications,
      lifecycleNotificationUrl: base + GRAPH_WEBHOOK_PATHS.lifecycle,
      isolation: this.isolation,
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
    const verifier = new ValidationTokenVerifier({
      authorityHost: o.connection.authorityHost,
      tenantId: o.connection.tenantId,
      clientId: o.connection.clientId,
      clock: o.clock,
      // Metadata and keys are read rarely (at first use, and for an unknown key id): one short-lived transport each.
      fetchJson: async (url) => {
        const transport = createHttpsTransport({ ...(o.caCertPem ? { caCertPem: o.caCertPem } : {}), timeoutMs: 10_000, maxSockets: 1 });
        try {
          const reply = await transport.request(url, { method: 'GET', headers: { accept: 'application/json' } });
          if (reply.status !== 200) throw new Error(`GET ${url} answered ${reply.status}`);
          return JSON.parse(reply.body) as unknown;
        } finally {
          transport.close();
        }
      },
    });
    this.worker = new InboxWorker({
      store: o.store,
      clock: o.clock,
      logger: o.logger,
      intake: this.intake,
      verifier,
      certificate: () => this.cert,
      onLifecycle: (id, event) => this.manager.onLifecycle(id, event),
    });
  }

  async start(onPresence: (events: PresenceEvent[]) => void): Promise<void> {
    if (this.active) return;
    this.active = true;
    this.emit = (events) => {
      for (const e of events) this.catches[e.via] = (this.catches[e.via] ?? 0) + 1;
      onPresence(events);
    };
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
    this.isolation.retain(this.ids);
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
      ...this.poller.budgetState(),
      isolatedUsers: this.isolation.list(),
      catches: { ...this.catches },
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
      const ids = isFull ? this.ids : this.fastPolled();
      if (isFull) nextFullAt = now + full;
      if (isFull) this.manager.retryIsolated();
      if (ids.length > 0) await this.poller.runCycle(ids, isFull ? 'reconcile' : 'poll', this.emit);
      if (!this.active) break;
      const fastIds = this.fastPolled().length;
      const fast = fastIds > 0 ? pollIntervalMs(fastIds, this.budget, this.o.minPollIntervalMs) : Infinity;
      await this.poller.sleep(Math.max(1, Math.min(fast, nextFullAt - clock.now())));
    }
  }

  /** Users polled at the poll-mode pace: beyond the accounts' capacity, or refused by subscriptions. */
  private fastPolled(): string[] {
    const now = this.o.clock.now();
    const refused = this.ids.filter((id) => this.isolation.blocks(id, now, ['subscription-refused']));
    return refused.length === 0 ? this.uncovered : [...this.uncovered, ...refused];
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
      const { done, outcome, unavailable, rows } = await this.worker.run(500);
      store.markProcessed(done, clock.now());
      this.notificationsProcessed += done.length;
      const events: PresenceEvent[] = [];
      for (const resource of outcome.resources) {
        if (this.tracker.observe(resource.id, toPresence(resource))) {
          events.push({ teamsUserId: resource.id, presence: this.tracker.get(resource.id)!, observedAt: observationTime(clock), via: 'notification' });
        }
      }
      if (events.length > 0) this.safeEmit(events);
      // Basic (unencrypted) notifications only name the user: read the presence itself.
      if (outcome.basicIds.length > 0 && this.active) await this.poller.runCycle([...new Set(outcome.basicIds)], 'notification', (e) => this.safeEmit(e));
      if (unavailable) {
        logger.warn({ error: unavailable }, 'notifications wait in the inbox until the signing keys can be read');
        if (this.active) clock.setTimeout(() => this.scheduleDrain(), 5_000);
        break;
      }
      if (rows === 0 || done.length === 0) break;
    }
    const now = clock.now();
    if (now - this.lastPurge > 60_000) {
      this.lastPurge = now;
      store.purgeProcessed(now - 3_600_000);
      store.purgeSeenBefore(now - REPLAY_WINDOW_MS);
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
