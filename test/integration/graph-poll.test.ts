import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphConnection } from '../../server/graph/graph-client.js';
import { PollPresenceSource } from '../../server/graph/poll-presence-source.js';
import { systemClock, type PresenceEvent } from '../../server/ports.js';
import { startGraphTestbed, waitFor, type GraphTestbed } from './graph-harness.js';

const PRESENCE_ROUTE = /getPresencesByUserId/;

describe('poll presence source against the Graph emulator', () => {
  let bed: GraphTestbed;
  beforeAll(async () => {
    bed = await startGraphTestbed({ userCount: 10_000 });
  });
  afterAll(async () => bed?.close());

  const source = (over: Partial<ConstructorParameters<typeof PollPresenceSource>[0]> = {}) =>
    new PollPresenceSource({
      client: bed.connection.app,
      clock: systemClock,
      logger: bed.logger,
      throttleLimit: 1_500,
      throttleWindowMs: 30_000,
      budgetShare: 0.5,
      minPollIntervalMs: 60_000,
      ...over,
    });

  it.each([0, 1, 650, 651, 10_000])('reads %i users in ⌈n/650⌉ calls per cycle and emits each once', async (n) => {
    await bed.control.control('DELETE', 'stats');
    const events: PresenceEvent[] = [];
    const src = source();
    src.watch(bed.userIds(n));
    await src.start((batch) => events.push(...batch));
    const calls = Math.ceil(n / 650);
    await waitFor(() => src.health().graphCalls === calls && events.length === n, `${calls} calls and ${n} events`, 20_000);
    await new Promise((r) => setTimeout(r, 50));
    await src.stop();
    const counted = await bed.count(PRESENCE_ROUTE);
    expect(counted['200'] ?? 0).toBe(calls);
    expect(new Set(events.map((e) => e.teamsUserId)).size).toBe(n);
    expect(events.every((e) => e.via === 'poll')).toBe(true);
    expect(src.health()).toMatchObject({ mode: 'poll', graphCalls: calls, throttledCount: 0, lastError: null });
  });

  it('emits only presence that changed since the last cycle', async () => {
    const ids = bed.userIds(30, 100);
    const batches: PresenceEvent[][] = [];
    const src = source({ minPollIntervalMs: 150 });
    src.watch(ids);
    await src.start((batch) => batches.push(batch));
    await waitFor(() => batches.flat().length === 30, 'first full read');
    const cycles = src.health().graphCalls;
    await waitFor(() => src.health().graphCalls >= cycles + 2, 'two quiet cycles');
    expect(batches.flat()).toHaveLength(30);
    await bed.control.control('POST', `users/${ids[7]}/call/start`);
    await waitFor(() => batches.flat().length === 31, 'the change');
    const change = batches.flat()[30]!;
    expect(change.teamsUserId).toBe(ids[7]);
    expect(change.presence).toMatchObject({ availability: 'Busy', activity: 'InACall' });
    const after = src.health().graphCalls;
    await waitFor(() => src.health().graphCalls >= after + 2, 'more quiet cycles');
    expect(batches.flat()).toHaveLength(31);
    await bed.control.control('POST', `users/${ids[7]}/call/end`);
    await waitFor(() => batches.flat().length === 32, 'call end');
    await src.stop();
  });

  it('honours Retry-After on 429: every call pauses, then the batch is read', async () => {
    await bed.control.control('DELETE', 'stats');
    await bed.control.control('POST', 'faults', { throttleNext: 1, retryAfterSec: 2, paths: 'getPresencesByUserId' });
    const events: PresenceEvent[] = [];
    // One call in flight, so every call after the 429 is one the pause had to hold back.
    const src = source({ concurrency: 1 });
    src.watch(bed.userIds(1_300));
    await src.start((batch) => events.push(...batch));
    await waitFor(() => events.length === 1_300, 'all users after the pause', 15_000);
    await src.stop();
    await bed.control.control('DELETE', 'faults');
    expect(src.health().throttledCount).toBe(1);
    const { value } = await bed.control.control<{ value: { route: string; status: number; at: string }[] }>('GET', 'requests?limit=50');
    const presence = value.filter((r) => PRESENCE_ROUTE.test(r.route));
    const throttled = presence.find((r) => r.status === 429)!;
    expect(throttled).toBeDefined();
    const later = presence.filter((r) => Date.parse(r.at) > Date.parse(throttled.at));
    expect(later).toHaveLength(2);
    for (const r of later) expect(Date.parse(r.at) - Date.parse(throttled.at)).toBeGreaterThanOrEqual(1_990);
    expect(bed.logs()).toContain('Graph throttled presence reads');
  });

  it('never exceeds its share of the throttling budget in any window', async () => {
    // Budget: 50% of 12 calls per 2 s = 6 calls per 2 s; 3,900 users = 6 calls per cycle. The emulator
    // enforces the full 12 per 2 s as the referee.
    await bed.control.control('POST', 'throttle', { limit: 12, windowMs: 2_000 });
    await bed.control.control('DELETE', 'stats');
    const src = source({ throttleLimit: 12, throttleWindowMs: 2_000, minPollIntervalMs: 0, concurrency: 6 });
    // Observe (not replace) the limiter: the instants at which calls were allowed to start.
    const starts: number[] = [];
    const take = src.budget.tryTake.bind(src.budget);
    src.budget.tryTake = (now: number) => {
      const ok = take(now);
      if (ok) starts.push(now);
      return ok;
    };
    src.watch(bed.userIds(3_900));
    await src.start(() => {});
    expect(src.health().pollIntervalMs).toBe(2_000);
    await waitFor(() => src.health().graphCalls >= 20, '20 calls', 15_000);
    await src.stop();
    await bed.control.control('POST', 'throttle', { limit: 1_500, windowMs: 30_000 });
    const counted = await bed.count(PRESENCE_ROUTE);
    expect(counted['429'] ?? 0).toBe(0);
    expect(counted['200']).toBe(starts.length);
    for (let i = 0; i + 6 < starts.length; i++) expect(starts[i + 6]! - starts[i]!).toBeGreaterThanOrEqual(2_000);
  });

  it('reports a failing token endpoint in health instead of crashing, without leaking the secret', async () => {
    const connection = createGraphConnection({
      tenantId: bed.emu.tenantId,
      clientId: bed.emu.clientId,
      clientSecret: bed.emu.clientSecret,
      authorityHost: bed.emu.url,
      graphBaseUrl: bed.emu.url,
      caCertPem: bed.emu.caCertPem,
      clock: systemClock,
      logger: bed.logger,
    });
    await bed.control.control('POST', 'faults', { tokenFailure: 400 });
    const src = source({ client: connection.app });
    src.watch(bed.userIds(3));
    const events: PresenceEvent[] = [];
    try {
      await src.start((batch) => events.push(...batch));
      await waitFor(() => src.health().lastError, 'an error in health');
      expect(events).toHaveLength(0);
      expect(src.health().lastSuccessAt).toBeNull();
    } finally {
      await src.stop();
      await bed.control.control('DELETE', 'faults');
      connection.close();
    }
    expect(bed.logs()).toContain('presence read failed');
    expect(bed.logs()).not.toContain(bed.emu.clientSecret);
  });
});
