import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditProblems, startRig, type Rig } from './fault-rig.js';

/** Graph answers 429 (with Retry-After) and 5xx to presence reads: the poller waits, retries and catches up. */

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ agents: 4 });
}, 30_000);
afterAll(async () => {
  await rig?.close();
});

const presenceRequests = async (): Promise<{ status: number; at: number }[]> => {
  const r = await rig.graphCtl('GET', '/_emulator/requests?limit=2000');
  return (r.body.value as { route: string; status: number; at: string }[])
    .filter((x) => x.route.includes('getPresencesByUserId'))
    .map((x) => ({ status: x.status, at: Date.parse(x.at) }));
};

describe('fault: Graph 429 storm and 5xx', () => {
  it('honours Retry-After during a 429 storm and applies the changes made meanwhile', async () => {
    await rig.callStart(0);
    await rig.callStart(1);
    await rig.converged(new Set([0, 1]));

    await rig.graphCtl('DELETE', '/_emulator/stats');
    await rig.graphCtl('POST', '/_emulator/faults', { throttleNext: 4, retryAfterSec: 1, paths: 'getPresencesByUserId' });
    await rig.callEnd(0);
    await rig.callStart(2);
    await rig.converged(new Set([1, 2]), 20_000);

    const reqs = await presenceRequests();
    const throttled = reqs.filter((r) => r.status === 429);
    expect(throttled.length).toBe(4);
    // Every 429 is followed by a retry (the poller caught up), and by the emulator's own request log that retry
    // came no earlier than Retry-After: 1 s allows (10 ms of timestamp slack).
    const gaps = throttled.map((t) => {
      const next = reqs.find((r) => r.at > t.at);
      return next ? next.at - t.at : null;
    });
    expect(gaps).toHaveLength(4);
    expect(gaps).not.toContain(null);
    expect(Math.min(...(gaps as number[]))).toBeGreaterThanOrEqual(990);
    const status = rig.connector.services.status();
    expect(status.health.throttled429).toBeGreaterThanOrEqual(4);
  }, 40_000);

  it('keeps polling through a spell of 503s and catches up when Graph recovers', async () => {
    await rig.graphCtl('POST', '/_emulator/faults', { failRate: 1, status: 503, paths: 'getPresencesByUserId' });
    await rig.callEnd(1);
    await rig.callStart(3);
    await expect.poll(() => rig.connector.services.status().health.lastGraphError, { timeout: 10_000 }).toMatch(/503/);
    await rig.graphCtl('DELETE', '/_emulator/faults');
    await rig.converged(new Set([2, 3]), 20_000);
    await rig.callEnd(2);
    await rig.callEnd(3);
    await rig.converged(new Set(), 20_000);
    expect(auditProblems(rig.audit(), rig.agentIds, new Set())).toEqual([]);
  }, 40_000);
});
