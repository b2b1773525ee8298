import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_SERVICE_ACCOUNTS } from '../../emulators/graph/index.js';
import { waitFor } from './graph-harness.js';
import { startSubscribeRig, type SubscribeRig } from './graph-subscribe-rig.js';

/** Microsoft's rules for presence subscriptions, against the emulator over HTTPS, and how the connector copes. */

let rig: SubscribeRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const bulk = (ids: string[]): string => `communications/presences?$filter=id in (${ids.map((i) => `'${i}'`).join(',')})`;

async function notifiedAfter(r: SubscribeRig, ids: string[], act: (id: string) => Promise<unknown>): Promise<void> {
  const before = r.events.length;
  for (const id of ids) await act(id);
  await waitFor(() => ids.every((id) => r.events.slice(before).some((e) => e.teamsUserId === id && e.via === 'notification')), `notifications for ${ids.length} users`);
}

describe('one deleted user among 651 watched users (two service accounts: groups of 650 and 1)', () => {
  it('is isolated by the directory check; the other 650 are subscribed, reconciled and notified', async () => {
    rig = await startSubscribeRig({ userCount: 700 });
    const ids = rig.bed.userIds(651, 20);
    const deleted = ids[123]!;
    await rig.bed.control.control('DELETE', `users/${deleted}`);
    const started = Date.now();
    await rig.start(ids);
    // Groups of 650 + 1, one per service account: 649 + 1 subscribed.
    await waitFor(async () => (await rig!.subs()).length === 2, 'subscriptions');
    const isolatedMs = Date.now() - started;
    expect((await rig.subs()).map((s) => s.watchedUsers).sort((a, b) => a - b)).toEqual([1, 649]);
    expect(rig.src.health().isolatedUsers).toEqual([expect.objectContaining({ teamsUserId: deleted, reason: 'not-in-directory' })]);
    // The reconcile poll reads all 650 others (the deleted one would make the whole call a 400).
    await waitFor(() => new Set(rig!.events.filter((e) => e.via === 'reconcile').map((e) => e.teamsUserId)).size === 650, 'reconcile of 650');
    expect(rig.events.some((e) => e.teamsUserId === deleted)).toBe(false);
    await notifiedAfter(rig, [ids[0]!, ids[122]!, ids[124]!, ids[650]!], (id) => rig!.bed.control.control('POST', `users/${id}/call/start`));
    process.stdout.write(`[measure] deleted user isolated by directory check; other 650 subscribed after ${isolatedMs} ms\n`);
  });

  it('is isolated by halving when the create fails after the directory check; the other 650 stay subscribed', async () => {
    rig = await startSubscribeRig({ userCount: 700 });
    const r = rig;
    const ids = r.bed.userIds(651, 20);
    const doomed = ids[400]!;
    // The create is held back 400 ms; the user is deleted after the directory check, before Graph handles the create.
    await r.bed.control.control('POST', 'faults', { latencyMs: 400, paths: '^/v1\\.0/subscriptions$' });
    const started = Date.now();
    await r.start(ids);
    await waitFor(async () => ((await r.bed.count(/GET \/v1\.0\/users$/))['200'] ?? 0) >= 44, 'directory check');
    await r.bed.control.control('DELETE', `users/${doomed}`);
    await r.bed.control.control('DELETE', 'faults');
    await waitFor(async () => (await r.subs()).length === 2 && r.src.health().isolatedUsers!.length === 1, 'isolation', 30_000);
    const isolatedMs = Date.now() - started;
    expect(r.src.health().isolatedUsers).toEqual([expect.objectContaining({ teamsUserId: doomed, reason: 'subscription-refused' })]);
    expect((await r.subs()).map((s) => s.watchedUsers).sort((a, b) => a - b)).toEqual([1, 649]);
    expect((await r.bed.count(/POST \/v1\.0\/subscriptions$/))['500']).toBeGreaterThanOrEqual(2);
    expect(r.src.manager.creator.probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(651)));
    await notifiedAfter(r, [ids[0]!, ids[399]!, ids[401]!, ids[650]!], (id) => r.bed.control.control('POST', `users/${id}/dnd`, { on: true }));
    process.stdout.write(`[measure] deleted user isolated by halving in ${isolatedMs} ms with ${r.src.manager.creator.probes} probe subscriptions\n`);
  });
});

describe('a user restored to the directory', () => {
  it('is subscribed again once the isolation lapses (an hour later)', async () => {
    rig = await startSubscribeRig({ userCount: 700 });
    const r = rig;
    const ids = r.bed.userIds(651, 20);
    const seeds = r.bed.emu.users();
    const restored = ids[7]!;
    const seed = seeds.find((u) => u.id === restored)!;
    await r.bed.control.control('DELETE', `users/${restored}`);
    await r.start(ids);
    await waitFor(async () => (await r.subs()).map((s) => s.watchedUsers).sort((a, b) => a - b).join() === '1,649', 'subscriptions without the deleted user');
    // Both the subscription's directory check and the first reconcile poll have left the user out.
    await waitFor(() => new Set(r.events.filter((e) => e.via === 'reconcile').map((e) => e.teamsUserId)).size === 650, 'first reconcile');
    expect(r.src.health().isolatedUsers!.map((u) => u.teamsUserId)).toEqual([restored]);
    await r.bed.control.control('POST', 'users', { users: [seed] });
    await r.advance(41 * 60_000);
    await r.advance(20 * 60_000);
    await waitFor(async () => (await r.subs()).map((s) => s.watchedUsers).sort((a, b) => a - b).join() === '1,650', 'the restored user subscribed again', 20_000);
    expect(r.src.health().isolatedUsers).toEqual([]);
    await notifiedAfter(r, [restored], (id) => r.bed.control.control('POST', `users/${id}/call/start`));
  });
});

