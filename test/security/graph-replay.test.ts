import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../integration/graph-harness.js';
import { startSubscribeRig, type SubscribeRig } from '../integration/graph-subscribe-rig.js';

/**
 * A notification captured on the wire and posted again later must change nothing: the connector refuses a
 * notification it already processed (and one whose validation token expired), and never keeps the
 * subscription's clientState — the secret that makes a forged post look genuine — in plaintext on disk.
 */
describe('Graph notification replay', () => {
  let rig: SubscribeRig;
  let ids: string[];

  beforeAll(async () => {
    rig = await startSubscribeRig({ userCount: 40, accounts: 1 });
    ids = rig.bed.userIds(10, 20);
    await rig.start(ids);
    await waitFor(async () => (await rig.subs()).length === 1, 'subscription');
    await waitFor(() => rig.events.filter((e) => e.via === 'reconcile').length === 10, 'initial reconcile');
  });
  afterAll(async () => {
    await rig?.close();
  });

  const lastFor = (id: string) => [...rig.events].reverse().find((e) => e.teamsUserId === id);

  it('a captured notification re-posted a minute later changes nothing', async () => {
    const user = ids[2]!;
    const before = rig.posted.length;
    await rig.bed.control.control('POST', `users/${user}/call/start`);
    await waitFor(() => lastFor(user)?.presence.activity === 'InACall', 'Busy/InACall notification');
    const captured = rig.posted.slice(before).find((b) => b.includes('encryptedContent'))!;
    expect(captured).toBeDefined();
    await rig.bed.control.control('POST', `users/${user}/call/end`);
    await waitFor(() => lastFor(user)?.presence.activity === 'Available', 'Available notification');
    const eventsBefore = rig.events.length;

    await rig.advance(60_000);
    expect(await rig.repost(captured)).toBe(202);
    await waitFor(() => rig.bed.logs().includes('"reason":"replayed"'), 'replay refused');
    await rig.src.drained();
    expect(rig.events.length).toBe(eventsBefore);
    expect(lastFor(user)?.presence).toMatchObject({ availability: 'Available', activity: 'Available' });
    expect(rig.src.worker.replaysRefused).toBeGreaterThanOrEqual(1);
  });

  it('a notification with a forged validation token is refused; the genuine one is accepted once', async () => {
    const user = ids[4]!;
    rig.hold.on = true;
    const before = rig.posted.length;
    await rig.bed.control.control('POST', `users/${user}/dnd`, { on: true });
    await waitFor(() => rig.posted.length > before, 'held notification');
    rig.hold.on = false;
    const genuine = rig.posted[before]!;
    const body = JSON.parse(genuine) as { validationTokens: string[] };
    const [h, p] = body.validationTokens[0]!.split('.');
    // Same claims, signature from nowhere.
    const forged = JSON.stringify({ ...body, validationTokens: [`${h}.${p}.${Buffer.from('forged-signature').toString('base64url')}`] });
    const eventsBefore = rig.events.length;
    expect(await rig.repost(forged)).toBe(202);
    await waitFor(() => rig.bed.logs().includes('bad-validation-token'), 'token refused');
    await rig.src.drained();
    expect(rig.events.length).toBe(eventsBefore);
    expect(await rig.repost(genuine)).toBe(202);
    await waitFor(() => lastFor(user)?.presence.availability === 'DoNotDisturb', 'genuine notification');
    expect(rig.events.slice(eventsBefore).filter((e) => e.teamsUserId === user)).toHaveLength(1);
  });

  it('keeps the subscription clientState only as a hash on disk', async () => {
    const [sub] = await rig.subs();
    const secret = sub!.clientState;
    expect(secret.length).toBeGreaterThan(20);
    const rows = rig.db.prepare('SELECT client_state AS cs FROM graph_subscriptions').all() as { cs: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cs).toMatch(/^sha256:[0-9a-f]{64}$/);
    rig.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(rig.dbPath).includes(Buffer.from(secret))).toBe(false);
  });
});
