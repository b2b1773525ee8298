import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationIntake } from '../../server/graph/notification-intake.js';
import { createGraphWebhookRouter } from '../../server/http/graph-webhook-router.js';
import { createWebexWebhookRouter } from '../../server/http/webex-webhook-router.js';
import { silentLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';
import { GraphStore, migrateGraphStore } from '../../server/store/graph-store.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { call, openSocket, sleep } from './security-helpers.js';

/** Request size limits: API 256 kB, socket messages 16 kB, Graph webhook 1 MB (its default; larger is dropped), Webex webhook 256 kB. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.connector.close();
});

const profileOf = (descriptionBytes: number) => JSON.stringify({ name: 'Big', description: 'x'.repeat(descriptionBytes), rules: [] });

describe('HTTP API body limit', () => {
  it.each(['/api/profiles', '/api/profiles/import', '/api/dry-run', '/api/me/pause'])('a body over 256 kB to %s → 413 JSON, nothing stored', async (path) => {
    const before = h.connector.stores.profiles.all().length;
    const key = path === '/api/me/pause' ? h.keys.agent1 : h.keys.supervisor;
    const res = await h.api(path, { method: 'POST', key, body: profileOf(300 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: { code: 'payload_too_large', message: expect.stringMatching(/too large/) } });
    expect(h.connector.stores.profiles.all().length).toBe(before);
  });

  it('a body just under the limit is read and judged on its content', async () => {
    const res = await h.api('/api/profiles', { method: 'POST', key: h.keys.supervisor, body: profileOf(200 * 1024) });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('description');
  });

  it('an anonymous body is refused by its credential before it is read: 401, not 413 or 400', async () => {
    for (const body of [profileOf(2 * 1024 * 1024), '{"name": ']) {
      const res = await h.api('/api/profiles', { method: 'POST', key: null, body });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
    expect((await fetch(`${h.connector.url}/healthz`)).status).toBe(200);
  });
});

describe('socket message limit', () => {
  it('a message over 16 kB drops that connection; the server and other sockets carry on', async () => {
    const big = await openSocket(h.connector.url, h.keys.agent1);
    const other = await openSocket(h.connector.url, h.keys.agent2);
    expect(big.error).toBeNull();
    const reasons: string[] = [];
    big.socket.on('disconnect', (reason) => reasons.push(reason));
    const ack = call(big.socket, 'directory:search', { query: 'q'.repeat(20 * 1024) });
    expect(await ack).toBe('no-ack');
    for (let i = 0; i < 50 && reasons.length === 0; i++) await sleep(10);
    expect(reasons.length).toBe(1);
    expect(big.socket.connected).toBe(false);

    expect(await call(other.socket, 'agent:get')).toMatchObject({ ok: true, data: { agentId: 'agent-2' } });
    const again = await openSocket(h.connector.url, h.keys.agent1);
    expect(await call(again.socket, 'agent:get')).toMatchObject({ ok: true, data: { agentId: 'agent-1' } });
    expect((await fetch(`${h.connector.url}/healthz`)).status).toBe(200);
    other.socket.disconnect();
    again.socket.disconnect();
  });

  it('a message under 16 kB is answered (with a validation error for a too-long query)', async () => {
    const s = await openSocket(h.connector.url, h.keys.agent1);
    const ack = await call(s.socket, 'directory:search', { query: 'q'.repeat(8 * 1024) });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid', field: 'query' } });
    s.socket.disconnect();
  });
});

describe('webhook limits', () => {
  let dir: string;
  let db: Database.Database;
  let url: string;
  let server: ReturnType<express.Express['listen']>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tpc-limits-'));
    db = new Database(join(dir, 'g.db'));
    migrateGraphStore(db);
    const intake = new NotificationIntake({
      store: new GraphStore(db),
      lookup: { clientStateOf: () => 'state', pendingClientStates: () => [] },
      certificate: () => null,
      clock: systemClock,
      logger: silentLogger,
      onQueued: () => undefined,
    });
    const app = express();
    app.use(createGraphWebhookRouter(intake));
    app.use(createWebexWebhookRouter({ handleWebhook: () => undefined }, 'webhook-secret'));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const inbox = () => (db.prepare('SELECT COUNT(*) AS n FROM notification_inbox').get() as { n: number }).n;
  const notification = (padding: number) =>
    JSON.stringify({ value: [{ subscriptionId: 'sub-1', clientState: 'state', resource: 'communications/presences/u-1', padding: 'p'.repeat(padding) }] });

  it.each(['/webhooks/graph/notifications', '/webhooks/graph/lifecycle'])('a Graph POST over 1 MB to %s → dropped with 202 (Graph would retry a 413 for hours), nothing queued', async (path) => {
    const before = inbox();
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: notification(1024 * 1024 + 10) });
    expect(res.status).toBe(202);
    expect(inbox()).toBe(before);
  });

  it('a Graph POST under 1 MB is accepted', async () => {
    const res = await fetch(`${url}/webhooks/graph/notifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: notification(900 * 1024) });
    expect(res.status).toBe(202);
  });

  it('a Webex webhook over 256 kB → 413 before its signature is even checked', async () => {
    const res = await fetch(`${url}/webhooks/webex`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webex-signature': '0'.repeat(64) }, body: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