describe('conflicts', () => {
  it('answers a 409 by deleting the account’s orphaned presence subscription and retrying', async () => {
    rig = await startSubscribeRig({ userCount: 50, accounts: 1 });
    const ids = rig.bed.userIds(10, 20);
    // An orphan left by an earlier instance that the connector never stored.
    const token = await rig.bed.control.delegatedToken(DEMO_SERVICE_ACCOUNTS[0], DEMO_PASSWORD);
    const orphan = await rig.bed.control.request('POST', '/v1.0/subscriptions', {
      token,
      body: { changeType: 'updated', notificationUrl: rig.webhookUrl, resource: bulk(ids.slice(0, 2)), expirationDateTime: new Date(Date.now() + 30 * 60_000).toISOString(), clientState: 'old' },
    });
    expect(orphan.status).toBe(201);
    await rig.start(ids);
    await waitFor(async () => (await rig!.subs()).some((s) => s.watchedUsers === 10), 'subscription after the conflict');
    const live = await rig.subs();
    expect(live.map((s) => s.id)).not.toContain(orphan.json().id);
    expect(live).toHaveLength(1);
    expect((await rig.bed.count(/POST \/v1\.0\/subscriptions$/))['409']).toBe(1);
    expect(rig.bed.logs()).toContain('removed orphaned presence subscriptions');
  });
});

describe('expiry', () => {
  it('recreates a subscription whose renewal answered 200 without moving the expiry', async () => {
    rig = await startSubscribeRig({ userCount: 50, accounts: 1 });
    const ids = rig.bed.userIds(10, 20);
    await rig.start(ids);
    await waitFor(async () => (await rig!.subs()).length === 1, 'subscription');
    const [first] = await rig.subs();
    await rig.bed.control.control('POST', 'behaviour', { presenceRenewal: 'ignored' });
    await rig.advance(41 * 60_000);
    await waitFor(async () => (await rig!.subs()).some((s) => s.id !== first!.id), 'recreated subscription');
    expect((await rig.bed.count(/PATCH \/v1\.0\/subscriptions/))['200']).toBe(1);
    expect(rig.bed.logs()).toContain('renewal did not move the expiry');
    const [second] = await rig.subs();
    expect(Date.parse(second!.expirationDateTime)).toBeGreaterThan(Date.parse(first!.expirationDateTime));
    await notifiedAfter(rig, [ids[3]!], (id) => rig!.bed.control.control('POST', `users/${id}/call/start`));
  });

  for (const skewMs of [60_000, -60_000]) {
    it(`creates, renews and keeps delivering with the Graph clock ${skewMs > 0 ? 'ahead' : 'behind'} by a minute`, async () => {
      rig = await startSubscribeRig({ userCount: 50, accounts: 1, emulatorOffsetMs: skewMs });
      const ids = rig.bed.userIds(10, 20);
      await rig.start(ids);
      await waitFor(async () => (await rig!.subs()).length === 1, 'subscription');
      expect((await rig.bed.count(/POST \/v1\.0\/subscriptions$/))['400'] ?? 0).toBe(0);
      const [sub] = await rig.subs();
      await rig.advance(41 * 60_000);
      await waitFor(async () => ((await rig!.bed.count(/PATCH \/v1\.0\/subscriptions/))['200'] ?? 0) === 1, 'renewal');
      const [renewed] = await rig.subs();
      expect(renewed!.id).toBe(sub!.id);
      expect(Date.parse(renewed!.expirationDateTime)).toBeGreaterThan(Date.parse(sub!.expirationDateTime));
      expect((await rig.bed.count(/PATCH \/v1\.0\/subscriptions/))['400'] ?? 0).toBe(0);
      // Past the first lifetime the subscription is still the renewed one and delivers.
      await rig.advance(20 * 60_000);
      expect((await rig.subs()).map((s) => s.id)).toEqual([sub!.id]);
      await notifiedAfter(rig, [ids[5]!], (id) => rig!.bed.control.control('POST', `users/${id}/call/start`));
    });
  }
});

describe('restart in the same process', () => {
  it('verifies and applies rich notifications after the source is stopped and started again (deactivate, activate)', async () => {
    rig = await startSubscribeRig({ userCount: 50, accounts: 1 });
    const r = rig;
    const ids = r.bed.userIds(10, 20);
    await r.start(ids);
    await waitFor(async () => (await r.subs()).length === 1, 'subscription');
    await notifiedAfter(r, [ids[1]!], (id) => r.bed.control.control('POST', `users/${id}/call/start`));
    await r.src.stop();
    expect(await r.subs()).toHaveLength(0);
    await r.src.start((batch) => r.events.push(...batch));
    await waitFor(async () => (await r.subs()).length === 1, 'subscription again');
    await notifiedAfter(r, [ids[2]!], (id) => r.bed.control.control('POST', `users/${id}/call/start`));
    expect(r.bed.logs()).not.toContain('bad-validation-token');
  });
});
