import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../emulators/kit/clock.js';
import { demoAgents } from '../../emulators/webex-cc/seed-data.js';
import type { AgentEvent } from '../../server/ports.js';
import { startWebhookHarness, type WebhookHarness } from './webex-webhook-harness.js';

/**
 * The read-back after sparse webhooks (an idle whose payload names neither code nor reason) asks the activities API
 * only for the records since the changes it follows up, not for a day of each agent's history: one request however
 * long the day has been. A reconciliation still reads the full window.
 */

const AGENTS = 100;
const clock = new EmulatorClock();
let h: WebhookHarness;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bulk = async (body: Record<string, unknown>): Promise<void> => {
  const res = await fetch(`${h.emu.url}/_emulator/agents/bulk-state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by: 'supervisor', ...body }) });
  expect(res.status).toBe(200);
};
const activitiesRequests = async (): Promise<number> => {
  const stats = (await (await fetch(`${h.emu.url}/_emulator/stats`)).json()) as { requests: Record<string, Record<string, number>> };
  return Object.values(stats.requests['GET /v1/agents/activities'] ?? {}).reduce((n, c) => n + c, 0);
};
/** Waits until the count stops moving for 400 ms (webhooks delivered, follow-ups read). */
async function quiet(count: () => Promise<number>): Promise<number> {
  let last = await count();
  for (let i = 0; i < 50; i++) {
    await sleep(400);
    const now = await count();
    if (now === last) return now;
    last = now;
  }
  throw new Error('activities reads did not settle');
}
const idleWith = (code: string, ids: readonly string[], since: number) => {
  const seen = new Set<string>();
  for (const e of h.events.slice(since)) if (e.kind === 'state' && e.state === 'Idle' && e.idleCodeId === code) seen.add(e.agentId);
  return ids.every((id) => seen.has(id));
};

beforeAll(async () => {
  h = await startWebhookHarness({ emulator: { agents: demoAgents(AGENTS), clock, historyPerAgent: 100 } });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('Webex read-back after webhooks', () => {
  it('reads one page of activities for 100 agents after a day of history, where the full window takes more', async () => {
    const ids = h.emu.agents().map((a) => a.id);
    expect(ids).toHaveLength(AGENTS);
    const lunch = h.emu.idleCodes().find((c) => c.name === 'Lunch')!.id;
    const meeting = h.emu.idleCodes().find((c) => c.name === 'Meeting')?.id ?? lunch;
    // Twelve changes per agent, ten minutes ago in Webex's clock: 1,200 records, more than one page of 1,000.
    clock.setOffset(-10 * 60_000);
    for (let i = 0; i < 12; i++) await bulk(i % 2 === 0 ? { state: 'Idle', idleCodeId: meeting, agentIds: ids } : { state: 'Available', agentIds: ids });
    await quiet(activitiesRequests);
    clock.setOffset(0);

    const before = await activitiesRequests();
    const from = h.events.length;
    await bulk({ state: 'Idle', idleCodeId: lunch, agentIds: ids });
    const until = Date.now() + 10_000;
    while (!idleWith(lunch, ids, from) && Date.now() < until) await sleep(20);
    expect(idleWith(lunch, ids, from)).toBe(true);
    expect((await quiet(activitiesRequests)) - before).toBe(1);

    // Reconciliation reads the day: the same states, from more than one page.
    const full = await activitiesRequests();
    const snaps = await h.adapter.snapshot(ids);
    expect((await activitiesRequests()) - full).toBeGreaterThan(1);
    expect(snaps.filter((s) => s.state === 'Idle' && s.idleCodeId === lunch).map((s) => s.agentId).sort()).toEqual([...ids].sort());
  }, 60_000);

  it('an idle whose webhook gives no time is read back over the full window', async () => {
    // Guard for payloads without a timestamp: the follow-up cannot narrow the window and must still find the agent.
    const id = h.emu.agents()[0]!.id;
    const events: AgentEvent[] = h.adapter.handleWebhook({ id: 'no-time-1', type: 'agent:state_change', data: { agentId: id, currentState: 'idle' } });
    expect(events).toEqual([]);
    const from = h.events.length;
    const lunch = h.emu.idleCodes().find((c) => c.name === 'Lunch')!.id;
    const until = Date.now() + 5_000;
    while (!idleWith(lunch, [id], from) && Date.now() < until) await sleep(20);
    expect(idleWith(lunch, [id], from)).toBe(true);
  });
});
