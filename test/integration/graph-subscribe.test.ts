import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_SERVICE_ACCOUNTS } from '../../emulators/graph/index.js';
import { SubscribePresenceSource } from '../../server/graph/subscribe-presence-source.js';
import { createGraphWebhookRouter } from '../../server/http/graph-webhook-router.js';
import type { PresenceEvent } from '../../server/ports.js';
import { GraphStore, migrateGraphStore } from '../../server/store/graph-store.js';
import { OffsetClock, startGraphTestbed, waitFor, type GraphTestbed } from './graph-harness.js';

interface EmuSubscription {
  id: string;
  expirationDateTime: string;
  watchedUsers: number;
  clientState: string;
}

describe('subscribe presence source against the Graph emulator', () => {
  const clock = new OffsetClock();
  let bed: GraphTestbed;
  let dir: string;
  let db: Database.Database;
  let server: ReturnType<express.Express['listen']>;
  let src: SubscribePresenceSource;
  const events: PresenceEvent[] = [];
  let ids: string[];

  const subs = async () => (await bed.control.control<{ value: EmuSubscription[] }>('GET', 'subscriptions')).value;
  const advance = async (ms: number) => {
    await bed.control.control('POST', 'clock', { advanceMs: ms });
    clock.advance(ms);
  };

  beforeAll(async () => {
    bed = await startGraphTestbed({ userCount: 700, tokenLifetimeSec: 20_000, clock });
    dir = mkdtempSync(join(tmpdir(), 'tpc-graph-subscribe-'));
    db = new Database(join(dir, 'test.db'));
    db.pragma('journal_mode = WAL');
    migrateGraphStore(db);
    const app = express();
    // The webhook always feeds the current source (a test replaces it to simulate a restart).
    const holder = { get src() { return src; } };
    app.use(
      createGraphWebhookRouter(
        { acceptNotifications: (items, tokens) => holder.src!.intake.acceptNotifications(items, tokens), acceptLifecycle: (items) => holder.src!.intake.acceptLifecycle(items) },
        { logger: bed.logger },
      ),
    );
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    src = new SubscribePresenceSource({
      connection: bed.connection,
      store: new GraphStore(db),
      clock,
      logger: bed.logger,
      serviceAccounts: DEMO_SERVICE_ACCOUNTS.map((username) => ({ username, password: DEMO_PASSWORD })),
      publicUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      throttleLimit: 1_500,
      throttleWindowMs: 30_000,
      budgetShare: 0.5,
      minPollIntervalMs: 1_000,
      reconcileIntervalMs: 10 * 60_000,
      caCertPem: bed.emu.caCertPem,
    });
    // 660 users: two groups (650 + 10), one subscription per service account.
    ids = bed.userIds(660, 10);
    src.watch(ids);
    await src.start((batch) => events.push(...batch));
  });

  afterAll(async () => {
    await src?.stop();
    server?.close();
    db?.close();
    await bed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one validated subscription per 650-user group, and reads everyone once by reconcile', async () => {
    await waitFor(async () => (await subs()).length === 2, 'two subscriptions');
    expect((await subs()).map((s) => s.watchedUsers).sort((a, b) => a - b)).toEqual([10, 650]);
    await waitFor(() => events.filter((e) => e.via === 'reconcile').length === 660, 'initial reconcile');
    expect(src.health()).toMatchObject({ mode: 'subscribe', subscriptions: 2 });
    // 55 minutes asked, inside Graph's 60 even with minutes of clock skew.
    expect(src.health().subscriptionExpiresAt).toBeGreaterThan(clock.now() + 54 * 60_000);
    expect(src.health().subscriptionExpiresAt).toBeLessThanOrEqual(clock.now() + 55 * 60_000);
    expect((await bed.control.control<{ notifications: { validationRequests: number } }>('GET', 'stats')).notifications.validationRequests).toBeGreaterThanOrEqual(2);
  });

  it('decrypts rich notifications and emits only the change', async () => {
    const before = events.length;
    await bed.control.control('POST', `users/${ids[3]}/call/start`);
    await waitFor(() => events.some((e, i) => i >= before && e.teamsUserId === ids[3] && e.via === 'notification'), 'notification');
    const change = events.slice(before).find((e) => e.teamsUserId === ids[3])!;
    expect(change.presence).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    await bed.control.control('POST', `users/${ids[655]}/presenting/start`);
    await waitFor(() => events.some((e, i) => i >= before && e.teamsUserId === ids[655]), 'second group notification');
    expect(events.slice(before).every((e) => e.via === 'notification')).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM notification_inbox WHERE processed_at IS NULL').get()).toEqual({ n: 0 });
  });

  it('answers reauthorizationRequired with a PATCH', async () => {
    const [sub] = await subs();
    await bed.control.control('POST', `subscriptions/${sub!.id}/reauthorize-required`);
    await waitFor(async () => ((await bed.count(/PATCH \/v1\.0\/subscriptions/))['200'] ?? 0) >= 1, 'PATCH after reauthorizationRequired');
  });

  it('renews by PATCH about 40 minutes after the last renewal, and keeps the subscriptions alive past 60 minutes', async () => {
    await bed.control.control('DELETE', 'stats');
    const before = new Map((await subs()).map((s) => [s.id, Date.parse(s.expirationDateTime)]));
    await advance(39 * 60_000);
    expect((await bed.count(/PATCH \/v1\.0\/subscriptions/))['200'] ?? 0).toBe(0);
    await advance(2 * 60_000);
    await waitFor(async () => ((await bed.count(/PATCH \/v1\.0\/subscriptions/))['200'] ?? 0) >= 2, 'two renewals');
    await advance(25 * 60_000);
    const after = await subs();
    expect(after.map((s) => s.id).sort()).toEqual([...before.keys()].sort());
    for (const s of after) expect(Date.parse(s.expirationDateTime)).toBeGreaterThan(before.get(s.id)!);
    expect((await bed.count(/POST \/v1\.0\/subscriptions$/))['201'] ?? 0).toBe(0);
  });

  it('recreates a subscription that was lost, and keeps delivering', async () => {
    const [lost, kept] = await subs();
    await bed.control.control('POST', `subscriptions/${lost!.id}/expire`);
    // Both were renewed at +41 min (now +66): the next renewals fall due at +81, the live expiry is +96.
    await advance(16 * 60_000);
    await waitFor(async () => (await subs()).length === 2 && !(await subs()).some((s) => s.id === lost!.id), 'recreated subscription');
    expect((await subs()).some((s) => s.id === kept!.id)).toBe(true);
    expect(bed.logs()).toContain('Graph subscription is gone; recreating');
    const before = events.length;
    for (const id of [ids[4]!, ids[656]!]) await bed.control.control('POST', `users/${id}/dnd`, { on: true });
    await waitFor(() => new Set(events.slice(before).filter((e) => e.via === 'notification').map((e) => e.teamsUserId)).size === 2, 'notifications from both');
  });

  it('rejects forged notifications and never logs a token or clientState', async () => {
    const [sub] = await subs();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/graph/notifications`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: [{ subscriptionId: sub!.id, clientState: 'guess', changeType: 'updated', resourceData: { id: ids[0] } }] }) });
    expect(res.status).toBe(202);
    expect(bed.logs()).toContain('client-state-mismatch');
    const token = await bed.connection.appToken();
    expect(bed.logs()).not.toContain(token);
    for (const s of await subs()) expect(bed.logs()).not.toContain(s.clientState);
  });

  it('after a crash, a new run deletes the subscriptions it can no longer decrypt and subscribes afresh', async () => {
    const crashed = new Set((await subs()).map((s) => s.id));
    expect(crashed.size).toBe(2);
    const next = new SubscribePresenceSource({
      connection: bed.connection,
      store: new GraphStore(db),
      clock,
      logger: bed.logger,
      serviceAccounts: DEMO_SERVICE_ACCOUNTS.map((username) => ({ username, password: DEMO_PASSWORD })),
      publicUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      throttleLimit: 1_500,
      throttleWindowMs: 30_000,
      budgetShare: 0.5,
      minPollIntervalMs: 1_000,
      reconcileIntervalMs: 10 * 60_000,
    });
    const old = src;
    src = next;
    next.watch(ids);
    await next.start(() => {});
    await waitFor(async () => (await subs()).length === 2 && (await subs()).every((s) => !crashed.has(s.id)), 'fresh subscriptions');
    await old.stop();
    expect(await subs()).toHaveLength(2);
  });

  it('deletes its subscriptions on stop', async () => {
    await src.stop();
    expect(await subs()).toHaveLength(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM graph_subscriptions').get()).toEqual({ n: 0 });
    // Started again in the same process, it subscribes again.
    await src.start(() => {});
    await waitFor(async () => (await subs()).length === 2, 'subscriptions after restart');
    await src.stop();
    expect(await subs()).toHaveLength(0);
  });
});
