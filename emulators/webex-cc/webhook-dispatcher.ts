/**
 * Webhook subscriptions and their delivery. Each event is POSTed to every active subscription that wants it, in
 * a CloudEvents-style envelope `{id, specversion, type, source, time, datacontenttype, orgid, data}` signed with
 * `X-Webex-Signature` = hex HMAC-SHA256(secret, raw body). Delivery is at least once: failed POSTs are retried,
 * and injected faults drop, duplicate or delay deliveries, as the webhook guide warns receivers to expect.
 * Validation of subscriptions lives in subscription-routes.ts.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { EmulatorClock } from '../kit/clock.js';
import type { FaultInjector } from '../kit/faults.js';
import type { EmulatorStats } from './stats.js';

/** The event catalog the emulator knows (agent and task resources of the event reference). */
export const WEBHOOK_EVENT_TYPES = [
  { name: 'agent:login', resource: 'agent', description: 'An Agent has logged in.' },
  { name: 'agent:logout', resource: 'agent', description: 'An Agent has logged out.' },
  { name: 'agent:state_change', resource: 'agent', description: 'An Agent’s state has changed.' },
  { name: 'task:new', resource: 'task', description: 'A new task was created.' },
  { name: 'task:connected', resource: 'task', description: 'A task was connected to an agent.' },
  { name: 'task:ended', resource: 'task', description: 'A task has ended.' },
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]['name'];

export interface WebhookSubscription {
  id: string;
  name: string;
  description: string;
  eventTypes: WebhookEventType[];
  destinationUrl: string;
  status: 'active' | 'inactive';
  orgId: string;
  createdBy: string;
  createdTime: number;
  lastUpdatedTime: number;
  secret: string;
}

const RETRY_DELAYS_MS = [200, 1000];
/** Nothing leaves the machine: a destination elsewhere is accepted by the API but never contacted. */
export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class WebhookDispatcher {
  private readonly subs = new Map<string, WebhookSubscription>();
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });
  private closed = false;

  constructor(
    readonly orgId: string,
    private readonly faults: FaultInjector,
    private readonly stats: EmulatorStats,
    private readonly clock: EmulatorClock,
  ) {}

  add(fields: Omit<WebhookSubscription, 'id' | 'orgId' | 'createdTime' | 'lastUpdatedTime'>): WebhookSubscription {
    const now = this.clock.now();
    const sub: WebhookSubscription = { ...fields, id: randomUUID(), orgId: this.orgId, createdTime: now, lastUpdatedTime: now };
    this.subs.set(sub.id, sub);
    return sub;
  }

  update(sub: WebhookSubscription, fields: Partial<WebhookSubscription>): WebhookSubscription {
    Object.assign(sub, fields, { lastUpdatedTime: this.clock.now() });
    return sub;
  }

  get(id: string): WebhookSubscription | undefined {
    return this.subs.get(id);
  }

  list(): WebhookSubscription[] {
    return [...this.subs.values()];
  }

  delete(id: string): boolean {
    return this.subs.delete(id);
  }

  /** The subscription as the API shows it: the secret is never echoed. */
  static view(sub: WebhookSubscription): Record<string, unknown> {
    const { secret: _secret, ...rest } = sub;
    return rest;
  }

  /** Emits one event to every subscription that wants it; `data` is only built when someone listens. */
  emit(type: WebhookEventType, data: () => Record<string, unknown>): void {
    if (this.subs.size === 0 || this.closed) return;
    let body: string | null = null;
    for (const sub of this.subs.values()) {
      if (sub.status !== 'active' || !sub.eventTypes.includes(type)) continue;
      body ??= JSON.stringify({
        id: randomUUID(),
        specversion: '1.0',
        type,
        source: 'wxcc',
        time: new Date(this.clock.now()).toISOString(),
        datacontenttype: 'application/json',
        orgid: this.orgId,
        data: data(),
      });
      this.schedule(sub, body);
    }
  }

  private schedule(sub: WebhookSubscription, body: string): void {
    const fate = this.faults.delivery();
    if (fate === 'drop') {
      this.stats.webhooksDropped++;
      return;
    }
    if (fate === 'delay') {
      this.stats.webhooksDelayed++;
      setTimeout(() => this.deliver(sub, body, 0), this.faults.settings.reorderDelayMs).unref();
      return;
    }
    this.deliver(sub, body, 0);
    if (fate === 'duplicate') {
      this.stats.webhooksDuplicated++;
      this.deliver(sub, body, 0);
    }
  }

  private deliver(sub: WebhookSubscription, body: string, attempt: number): void {
    if (this.closed || !this.subs.has(sub.id)) return;
    const url = new URL(sub.destinationUrl);
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      this.stats.webhooksFailed++;
      return;
    }
    const signature = createHmac('sha256', sub.secret).update(body).digest('hex');
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method: 'POST',
        agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-webex-signature': signature },
        timeout: 5000,
      },
      (res) => {
        res.resume();
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        if (ok) this.stats.webhooksDelivered++;
        else this.retry(sub, body, attempt);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => this.retry(sub, body, attempt));
    req.end(body);
  }

  private retry(sub: WebhookSubscription, body: string, attempt: number): void {
    if (attempt >= RETRY_DELAYS_MS.length || this.closed || !this.subs.has(sub.id)) {
      this.stats.webhooksFailed++;
      return;
    }
    setTimeout(() => this.deliver(sub, body, attempt + 1), RETRY_DELAYS_MS[attempt]).unref();
  }

  close(): void {
    this.closed = true;
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
