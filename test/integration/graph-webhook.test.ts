import { createCipheriv, createHmac, publicEncrypt, constants, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEncryptionCertificate, decryptContent, type EncryptionCertificate } from '../../server/graph/notification-crypto.js';
import { NotificationIntake } from '../../server/graph/notification-intake.js';
import { createGraphWebhookRouter } from '../../server/http/graph-webhook-router.js';
import { createLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';
import { GraphStore, migrateGraphStore } from '../../server/store/graph-store.js';

/** Encrypts a resource the way Graph does for rich notifications. */
function encryptLikeGraph(resource: unknown, cert: EncryptionCertificate, tamper = false) {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]).toString('base64');
  const publicKey = new X509Certificate(`-----BEGIN CERTIFICATE-----\n${cert.certificateBase64}\n-----END CERTIFICATE-----`).publicKey;
  const dataKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
  let dataSignature = createHmac('sha256', key).update(Buffer.from(data, 'base64')).digest('base64');
  if (tamper) dataSignature = createHmac('sha256', randomBytes(32)).update(Buffer.from(data, 'base64')).digest('base64');
  return { data, dataKey, dataSignature, encryptionCertificateId: cert.id, encryptionCertificateThumbprint: cert.thumbprint };
}

describe('Graph webhook router', () => {
  let dir: string;
  let db: Database.Database;
  let store: GraphStore;
  let cert: EncryptionCertificate;
  let url: string;
  let server: ReturnType<express.Express['listen']>;
  let logs = '';
  let queued = 0;
  let intake: NotificationIntake;
  const states = new Map<string, string>([['sub-1', 'the-real-client-state-value']]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tpc-graph-webhook-'));
    db = new Database(join(dir, 'test.db'));
    db.pragma('journal_mode = WAL');
    migrateGraphStore(db);
    store = new GraphStore(db);
    cert = await createEncryptionCertificate('cert-test');
    const logger = createLogger('info', new Writable({ write: (chunk, _enc, cb) => ((logs += String(chunk)), cb()) }));
    intake = new NotificationIntake({
      store,
      lookup: { clientStateOf: (id) => states.get(id), pendingClientStates: () => ['pending-state'] },
      certificate: () => cert,
      clock: systemClock,
      logger,
      onQueued: () => (queued += 1),
    });
    const app = express();
    app.use(createGraphWebhookRouter(intake, { logger, bodyLimit: '64kb' }));
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    logs = '';
    db.exec('DELETE FROM notification_inbox');
  });

  const post = (path: string, body: unknown, type = 'application/json') =>
    fetch(url + path, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers the validation handshake with the token as text/plain', async () => {
    const token = 'Validation: Token with spaces & symbols <b>';
    for (const path of ['/webhooks/graph/notifications', '/webhooks/graph/lifecycle']) {
      const res = await fetch(`${url}${path}?validationToken=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe(token);
    }
  });

  it('verifies clientState, queues the raw batch with its validation tokens durably, and answers 202', async () => {
    const resource = { '@odata.type': '#microsoft.graph.presence', id: 'user-1', availability: 'Busy', activity: 'InACall' };
    const item = {
      subscriptionId: 'sub-1',
      clientState: 'the-real-client-state-value',
      changeType: 'updated',
      resource: 'communications/presences/user-1',
      resourceData: { id: 'user-1' },
      encryptedContent: encryptLikeGraph(resource, cert),
    };
    const before = queued;
    const res = await post('/webhooks/graph/notifications', { value: [item], validationTokens: ['x.y.z'] });
    expect(res.status).toBe(202);
    expect(queued).toBe(before + 1);
    const pending = store.pending(10);
    expect(pending).toHaveLength(1);
    const stored = JSON.parse(pending[0]!.body);
    expect(stored).toMatchObject({ v: 2, kind: 'change', tokens: ['x.y.z'] });
    expect(stored.items[0].encryptedContent.data).toBe(item.encryptedContent.data);
    expect(decryptContent(stored.items[0].encryptedContent, cert)).toMatchObject({ id: 'user-1', availability: 'Busy', activity: 'InACall' });
  });

  it('rejects a wrong clientState item by item before answering, leaves signatures to the worker, and logs no secret', async () => {
    const good = { subscriptionId: 'sub-1', clientState: 'the-real-client-state-value', changeType: 'updated', resourceData: { id: 'u2' } };
    const wrongState = { ...good, clientState: 'forged-state' };
    const badSignature = { ...good, encryptedContent: encryptLikeGraph({ id: 'u3', availability: 'Away', activity: 'Away' }, cert, true) };
    const unknownSub = { ...good, subscriptionId: 'sub-unknown', clientState: 'whatever' };
    const res = await post('/webhooks/graph/notifications', { value: [good, wrongState, badSignature, unknownSub] });
    expect(res.status).toBe(202);
    expect(store.pending(10)).toHaveLength(1);
    const stored = JSON.parse(store.pending(10)[0]!.body);
    expect(stored.items).toHaveLength(2);
    expect(intake.checkSignature(stored.items[1])).toBe('bad-signature');
    expect(intake.checkSignature(stored.items[0])).toBeNull();
    const lines = logs.trim().split('\n').map((l) => JSON.parse(l));
    const reasons = lines.filter((l) => l.msg === 'Graph notification rejected').map((l) => l.reason);
    expect(reasons).toEqual(['client-state-mismatch', 'unknown-subscription']);
    expect(lines.every((l) => l.level <= 40)).toBe(true);
    expect(logs).not.toContain('the-real-client-state-value');
    expect(logs).not.toContain('forged-state');
  });

  it('accepts items for a subscription still being created when the clientState matches a pending one', async () => {
    const res = await post('/webhooks/graph/lifecycle', { value: [{ subscriptionId: 'new-sub', clientState: 'pending-state', lifecycleEvent: 'reauthorizationRequired' }] });
    expect(res.status).toBe(202);
    expect(store.pending(10)).toHaveLength(1);
  });

  it('answers malformed, non-JSON and oversized bodies with 202 (so Graph does not retry them for hours), drops them with a log line, and keeps serving', async () => {
    expect((await post('/webhooks/graph/notifications', '{not json')).status).toBe(202);
    expect((await post('/webhooks/graph/notifications', { value: [{ clientState: 'x' }] })).status).toBe(202);
    expect((await post('/webhooks/graph/notifications', { value: [] })).status).toBe(202);
    expect((await post('/webhooks/graph/notifications', 'hello', 'text/plain')).status).toBe(202);
    const huge = { value: [{ subscriptionId: 'sub-1', clientState: 'x', pad: 'a'.repeat(100_000) }] };
    expect((await post('/webhooks/graph/notifications', huge)).status).toBe(202);
    expect(logs).toContain('malformed Graph notification dropped');
    expect(logs).toContain('unreadable Graph notification body dropped');
    expect(logs).toContain('unsupported content type dropped');
    expect(store.pending(10)).toHaveLength(0);
    const ok = await fetch(`${url}/webhooks/graph/notifications?validationToken=still-alive`, { method: 'POST' });
    expect(await ok.text()).toBe('still-alive');
  });
});
