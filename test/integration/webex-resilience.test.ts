import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { createWebexAdapter, type WebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import type { AgentEvent } from '../../server/ports.js';

/** Stream drops, refused sockets, keepalive, 5xx and 429 — against the emulator's fault injection. */

let emu: WebexEmulator;
let adapter: WebexAdapter;
const events: AgentEvent[] = [];

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
const streamStatuses = () => events.filter((e) => e.kind === 'stream').map((e) => (e.kind === 'stream' ? e.status : ''));

beforeAll(async () => {
  // A short keepalive timeout on the emulator proves the client's keepalive keeps the socket open.
  // Undocumented emulator conveniences the connector still relies on (emulators/webex-cc/README.md, "not documented behaviour").
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5, keepaliveTimeoutMs: 600, inventions: { orgWideSocket: true, adminActsOnAnyAgent: true, peopleOnCcHost: true, changedByActors: true, echoTrackingId: true, legacyContactFrames: true, activitiesOverlap: true, codeSwitchMovesStateTime: true }, rateLimitPerMinute: 0 });
  adapter = createWebexAdapter({
    baseUrl: emu.url,
    identityBaseUrl: emu.identityUrl,
    orgId: emu.orgId,
    accessToken: emu.integrationToken,
    events: 'websocket',
    http: { baseDelayMs: 10, maxDelayMs: 40, retries: 4 },
    stream: { keepaliveMs: 150, reconnectBaseMs: 30, reconnectMaxMs: 200 },
  });
  await adapter.start((batch) => events.push(...batch));
});
afterAll(async () => {
  await adapter?.stop();
  await emu?.close();
});
afterEach(async () => {
  await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
});

describe('Webex CC adapter: event stream resilience', () => {
  it('comes up, and keepalives hold the socket open past the server timeout', async () => {
    expect(streamStatuses()).toEqual(['up']);
    await sleep(1500);
    expect(streamStatuses()).toEqual(['up']);
    expect((await stats()).socketsClosedByKeepalive).toBe(0);
  });

  it('a dropped socket is reported down, reconnected and reported up, and events flow again', async () => {
    events.length = 0;
    await faults({ closeSockets: true });
    await waitFor('down then up', () => (streamStatuses().join() === 'down,up' ? true : undefined));
    expect(adapter.health().streamUp).toBe(true);
    const id = emu.agents()[0]!.id;
    await fetch(`${emu.url}/_emulator/agents/${id}/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: 'Idle' }) });
    await waitFor('event after reconnect', () => events.find((e) => e.kind === 'state' && e.agentId === id));
  });

  it('keeps retrying while sockets are refused, and recovers when they are accepted again', async () => {
    events.length = 0;
    await faults({ refuseSockets: true, closeSockets: true });
    await waitFor('down', () => (streamStatuses().includes('down') ? true : undefined));
    await sleep(400);
    expect(adapter.health().streamUp).toBe(false);
    expect((await stats()).socketsRefused as number).toBeGreaterThanOrEqual(2);
    await faults({ refuseSockets: false });
    await waitFor('up again', () => (streamStatuses().at(-1) === 'up' ? true : undefined));
    expect(streamStatuses()).toEqual(['down', 'up']);
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
    const { trackingId } = await adapter.setState({ agentId: id, state: 'Idle', idleCodeId: emu.idleCodes().find((c) => c.name === 'Busy')!.id, reason: 'Teams: Busy' });
    const e = await waitFor('confirmed', () => events.find((x) => x.kind === 'state' && x.agentId === id && x.trackingId === trackingId));
    expect(e).toMatchObject({ origin: 'connector', state: 'Idle' });
  });
});
