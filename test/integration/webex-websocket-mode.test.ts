import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { createWebexAdapter, type WebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import type { AgentEvent } from '../../server/ports.js';

/**
 * The connector's 'websocket' event mode uses only what Webex documents for a notification socket: its subscriber's
 * own events. To show the connector does not rely on more, the emulator here turns on its `orgWideSocket` invention
 * (every agent's frames on a supervisor's socket): those frames are ignored, and agents' states come from the
 * activities snapshot (reconciliation).
 */

let emu: WebexEmulator;
let adapter: WebexAdapter;
const events: AgentEvent[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5, inventions: { orgWideSocket: true } });
  adapter = createWebexAdapter({ baseUrl: emu.url, identityBaseUrl: emu.identityUrl, orgId: emu.orgId, accessToken: emu.supervisorToken, events: 'websocket', http: { baseDelayMs: 10, maxDelayMs: 50 } });
  await adapter.start((batch) => events.push(...batch));
});
afterAll(async () => {
  await adapter?.stop();
  await emu?.close();
});

describe("Webex 'websocket' event mode", () => {
  it("ignores other agents' frames even when a socket carries them; the snapshot gives their state", async () => {
    expect(adapter.health().streamUp).toBe(true);
    const id = emu.agents()[0]!.id;
    const lunch = emu.idleCodes().find((c) => c.name === 'Lunch')!.id;
    const before = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { framesSent?: number };
    const res = await fetch(`${emu.url}/_emulator/agents/${id}/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state: 'Idle', idleCodeId: lunch, by: 'agent' }) });
    expect(res.status).toBe(200);
    await sleep(300);
    const after = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { framesSent?: number };
    // The emulator did send the agent's frame to the connector's socket …
    expect((after.framesSent ?? 0) - (before.framesSent ?? 0)).toBeGreaterThan(0);
    // … and the connector did not take it as an agent event.
    expect(events.filter((e) => e.kind === 'state' && e.agentId === id)).toEqual([]);
    const [snap] = await adapter.snapshot([id]);
    expect(snap).toMatchObject({ agentId: id, state: 'Idle', idleCodeId: lunch });
  });
});
