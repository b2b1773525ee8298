import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationIntake } from '../../server/graph/notification-intake.js';
import { createGraphWebhookRouter } from '../../server/http/graph-webhook-router.js';
import { createWebexWebhookRouter } from '../../server/http/webex-webhook-router.js';
import { createLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';
import { GraphStore, migrateGraphStore } from '../../server/store/graph-store.js';

/** A flood of bogus webhook posts costs a few log lines, not one per item or per post. */
let logs = '';
let url = '';
let close: () => void = () => undefined;
beforeAll(async () => {
  const logger = createLogger('info', new Writable({ write: (chunk, _e, cb) => ((logs += String(chunk)), cb()) }));
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'tpc-logsample-')), 'g.db'));
  migrateGraphStore(db);
  const intake = new NotificationIntake({
    store: new GraphStore(db),
    lookup: { clientStateOf: (id) => (id === 'sub-1' ? 'the-real-client-state' : undefined), pendingClientStates: () => ['the-real-client-state'] },
    certificate: () => null,
    clock: systemClock,
    logger,
    onQueued: () => undefined,
  });
  const app = express();
  app.use(createGraphWebhookRouter(intake, { logger }));
  app.use(createWebexWebhookRouter({ handleWebhook: () => undefined }, 'w'.repeat(40), { logger }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    server.close();
    db.close();
  };
});
afterAll(() => close());

const lines = (): string[] => logs.split('\n').filter(Boolean);

describe('log sampling for rejected webhook items', () => {
  it('100 Graph posts of 1,000 forged notifications each write at most a few lines', async () => {
    const before = lines().length;
    const items = Array.from({ length: 1000 }, (_, i) => ({ subscriptionId: i % 2 ? 'sub-1' : 'unknown-sub', clientState: 'forged', changeType: 'updated', resource: `communications/presences('u${i}')` }));
    const body = JSON.stringify({ value: items });
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${url}/webhooks/graph/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBeLessThan(500);
      await res.arrayBuffer();
    }
    const written = lines().slice(before);
    expect(written.length).toBeLessThanOrEqual(5);
    expect(written.length).toBeGreaterThan(0);
    expect(logs).not.toContain('forged');
  });

  it('100 forged Webex posts write at most one line per kind of refusal', async () => {
    const before = lines().length;
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${url}/webhooks/webex`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webex-signature': 'ab'.repeat(32) }, body: '{"type":"agent:state_change"}' });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
    const written = lines().slice(before);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!).msg).toContain('signature');
  });
});
