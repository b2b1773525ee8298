/**
 * Webhook subscriptions (`/v1/subscriptions`) and at-least-once delivery of CloudEvents-like agent events.
 * Each POST is signed with `X-Webex-Signature` = hex HMAC-SHA256(secret, raw body). Failed deliveries are
 * retried; injected faults drop, duplicate or delay deliveries so receivers must dedupe by `id` and tolerate
 * reordering, as Cisco warns they must.
 *
 * The real service only accepts https destinations on port 443; the emulator instead accepts loopback
 * destinations only (http or https), because nothing may leave the machine.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { EmulatorStats, FaultInjector } from './fault-injector.js';

export const WEBHOOK_EVENT_TYPES = [
  { name: 'agent:login', resource: 'agent', action: 'login' },
  { name: 'agent:logout', resource: 'agent', action: 'logout' },
  { name: 'agent:state_change', resource: 'agent', action: 'state_change' },
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

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const RETRY_DELAYS_MS = [200, 1000];

export class WebhookDispatcher {
  private readonly subs = new Map<string, WebhookSubscription>();
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });
  private closed = false;

  constructor(
    private readonly orgId: string,
    private readonly faults: FaultInjector,
    private readonly stats: EmulatorStats,
  ) {}

  /** Validates and stores a subscription; returns it, or `{field, message}` naming the bad field. */
  create(body: Record<string, unknown>, createdBy: string): WebhookSubscription | { field: string; message: string } {
    const { name, description, eventTypes, destinationUrl, secret } = body;
    if (typeof name !== 'string' || name.length === 0 || name.length > 64) return { field: 'name', message: 'name is required (1–64 characters)' };
    if (description !== undefined && typeof description !== 'string') return { field: 'description', message: 'description must be a string' };
    const known = new Set<string>(WEBHOOK_EVENT_TYPES.map((t) => t.name));
    if (!Array.isArray(eventTypes) || eventTypes.length === 0 || !eventTypes.every((t) => typeof t === 'string' && known.has(t))) {
      return { field: 'eventTypes', message: `eventTypes must be a non-empty array of ${[...known].join(', ')}` };
    }
    if (typeof destinationUrl !== 'string') return { field: 'destinationUrl', message: 'destinationUrl is required' };
    let url: URL;
    try {
      url = new URL(destinationUrl);
    } catch {
      return { field: 'destinationUrl', message: 'destinationUrl must be an absolute URL' };
    }
    if (url.search) return { field: 'destinationUrl', message: 'destinationUrl must not have a query' };
    if (!['http:', 'https:'].includes(url.protocol) || !LOOPBACK.has(url.hostname)) {
      return { field: 'destinationUrl', message: 'the emulator only delivers to loopback destinations (http(s)://127.0.0.1)' };
    }
    if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0)) return { field: 'secret', message: 'secret must be a non-empty string' };
    const now = Date.now();
    const sub: WebhookSubscription = {
      id: randomUUID(),
      name,
      description: typeof description === 'string' ? description : '',
      eventTypes: eventTypes as WebhookEventType[],
      destinationUrl,
      status: 'active',
      orgId: this.orgId,
      createdBy,
      createdTime: now,
      lastUpdatedTime: now,
      secret: typeof secret === 'string' ? secret : '',
    };
    this.subs.set(sub.id, sub);
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
        specVersion: '1.0',
        type,
        source: 'wxcc',
        time: new Date().toISOString(),
        orgId: this.orgId,
        dataContentType: 'application/json',
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
    if (this.closed) return;
    const url = new URL(sub.destinationUrl);
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
