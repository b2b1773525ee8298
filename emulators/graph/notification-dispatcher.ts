import { randomUUID } from 'node:crypto';
import { ClockTimers, retryDelaysMs, sampleLatencyMs, type DeliveryMode } from './delivery-profile.js';
import type { DirectoryStore, UserRecord } from './directory-store.js';
import type { EmulatorClock } from './emulator-clock.js';
import type { EmulatorStats } from './emulator-stats.js';
import type { FaultInjector } from './fault-injector.js';
import type { PresenceStore } from './presence-store.js';
import { encryptResource, type ValidationTokenCache } from './rich-notification.js';
import type { Subscription, SubscriptionStore } from './subscription-store.js';
import { WebhookClient } from './webhook-client.js';

/** Changes arriving within this window go out in one POST per notification URL. */
export const COALESCE_MS = 10;
export const DELIVERY_TIMEOUT_MS = 3_000;
export const HANDSHAKE_TIMEOUT_MS = 10_000;
const MAX_ITEMS_PER_POST = 200;

interface Deps {
  clock: EmulatorClock;
  directory: DirectoryStore;
  presence: PresenceStore;
  subscriptions: SubscriptionStore;
  stats: EmulatorStats;
  faults: FaultInjector;
  validationTokens: ValidationTokenCache;
  tenantId: string;
  /** Current delivery profile (see delivery-profile.ts). */
  delivery: () => DeliveryMode;
}

/**
 * Presence change delivery. A presence change marks the user pending on every live subscription watching
 * them; a short coalescing timer then sends, per notification URL, the CURRENT presence of every pending user
 * (several changes of one user in the window collapse into one item). Subscriptions whose token lapsed hold
 * their pending users until renewed or reauthorized. In the realistic profile every item then waits its own
 * drawn latency (items due within the same 100 ms go out together) and failed POSTs retry for hours.
 */
export class NotificationDispatcher {
  private readonly dirty = new Set<Subscription>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly timers: ClockTimers;
  private readonly client = new WebhookClient();
  private closed = false;

  constructor(private readonly deps: Deps) {
    this.timers = new ClockTimers(deps.clock);
  }

  onPresenceChange(rec: UserRecord): void {
    const subs = this.deps.subscriptions.watching(rec.idx);
    if (!subs) return;
    for (const sub of subs) {
      sub.pending.add(rec.idx);
      this.dirty.add(sub);
    }
    this.armFlush();
  }

  /** Re-examines a subscription's held changes (after renew/reauthorize). */
  kick(sub: Subscription): void {
    if (sub.pending.size === 0) return;
    this.dirty.add(sub);
    this.armFlush();
  }

  /** Graph's validation handshake; resolves to null when the endpoint echoed the token with 200 in time. */
  async handshake(url: string): Promise<string | null> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    this.deps.stats.validationRequests++;
    try {
      const reply = await this.client.post(target, '', 'text/plain; charset=utf-8', HANDSHAKE_TIMEOUT_MS);
      if (reply.status !== 200) return `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request (got ${reply.status}).`;
      if (reply.body !== token) return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
      return null;
    } catch (err) {
      return `Subscription validation request failed. ${(err as Error).message}`;
    }
  }

  sendLifecycle(sub: Subscription, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): void {
    if (!sub.lifecycleNotificationUrl) return;
    const body = JSON.stringify({
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
          tenantId: this.deps.tenantId,
          clientState: sub.clientState,
          lifecycleEvent,
          organizationId: this.deps.tenantId,
        },
      ],
    });
    this.post(sub.lifecycleNotificationUrl, body, 0, 1, true);
  }

  close(): void {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.timers.close();
    this.client.close();
  }

  private armFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, COALESCE_MS);
    this.flushTimer.unref();
  }

  private flush(): void {
    const now = this.deps.clock.now();
    const mode = this.deps.delivery();
    // url → due instant (100 ms buckets) → items and the apps needing a validation token
    const byUrl = new Map<string, Map<number, { items: unknown[]; apps: Set<string> }>>();
    for (const sub of this.dirty) {
      if (this.deps.subscriptions.get(sub.id) !== sub) continue;
      if (sub.authExpiresAt <= now) continue;
      let dues = byUrl.get(sub.notificationUrl);
      if (!dues) byUrl.set(sub.notificationUrl, (dues = new Map()));
      for (const idx of sub.pending) {
        if (this.deps.faults.dropNotification()) {
          this.deps.stats.notificationsDropped++;
          continue;
        }
        const due = Math.ceil((now + sampleLatencyMs(mode)) / 100) * 100;
        let batch = dues.get(due);
        if (!batch) dues.set(due, (batch = { items: [], apps: new Set() }));
        batch.items.push(this.item(sub, this.deps.directory.users[idx]!));
        if (sub.includeResourceData) batch.apps.add(sub.applicationId);
      }
      sub.pending.clear();
    }
    this.dirty.clear();
    for (const [url, dues] of byUrl) {
      for (const [due, batch] of dues) {
        const send = (): void => {
          for (let i = 0; i < batch.items.length; i += MAX_ITEMS_PER_POST) {
            const items = batch.items.slice(i, i + MAX_ITEMS_PER_POST);
            const payload: Record<string, unknown> = { value: items };
            if (batch.apps.size > 0) payload.validationTokens = [...batch.apps].map((app) => this.deps.validationTokens.tokenFor(app));
            this.post(url, JSON.stringify(payload), 0, items.length, false);
          }
        };
        if (mode === 'fast') send();
        else this.timers.at(due, send);
      }
    }
  }

  private item(sub: Subscription, rec: UserRecord): Record<string, unknown> {
    const resourceData = { '@odata.id': `users/${rec.id}/presence`, '@odata.type': '#microsoft.graph.presence', id: rec.id };
    const item: Record<string, unknown> = {
      subscriptionId: sub.id,
      clientState: sub.clientState,
      changeType: 'updated',
      tenantId: this.deps.tenantId,
      resource: `communications/presences/${rec.id}`,
      subscriptionExpirationDateTime: new Date(sub.expiresAt).toISOString(),
      resourceData,
      organizationId: this.deps.tenantId,
    };
    if (sub.includeResourceData && sub.cert) {
      const p = this.deps.presence.view(rec);
      const plaintext = JSON.stringify({ ...resourceData, availability: p.availability, activity: p.activity });
      item.encryptedContent = encryptResource(sub.cert, sub.encryptionCertificateId ?? '', plaintext);
    }
    return item;
  }

  private post(url: string, body: string, attempt: number, count: number, lifecycle: boolean): void {
    if (this.closed) return;
    this.deps.stats.notificationPosts++;
    this.client.post(url, body, 'application/json; charset=utf-8', DELIVERY_TIMEOUT_MS).then(
      (reply) => {
        if (reply.status >= 200 && reply.status < 300) {
          if (lifecycle) this.deps.stats.lifecycleDelivered += count;
          else this.deps.stats.notificationsDelivered += count;
        } else this.retry(url, body, attempt, count, lifecycle);
      },
      () => this.retry(url, body, attempt, count, lifecycle),
    );
  }

  private retry(url: string, body: string, attempt: number, count: number, lifecycle: boolean): void {
    this.deps.stats.notificationPostFailures++;
    const delay = retryDelaysMs(this.deps.delivery())[attempt];
    if (delay === undefined || this.closed) {
      if (!lifecycle) this.deps.stats.notificationsDropped += count;
      return;
    }
    this.timers.at(this.deps.clock.now() + delay, () => this.post(url, body, attempt + 1, count, lifecycle));
  }
}
