/**
 * Injected faults shared by the emulators' REST surfaces and event delivery (sockets and webhooks). Control
 * routes are never faulted. Shares are probabilities (Math.random), not exact counts.
 */

export interface FaultSettings {
  /** Added to every faultable REST response. */
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
  /** Shares (0..1) of event deliveries dropped, sent twice, or delayed past later ones. */
  dropEvents: number;
  duplicateEvents: number;
  reorderEvents: number;
  /** How long a reordered delivery is held back. */
  reorderDelayMs: number;
  /** New WebSocket connections are refused (HTTP 503 on upgrade). */
  refuseSockets: boolean;
}

export const FAULT_DEFAULTS: FaultSettings = {
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

const SHARES = new Set(['failRate', 'dropEvents', 'duplicateEvents', 'reorderEvents']);

export class FaultInjector {
  settings: FaultSettings;

  /** `base` holds the settings `reset()` returns to (an emulator may start with delivery faults on). */
  constructor(private readonly base: Partial<FaultSettings> = {}) {
    this.settings = { ...FAULT_DEFAULTS, ...base };
  }

  /** Merges validated settings; returns the bad field and why, or null. Keys in `ignore` are skipped. */
  update(input: Record<string, unknown>, ignore: readonly string[] = []): { field: string; message: string } | null {
    const bad = (field: string, message: string): { field: string; message: string } => ({ field, message });
    const next = { ...this.settings };
    for (const [key, value] of Object.entries(input)) {
      if (ignore.includes(key)) continue;
      if (!(key in FAULT_DEFAULTS)) return bad(key, `unknown fault "${key}"`);
      const k = key as keyof FaultSettings;
      if (k === 'refuseSockets') {
        if (typeof value !== 'boolean') return bad(key, 'refuseSockets must be a boolean');
        next.refuseSockets = value;
        continue;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return bad(key, `${key} must be a non-negative number`);
      if (SHARES.has(k) && value > 1) return bad(key, `${key} must be between 0 and 1`);
      if (k === 'status' && (value < 500 || value > 599)) return bad(key, 'status must be a 5xx code');
      next[k] = value;
    }
    this.settings = next;
    return null;
  }

  reset(): void {
    this.settings = { ...FAULT_DEFAULTS, ...this.base };
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
