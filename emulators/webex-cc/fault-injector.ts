/**
 * Injected faults and emulator counters. Faults apply to the Webex REST surface and to event delivery
 * (WebSocket frames and webhooks); the `/_emulator/` control surface is never faulted.
 */

export interface FaultSettings {
  /** Added to every REST response. */
  latencyMs: number;
  /** Share (0..1) of REST requests answered with `status`. */
  failRate: number;
  /** Status used for failRate/failNext (5xx). */
  status: number;
  /** The next n REST requests are answered with `status`. */
  failNext: number;
  /** The next n REST requests are answered 429 with Retry-After. */
  rateLimitNext: number;
  retryAfterSec: number;
  /** Shares (0..1) of event deliveries (frames and webhooks) dropped, sent twice, or delayed past later ones. */
  dropEvents: number;
  duplicateEvents: number;
  reorderEvents: number;
  /** How long a reordered delivery is held back. */
  reorderDelayMs: number;
  /** New WebSocket connections are refused (HTTP 503 on upgrade). */
  refuseSockets: boolean;
}

const DEFAULTS: FaultSettings = {
  latencyMs: 0,
  failRate: 0,
  status: 500,
  failNext: 0,
  rateLimitNext: 0,
  retryAfterSec: 1,
  dropEvents: 0,
  duplicateEvents: 0,
  reorderEvents: 0,
  reorderDelayMs: 50,
  refuseSockets: false,
};

export type Delivery = 'drop' | 'send' | 'duplicate' | 'delay';

export class FaultInjector {
  settings: FaultSettings = { ...DEFAULTS };

  /** Merges validated settings; returns the bad field and why, or null. */
  update(input: Record<string, unknown>): { field: string; message: string } | null {
    const bad = (field: string, message: string): { field: string; message: string } => ({ field, message });
    const next = { ...this.settings };
    for (const [key, value] of Object.entries(input)) {
      if (key === 'closeSockets') continue;
      if (!(key in DEFAULTS)) return bad(key, `unknown fault "${key}"`);
      const k = key as keyof FaultSettings;
      if (k === 'refuseSockets') {
        if (typeof value !== 'boolean') return bad(key, 'refuseSockets must be a boolean');
        next.refuseSockets = value;
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return bad(key, `${key} must be a non-negative number`);
      if ((k === 'failRate' || k === 'dropEvents' || k === 'duplicateEvents' || k === 'reorderEvents') && value > 1) return bad(key, `${key} must be between 0 and 1`);
      if (k === 'status' && (value < 500 || value > 599)) return bad(key, 'status must be a 5xx code');
      next[k] = value;
    }
    this.settings = next;
    return null;
  }

  reset(): void {
    this.settings = { ...DEFAULTS };
  }

  /** Decides the fault for one REST request: a status to answer with, or null to serve it. */
  restFault(): { status: number; retryAfterSec?: number } | null {
    const s = this.settings;
    if (s.rateLimitNext > 0) {
      s.rateLimitNext -= 1;
      return { status: 429, retryAfterSec: s.retryAfterSec };
    }
    if (s.failNext > 0) {
      s.failNext -= 1;
      return { status: s.status };
    }
    if (s.failRate > 0 && Math.random() < s.failRate) return { status: s.status };
    return null;
  }

  /** Decides what happens to one event delivery. */
  delivery(): Delivery {
    const s = this.settings;
    if (s.dropEvents > 0 && Math.random() < s.dropEvents) return 'drop';
    if (s.duplicateEvents > 0 && Math.random() < s.duplicateEvents) return 'duplicate';
    if (s.reorderEvents > 0 && Math.random() < s.reorderEvents) return 'delay';
    return 'send';
  }
}

export class EmulatorStats {
  /** "METHOD /route/pattern" → status → count. */
  readonly requests = new Map<string, Map<number, number>>();
  stateChanges = 0;
  stateChangeFailures = 0;
  framesSent = 0;
  framesDropped = 0;
  framesDuplicated = 0;
  framesDelayed = 0;
  webhooksDelivered = 0;
  webhooksFailed = 0;
  webhooksDropped = 0;
  webhooksDuplicated = 0;
  webhooksDelayed = 0;
  socketsOpened = 0;
  socketsClosedByKeepalive = 0;
  socketsRefused = 0;

  countRequest(route: string, status: number): void {
    let byStatus = this.requests.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.requests.set(route, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  toJSON(extra: Record<string, unknown>): Record<string, unknown> {
    const requests: Record<string, Record<string, number>> = {};
    for (const [route, byStatus] of this.requests) requests[route] = Object.fromEntries([...byStatus].map(([s, n]) => [String(s), n]));
    const { requests: _r, ...counters } = this as unknown as Record<string, unknown>;
    return { requests, ...counters, ...extra };
  }
}
