import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebexEmulator } from '../../emulators/webex-cc/index.js';
import type { WebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import type { AgentEvent } from '../../server/ports.js';
import { startWebhookHarness, type WebhookHarness } from './webex-webhook-harness.js';

/**
 * Lost, refused and delayed webhooks, 5xx and 429 — against the emulator's fault injection, on its documented
 * defaults (supervisor credential, webhooks, activities; only loopback delivery on).
 */

let h: WebhookHarness;
let emu: WebexEmulator;
let adapter: WebexAdapter;
let events: AgentEvent[] = [];

const faults = async (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const res = await fetch(`${emu.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`faults answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
};
const stats = async (): Promise<{ requests: Record<string, Record<string, number>> } & Record<string, unknown>> =>
  (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { requests: Record<string, Record<string, number>> };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-6))}`);
    await sleep(10);
  }
}
const setByHuman = (id: string, body: Record<string, unknown>) =>
  fetch(`${emu.url}/_emulator/agents/${id}/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const stateEvents = (agentId: string) => events.filter((e): e is Extract<AgentEvent, { kind: 'state' }> => e.kind === 'state' && e.agentId === agentId);
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;

beforeAll(async () => {
  h = await startWebhookHarness({ adapter: { http: { baseDelayMs: 10, maxDelayMs: 40, retries: 4 } } });
  emu = h.emu;
  adapter = h.adapter;
  events = h.events;
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  h.receiverFailNext(0);
  await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
});

describe('Webex CC adapter: lost and refused webhooks', () => {
  it("a delivery the receiver refuses with 503 arrives on Webex's retry and nothing else is reported", async () => {
    const id = emu.agents()[2]!.id;
    const seen = h.received();
    h.receiverFailNext(1);
    await setByHuman(id, { state: 'Idle', idleCodeId: code('Training') });
    await waitFor('idle after the retry', () => stateEvents(id).find((e) => e.state === 'Idle' && e.idleCodeId === code('Training')));
    expect(h.received() - seen).toBeGreaterThanOrEqual(2);
    await sleep(300);
    expect(stateEvents(id).filter((e) => e.idleCodeId === code('Training')).length).toBeLessThanOrEqual(2);
    expect(stateEvents(id).every((e) => e.state === 'Idle')).toBe(true);
  });

  it('webhooks lost on the way say nothing; the activities snapshot recovers the state', async () => {
    const id = emu.agents()[3]!.id;
    await faults({ dropEvents: 1 });
    await setByHuman(id, { state: 'Idle', idleCodeId: code('Meeting') });
    await sleep(400);
    expect(stateEvents(id)).toEqual([]);
    const snap = await adapter.snapshot([id]);
    expect(snap).toMatchObject([{ agentId: id, state: 'Idle', idleCodeId: code('Meeting'), origin: 'unknown' }]);
  });

  it("the connector's own idle whose webhook was lost is recognised by its marker on reconciliation", async () => {
    const id = emu.agents()[4]!.id;
    await faults({ dropEvents: 1 });
    const { trackingId } = await adapter.setState({ agentId: id, state: 'Idle', idleCodeId: code('Teams Call'), reason: 'Teams: In a call' });
    await sleep(300);
    expect(stateEvents(id)).toEqual([]);
    const [snap] = await adapter.snapshot([id]);
    expect(snap).toMatchObject({ agentId: id, state: 'Idle', idleCodeId: code('Teams Call'), origin: 'connector' });
    expect(snap!.commandId).toBe(trackingId);
  });

  it('a delayed older delivery arriving after a newer one changes nothing', async () => {
    const id = emu.agents()[5]!.id;
    await faults({ reorderEvents: 1, reorderDelayMs: 300 });
    await setByHuman(id, { state: 'Idle', idleCodeId: code('Break') });
    await faults({ reorderEvents: 0 });
    await sleep(5);
    await setByHuman(id, { state: 'Idle', idleCodeId: code('Lunch') });
    await waitFor('newer', () => stateEvents(id).find((e) => e.idleCodeId === code('Lunch')));
    await sleep(450);
    expect([...new Set(stateEvents(id).map((e) => e.idleCodeId))]).toEqual([code('Lunch')]);
  });

  it('the event path stays up across webhook faults (registration, not a connection)', () => {
    expect(adapter.health().streamUp).toBe(true);
    expect(events.filter((e) => e.kind === 'stream').map((e) => (e.kind === 'stream' ? e.status : ''))).not.toContain('down');
  });
});

describe('Webex CC adapter: HTTP retries', () => {
  it('rides out a run of 5xx answers and succeeds', async () => {
    await faults({ failNext: 3, status: 503 });
    const teams = await adapter.listTeams();
    expect(teams.length).toBeGreaterThan(0);
    const byStatus = (await stats()).requests['GET /organization/:orgid/v2/team'];
    expect(byStatus?.['503']).toBe(3);
    expect(byStatus?.['200']).toBeGreaterThanOrEqual(1);
  });

  it('gives up after its retries with an unavailable error naming the call', async () => {
    await faults({ failNext: 20, status: 500 });
    const err = await adapter.listTeams().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable' });
    expect((err as Error).message).toContain('list teams');
    expect(adapter.health().lastError).toContain('list teams');
  });

  it('waits for Retry-After on 429 before trying again', async () => {
    await faults({ rateLimitNext: 1, retryAfterSec: 1 });
    const started = Date.now();
    const agents = await adapter.listAgents();
    expect(agents.length).toBe(emu.agents().length);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('state commands survive a transient 5xx', async () => {
    await faults({ failNext: 1, status: 502 });
    const id = emu.agents()[1]!.id;
    const { trackingId } = await adapter.setState({ agentId: id, state: 'Idle', idleCodeId: code('Busy'), reason: 'Teams: Busy' });
    const e = await waitFor('confirmed', () => events.find((x) => x.kind === 'state' && x.agentId === id && x.trackingId === trackingId));
    expect(e).toMatchObject({ origin: 'connector', state: 'Idle' });
  });
});
