import { createHmac } from 'node:crypto';
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

/**
 * Malformed Graph notifications and Webex webhooks: nothing queued, never a crash. Graph gets 202 even for a
 * malformed body (Microsoft retries anything else for hours); Webex gets its 4xx.
 */
const SECRET = 'webex-webhook-secret';
let dir: string;
let db: Database.Database;
let url: string;
let server: ReturnType<express.Express['listen']>;
let intake: NotificationIntake;
const delivered: unknown[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-webhooks-'));
  db = new Database(join(dir, 'g.db'));
  migrateGraphStore(db);
  intake = new NotificationIntake({
    store: new GraphStore(db),
    lookup: { clientStateOf: (id) => (id === 'sub-1' ? 'right-state' : undefined), pendingClientStates: () => [] },
    certificate: () => null,
    clock: systemClock,
    logger: silentLogger,
    onQueued: () => undefined,
  });
  const app = express();
  app.use(createGraphWebhookRouter(intake));
  app.use(createWebexWebhookRouter({ handleWebhook: (p) => delivered.push(p) }, SECRET));
  app.get('/healthz', (_q, r) => void r.json({ ok: true }));
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
const post = (path: string, body: string, type = 'application/json', headers: Record<string, string> = {}) =>
  fetch(url + path, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
const item = (over: Record<string, unknown> = {}) => ({ subscriptionId: 'sub-1', clientState: 'right-state', changeType: 'updated', resource: 'communications/presences/u-1', ...over });

describe('Graph notifications', () => {
  it.each([
    ['not JSON', '{"value": [', 202],
    ['empty body', '', 202],
    ['null', 'null', 202],
    ['array', JSON.stringify([item()]), 202],
    ['value missing', '{}', 202],
    ['value not an array', JSON.stringify({ value: item() }), 202],
    ['value empty', JSON.stringify({ value: [] }), 202],
    ['too many items', JSON.stringify({ value: Array.from({ length: 1001 }, () => item()) }), 202],
    ['item a string', JSON.stringify({ value: ['x'] }), 202],
    ['subscriptionId missing', JSON.stringify({ value: [item({ subscriptionId: undefined })] }), 202],
    ['subscriptionId a number', JSON.stringify({ value: [item({ subscriptionId: 5 })] }), 202],
    ['clientState an object', JSON.stringify({ value: [item({ clientState: { $ne: null } })] }), 202],
    ['clientState too long', JSON.stringify({ value: [item({ clientState: 's'.repeat(256) })] }), 202],
    ['encryptedContent without data', JSON.stringify({ value: [item({ encryptedContent: { dataKey: 'k', dataSignature: 's' } })] }), 202],
    ['__proto__ item', `{"value": [{"__proto__": {"subscriptionId": "sub-1", "clientState": "right-state"}}]}`, 202],
    ['over 1 MB', JSON.stringify({ value: [item({ pad: 'p'.repeat(1_100_000) })] }), 202],
  ])('%s → %i (dropped: Graph would retry anything else for hours), nothing queued', async (_name, body, status) => {
    const before = inbox();
    const res = await post('/webhooks/graph/notifications', body);
    expect(res.status).toBe(status);
    expect(await res.text()).toBe('');
    expect(inbox()).toBe(before);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('content type %s → 202 and dropped, nothing queued', async (type) => {
    const before = inbox();
    const res = await post('/webhooks/graph/notifications', JSON.stringify({ value: [item()] }), type);
    expect(res.status).toBe(202);
    expect(inbox()).toBe(before);
  });

  it.each([
    ['clientState missing', item({ clientState: undefined })],
    ['clientState null', item({ clientState: null })],
    ['clientState wrong', item({ clientState: 'wrong-state' })],
    ['clientState of another case', item({ clientState: 'RIGHT-STATE' })],
    ['unknown subscription', item({ subscriptionId: 'sub-other' })],
  ])('%s → 202 (a forger learns nothing) but rejected and not queued', async (_name, notification) => {
    const before = inbox();
    const rejected = intake.rejectedCount;
    const res = await post('/webhooks/graph/notifications', JSON.stringify({ value: [notification] }));
    expect(res.status).toBe(202);
    expect(inbox()).toBe(before);
    expect(intake.rejectedCount).toBe(rejected + 1);
  });

  it('lifecycle notifications with junk → 202 and dropped, nothing queued', async () => {
    const before = inbox();
    for (const body of ['{"value": [{"subscriptionId": "sub-1"}]}', '{"value": [{"lifecycleEvent": 5}]}', 'x']) {
      expect((await post('/webhooks/graph/lifecycle', body)).status).toBe(202);
    }
    expect(inbox()).toBe(before);
  });

  it.each(['', 'x'.repeat(5000)])('an unusable validationToken (%#) → 400', async (token) => {
    const res = await fetch(`${url}/webhooks/graph/notifications?validationToken=${token}`, { method: 'POST' });
    expect(res.status).toBe(400);
  });

  it('a good notification is still queued afterwards, and the server answers', async () => {
    const before = inbox();
    expect((await post('/webhooks/graph/notifications', JSON.stringify({ value: [item()] }))).status).toBe(202);
    expect(inbox()).toBe(before + 1);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('Webex webhooks', () => {
  const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
  const event = JSON.stringify({ type: 'agent:state_change', data: { agentId: 'a-1' } });

  it.each([
    ['no signature', event, undefined, 401],
    ['empty signature', event, '', 401],
    ['wrong secret', event, sign(event, 'other-secret'), 401],
    ['signature of other bytes', event, sign(`${event} `), 401],
    ['truncated signature', event, sign(event).slice(0, 40), 401],
    ['sha1-length signature', event, 'a'.repeat(40), 401],
    ['signed, not JSON', '{"type": ', sign('{"type": '), 400],
    ['signed, an array', '[]', sign('[]'), 400],
    ['signed, null', 'null', sign('null'), 400],
    ['signed, no type', '{"data": {}}', sign('{"data": {}}'), 400],
    ['signed, type not a string', '{"type": 5}', sign('{"type": 5}'), 400],
    ['over 256 kB', 'x'.repeat(300_000), sign('x'.repeat(300_000)), 413],
  ])('%s → %i, nothing delivered', async (_name, body, signature, status) => {
    const count = delivered.length;
    const res = await post('/webhooks/webex', body, 'application/json', signature === undefined ? {} : { 'x-webex-signature': signature });
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toMatch(/unauthenticated|invalid|payload_too_large/);
    expect(delivered.length).toBe(count);
  });

  it('a correctly signed event is delivered once; the server still answers', async () => {
    const count = delivered.length;
    expect((await post('/webhooks/webex', event, 'text/plain', { 'x-webex-signature': sign(event) })).status).toBe(202);
    expect(delivered.length).toBe(count + 1);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
