import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { DEMO_PASSWORD, DEMO_SERVICE_ACCOUNTS } from '../../emulators/graph/index.js';
import { SubscribePresenceSource } from '../../server/graph/subscribe-presence-source.js';
import { createGraphWebhookRouter } from '../../server/http/graph-webhook-router.js';
import type { PresenceEvent } from '../../server/ports.js';
import { GraphStore } from '../../server/store/graph-store.js';
import { OffsetClock, startGraphTestbed, type GraphTestbed } from './graph-harness.js';
import type { GraphEmulatorOptions } from '../../emulators/graph/index.js';

/**
 * A subscribe-mode source against the Graph emulator with its webhook on a real loopback server and a real
 * SQLite file. Every raw body Graph posts to the notification URL is kept (`posted`), so tests can replay one.
 */

export interface EmuSubscription {
  id: string;
  expirationDateTime: string;
  watchedUsers: number;
  clientState: string;
  creatorId: string;
}

export interface SubscribeRig {
  bed: GraphTestbed;
  clock: OffsetClock;
  src: SubscribePresenceSource;
  db: Database.Database;
  dbPath: string;
  events: PresenceEvent[];
  posted: string[];
  /** While true, notification POSTs are recorded and answered 202 without reaching the connector. */
  hold: { on: boolean };
  webhookUrl: string;
  /** POSTs a raw body to the connector's notification URL; resolves to the status. */
  repost(body: string): Promise<number>;
  subs(): Promise<EmuSubscription[]>;
  /** Moves both clocks forward. */
  advance(ms: number): Promise<void>;
  start(ids: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function startSubscribeRig(options: GraphEmulatorOptions & { userCount?: number; emulatorOffsetMs?: number; accounts?: number } = {}): Promise<SubscribeRig> {
  const { emulatorOffsetMs, accounts, ...bedOptions } = options;
  const clock = new OffsetClock();
  const bed = await startGraphTestbed({ tokenLifetimeSec: 20_000, ...bedOptions, clock });
  if (emulatorOffsetMs) await bed.control.control('POST', 'clock', { offsetMs: emulatorOffsetMs });
  const dir = mkdtempSync(join(tmpdir(), 'tpc-graph-rig-'));
  const dbPath = join(dir, 'test.db');
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  const store = new GraphStore(db);
  const events: PresenceEvent[] = [];
  const posted: string[] = [];
  const holder: { src: SubscribePresenceSource | null } = { src: null };
  const hold = { on: false };
  const app = express();
  app.use(express.text({ type: '*/*', limit: '2mb' }), (req, res, next) => {
    if (req.path === '/webhooks/graph/notifications' && req.query.validationToken === undefined && typeof req.body === 'string' && req.body && req.get('x-test-repost') === undefined) {
      posted.push(req.body);
      if (hold.on) {
        res.status(202).end();
        return;
      }
    }
    // Hand the raw text on to the JSON parser of the router under test.
    if (typeof req.body === 'string') {
      try {
        req.body = JSON.parse(req.body);
        (req as unknown as { _body: boolean })._body = true;
      } catch {
        req.body = undefined;
      }
    }
    next();
  });
  app.use(createGraphWebhookRouter({ acceptNotifications: (items, tokens) => holder.src!.intake.acceptNotifications(items, tokens), acceptLifecycle: (items) => holder.src!.intake.acceptLifecycle(items) }, { logger: bed.logger }));
  let server: ReturnType<express.Express['listen']>;
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  const src = new SubscribePresenceSource({
    connection: bed.connection,
    store,
    clock,
    logger: bed.logger,
    serviceAccounts: DEMO_SERVICE_ACCOUNTS.slice(0, accounts ?? DEMO_SERVICE_ACCOUNTS.length).map((username) => ({ username, password: DEMO_PASSWORD })),
    publicUrl: base,
    throttleLimit: 1_500,
    throttleWindowMs: 30_000,
    budgetShare: 0.5,
    minPollIntervalMs: 1_000,
    reconcileIntervalMs: 10 * 60_000,
    caCertPem: bed.emu.caCertPem,
  });
  holder.src = src;
  return {
    bed,
    clock,
    src,
    db,
    dbPath,
    events,
    posted,
    hold,
    webhookUrl: `${base}/webhooks/graph/notifications`,
    async repost(body) {
      const res = await fetch(`${base}/webhooks/graph/notifications`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-repost': '1' }, body });
      return res.status;
    },
    subs: async () => (await bed.control.control<{ value: EmuSubscription[] }>('GET', 'subscriptions')).value,
    async advance(ms) {
      await bed.control.control('POST', 'clock', { advanceMs: ms });
      clock.advance(ms);
    },
    async start(ids) {
      src.watch(ids);
      await src.start((batch) => events.push(...batch));
    },
    async close() {
      await src.stop();
      server.close();
      db.close();
      await bed.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
