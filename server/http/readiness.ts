import type { ContactCenter } from '../ports.js';
import type { Db } from '../store/db.js';
import { assertWritable } from '../store/index.js';

/** The store takes writes (store/index.ts assertWritable: not a full disk, not read-only, no write held back). */
export const sqliteWritable = (db: Db) => (): void => assertWritable(db);

export type UpstreamName = 'store' | 'graph' | 'contactCenter';

export interface UpstreamCheck {
  ok: boolean;
  /** What is wrong, in words, or null when healthy. */
  error: string | null;
  checkedAt: number | null;
  latencyMs: number | null;
}

export interface Readiness {
  ready: boolean;
  /** True when the process runs but an upstream fails: the connector cannot act on what it sees. */
  degraded: boolean;
  /** One sentence naming every failing upstream and why, or null. */
  summary: string | null;
  checks: Record<UpstreamName, UpstreamCheck>;
}

export interface ReadinessDeps {
  /** Throws when the store cannot take a write. */
  storeProbe: () => void;
  /** One cheap Microsoft Graph read (a directory lookup that matches nobody). */
  graphProbe: () => Promise<unknown>;
  cc: ContactCenter;
  /** Time between probes. Probes run in the background so /readyz itself never spends upstream budget. */
  intervalMs: number;
  /** An upstream that does not answer within this is not reachable (its health budget). */
  budgetMs: number;
}

const LABEL: Record<UpstreamName, string> = { store: 'database', graph: 'Microsoft Graph', contactCenter: 'contact center' };

/**
 * Readiness of the connector's three dependencies: the store is writable (a write lock is taken and released, no
 * data written), Microsoft Graph answers a directory lookup, and the contact center answers its team list
 * with its event stream up. Each probe must finish within the health budget.
 */
export class ReadinessProbe {
  private checks: Record<UpstreamName, UpstreamCheck> = {
    store: { ok: false, error: 'not checked yet', checkedAt: null, latencyMs: null },
    graph: { ok: false, error: 'not checked yet', checkedAt: null, latencyMs: null },
    contactCenter: { ok: false, error: 'not checked yet', checkedAt: null, latencyMs: null },
  };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly d: ReadinessDeps) {}

  start(): Promise<void> {
    const first = this.probe();
    if (this.d.intervalMs > 0) {
      this.timer = setInterval(() => void this.probe(), this.d.intervalMs);
      this.timer.unref();
    }
    return first;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs every probe now (one at a time: a slow upstream never piles probes up). */
  probe(): Promise<void> {
    this.running ??= Promise.all([
      this.run('store', async () => this.d.storeProbe()),
      this.run('graph', async () => {
        await this.d.graphProbe();
      }),
      this.run('contactCenter', async () => {
        // Teams: one small, uncached read (idle codes are cached by the adapter and would hide an outage).
        await this.d.cc.listTeams();
        if (!this.d.cc.health().streamUp) throw new Error('its event stream is down');
      }),
    ]).then(() => {
      this.running = null;
    });
    return this.running;
  }

  state(): Readiness {
    const failing = (Object.keys(this.checks) as UpstreamName[]).filter((k) => !this.checks[k].ok);
    return {
      ready: failing.length === 0,
      degraded: failing.length > 0,
      summary: failing.length ? failing.map((k) => `${LABEL[k]}: ${this.checks[k].error}`).join('; ') : null,
      checks: structuredClone(this.checks),
    };
  }

  private async run(name: UpstreamName, check: () => Promise<void>): Promise<void> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.d.budgetMs} ms`)), this.d.budgetMs);
    });
    try {
      await Promise.race([check(), budget]);
      this.checks[name] = { ok: true, error: null, checkedAt: Date.now(), latencyMs: Date.now() - started };
    } catch (err) {
      this.checks[name] = { ok: false, error: (err as Error).message || String(err), checkedAt: Date.now(), latencyMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }
}
