import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../bench/processes.js';
import { startWebexRig, type WebexRig } from '../integration/webex-rig.js';

/**
 * A busy day: more than 13,000 activity records in the last 24 hours, past the activities API's cap of 10,000
 * records per query, and every state change of the day missed as an event (webhooks dropped). Before the fix the
 * reconciler read the whole org, got the oldest 10,000 records, and logged out every agent whose current record
 * was not among them — at every pass — so Teams calls then idled nobody. Now agents are queried by id in chunks
 * of at most 100, a capped answer is narrowed, and absence is never a logout: every agent stays logged in and in
 * its real state, and Teams calls still idle them.
 */

const N = 150;
const ROUNDS = 50;
let rig: WebexRig;

beforeAll(async () => {
  rig = await startWebexRig({ agents: N, perMinute: 3_000, historyPerAgent: 2 * ROUNDS + 20 });
}, 90_000);
afterAll(async () => {
  await rig?.close();
});

const registry = () => [...rig.connector.services.registry.agents.values()].filter((a) => rig.agentIds.includes(a.id));

describe('fault: a day of more activity records than one query returns', () => {
  it('keeps every agent logged in and synced, and Teams calls still idle them', async () => {
    const breakId = rig.webex.idleCodes().find((c) => c.name === 'Break')!.id;
    const lunchId = rig.webex.idleCodes().find((c) => c.name === 'Lunch')!.id;
    await rig.webexCtl('POST', '/_emulator/faults', { dropEvents: 1 });
    for (let r = 0; r < ROUNDS; r++) {
      await rig.webexCtl('POST', '/_emulator/agents/bulk-state', { state: 'Idle', idleCodeId: breakId, by: 'agent', agentIds: rig.agentIds });
      await rig.webexCtl('POST', '/_emulator/agents/bulk-state', { state: 'Available', by: 'agent', agentIds: rig.agentIds });
    }
    await rig.webexCtl('POST', '/_emulator/agents/bulk-state', { state: 'Idle', idleCodeId: lunchId, by: 'agent', agentIds: rig.agentIds });
    // More than 13,000 records in the window (counted in two halves, each under the cap of one query).
    let total = 0;
    for (const half of [rig.agentIds.slice(0, N / 2), rig.agentIds.slice(N / 2)]) {
      const q = new URLSearchParams({ from: String(Date.now() - 3_600_000), to: String(Date.now()), agentIds: half.join(','), pageSize: '1' });
      const res = await fetch(`${rig.webex.url}/v1/agents/activities?${q}`, { headers: { authorization: `Bearer ${rig.webex.supervisorToken}` } });
      total += ((await res.json()) as { meta: { totalRecords: number } }).meta.totalRecords;
    }
    expect(total).toBeGreaterThan(13_000);

    // Every change of the day was missed as an event: only reconciliation can tell where the agents are.
    await waitFor('every agent seen idle at lunch', () => registry().every((a) => a.cc.state === 'Idle' && a.cc.idleCodeId === lunchId), 40_000, 200).catch((err: Error) => {
      const wrong = registry().filter((a) => !(a.cc.state === 'Idle' && a.cc.idleCodeId === lunchId));
      throw new Error(`${err.message}: ${wrong.length} wrong, e.g. ${JSON.stringify(wrong.slice(0, 3).map((a) => a.cc))}`);
    });
    expect(registry().filter((a) => a.cc.state === 'LoggedOut')).toEqual([]);

    await rig.webexCtl('DELETE', '/_emulator/faults');
    await rig.webexCtl('POST', '/_emulator/agents/bulk-state', { state: 'Available', by: 'agent', agentIds: rig.agentIds });
    await waitFor('every agent available', () => registry().every((a) => a.cc.state === 'Available'), 30_000, 200);
    const callers = Array.from({ length: 20 }, (_, i) => i * 7);
    for (const i of callers) await rig.callStart(i);
    await rig.converged(new Set(callers), 40_000, callers);
    expect(registry().filter((a) => a.cc.state === 'LoggedOut')).toEqual([]);
    expect(rig.audit().filter((e) => e.reason === 'agent-logged-out')).toEqual([]);
  }, 180_000);
});
