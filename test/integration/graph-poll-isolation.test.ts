import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollPresenceSource } from '../../server/graph/poll-presence-source.js';
import { systemClock, type PresenceEvent } from '../../server/ports.js';
import { startGraphTestbed, waitFor, type GraphTestbed } from './graph-harness.js';

/**
 * getPresencesByUserId refuses a whole call (400) when one id is deleted or unknown: the poller isolates that
 * id by halving the batch, lists it, and keeps reading the other 649 of its batch every cycle.
 */
describe('presence reads that survive a deleted user', () => {
  let bed: GraphTestbed;
  beforeAll(async () => {
    bed = await startGraphTestbed({ userCount: 700 });
  });
  afterAll(async () => bed?.close());

  it('isolates the deleted id and keeps the other 650 of 651 synced, cycle after cycle', async () => {
    const ids = bed.userIds(651, 10);
    const deleted = ids[321]!;
    await bed.control.control('DELETE', `users/${deleted}`);
    const src = new PollPresenceSource({ client: bed.connection.app, clock: systemClock, logger: bed.logger, throttleLimit: 1_500, throttleWindowMs: 30_000, budgetShare: 0.5, minPollIntervalMs: 200 });
    const events: PresenceEvent[] = [];
    src.watch(ids);
    await src.start((batch) => events.push(...batch));
    try {
      await waitFor(() => new Set(events.map((e) => e.teamsUserId)).size === 650, 'presence of the other 650', 20_000);
      expect(events.some((e) => e.teamsUserId === deleted)).toBe(false);
      expect(src.health().isolatedUsers).toEqual([expect.objectContaining({ teamsUserId: deleted, reason: 'presence-refused' })]);
      // Later cycles no longer send the deleted id: a change in the same batch arrives.
      const before = events.length;
      await bed.control.control('POST', `users/${ids[320]}/call/start`);
      await waitFor(() => events.slice(before).some((e) => e.teamsUserId === ids[320] && e.presence.activity === 'InACall'), 'change next to the deleted user');
      const refused = (await bed.count(/getPresencesByUserId/))['400'] ?? 0;
      await new Promise((r) => setTimeout(r, 600));
      expect((await bed.count(/getPresencesByUserId/))['400'] ?? 0).toBe(refused);
    } finally {
      await src.stop();
    }
  });
});
