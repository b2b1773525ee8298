import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../bench/processes.js';
import { startWebexRig, TEAMS_CALL_CODE, type WebexRig } from './webex-rig.js';

/**
 * The whole product against the Webex emulator on its documented defaults (webhooks with sparse payloads, a
 * supervisor credential, the People API on the identity origin, SDK contact events, the 300/min budget): the
 * connector recognises its own idles only by the marker it writes into the reason text.
 */

let rig: WebexRig;
const BREAK = 'Break';

beforeAll(async () => {
  rig = await startWebexRig({ agents: 6 });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const codeId = (name: string): string => rig.webex.idleCodes().find((c) => c.name === name)!.id;
const agentState = async (i: number) => rig.emulatorAgent(i);
const connectorView = (i: number) => rig.connector.services.registry.agents.get(rig.agentIds[i]!)!;

describe('Webex on documented defaults, end to end', () => {
  it('no undocumented emulator convenience is on except loopback webhook delivery', () => {
    const on = Object.entries(rig.webex.inventions).filter(([, v]) => v).map(([k]) => k);
    expect(on).toEqual(['loopbackWebhooks']);
  });

  it('Teams call → idle (the connector owns it by its marker) → call ends → Available', async () => {
    await rig.callStart(0);
    await rig.converged(new Set([0]), 20_000, [0]);
    expect(connectorView(0).cc.origin).toBe('connector');
    const emu = await agentState(0);
    expect((emu.lastChange as { reason: string }).reason).toMatch(/^tpc:[A-Za-z0-9_-]{20} /);
    await rig.callEnd(0);
    await rig.converged(new Set(), 20_000, [0]);
  }, 60_000);

  it("a supervisor's idle and an agent's idle are kept when Teams turns free", async () => {
    await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[1]}/state`, { state: 'Idle', idleCodeId: codeId(BREAK), by: 'supervisor', reason: 'Coaching' });
    await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[2]}/state`, { state: 'Idle', idleCodeId: codeId('Lunch'), by: 'agent' });
    await waitFor('idles seen', () => connectorView(1).cc.state === 'Idle' && connectorView(2).cc.state === 'Idle', 15_000, 100);
    for (const i of [1, 2]) await rig.callStart(i);
    await sleep(1_500);
    for (const i of [1, 2]) await rig.callEnd(i);
    await sleep(2_500);
    expect((await agentState(1)).auxCodeId).toBe(codeId(BREAK));
    expect((await agentState(2)).auxCodeId).toBe(codeId('Lunch'));
    expect(String((await agentState(1)).currentState).toLowerCase()).toBe('idle');
    expect(String((await agentState(2)).currentState).toLowerCase()).toBe('idle');
    expect(connectorView(1).cc.origin).not.toBe('connector');
    expect(connectorView(2).cc.origin).not.toBe('connector');
    for (const i of [1, 2]) await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[i]}/state`, { state: 'Available', by: 'agent' });
  }, 60_000);

  it('RONA is kept, and a Teams call during a ringing offer waits as pending and is applied after the contact', async () => {
    await waitFor('agent 3 available', async () => String((await agentState(3)).currentState).toLowerCase() === 'available', 10_000, 100);
    const offer = await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[3]}/offer`, { ronaTimeoutSec: 60 });
    expect(offer.status).toBe(201);
    await waitFor('ringing seen', () => connectorView(3).cc.state === 'Engaged', 10_000, 100);
    await rig.callStart(3);
    await waitFor('pending idle', () => connectorView(3).pendingIdleCodeId === TEAMS_CALL_CODE, 10_000, 100);
    expect(String((await agentState(3)).currentState).toLowerCase()).toBe('ringing');
    const interactionId = (offer.body as { interactionId: string }).interactionId;
    await rig.webexCtl('POST', `/_emulator/contacts/${interactionId}/accept`);
    await rig.webexCtl('POST', `/_emulator/contacts/${interactionId}/end`);
    await rig.converged(new Set([3]), 20_000, [3]);
    await rig.callEnd(3);
    await rig.converged(new Set(), 20_000, [3]);

    const rona = await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[4]}/offer`, { ronaTimeoutSec: 1 });
    expect(rona.status).toBe(201);
    await waitFor('RONA seen', () => connectorView(4).cc.state === 'RONA', 15_000, 100);
    await rig.callStart(4);
    await sleep(1_000);
    await rig.callEnd(4);
    await sleep(1_500);
    expect(connectorView(4).cc.state).toBe('RONA');
    const emu = await agentState(4);
    expect(String(emu.currentState).toLowerCase()).toBe('idle');
    expect(emu.auxCodeId).not.toBe(TEAMS_CALL_CODE);
  }, 90_000);

  it('an agent whose Desktop reconnects (agent-wss-disconnect, then Available by the Desktop) is idled again while Teams is busy, and released after', async () => {
    await rig.callStart(5);
    await rig.converged(new Set([5]), 20_000, [5]);
    // The Desktop's socket drops: Webex records agent-wss-disconnect; the Desktop then asks for Available itself.
    const drop = await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[5]}/state`, { state: 'Idle', idleCodeId: TEAMS_CALL_CODE, by: 'system', reason: 'agent-wss-disconnect' });
    expect(drop.status).toBeLessThan(300);
    await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[5]}/state`, { state: 'Available', by: 'agent' });
    await rig.converged(new Set([5]), 20_000, [5]);
    expect(connectorView(5).cc.origin).toBe('connector');
    await rig.callEnd(5);
    await rig.converged(new Set(), 20_000, [5]);
  }, 60_000);

  it('agent widget tokens are verified with the People API on the identity origin', async () => {
    const agentId = rig.agentIds[0]!;
    const res = await fetch(`${rig.connector.url}/api/me`, { headers: { authorization: `Bearer ${rig.webex.agentToken(agentId)}` } });
    expect(res.status).toBe(200);
    const bad = await fetch(`${rig.connector.url}/api/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
  });

  it('the status API shows the budget, queue depth per priority, oldest wait, capacity and whom the connector acts as', async () => {
    const key = rig.connector.stores.keys.create('status reader', 'admin', null, Date.now()).key;
    const res = await fetch(`${rig.connector.url}/api/admin/status`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const cc = ((await res.json()) as { contactCenter: any }).contactCenter;
    expect(cc.budget.perMinute).toBe(300);
    expect(cc.budget.usedLastMinute).toBeGreaterThan(0);
    expect(Object.keys(cc.budget.queued)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(cc.budget.oldestWaitMs).toBeGreaterThanOrEqual(0);
    expect(cc.budget.commandsLastHour).toBeGreaterThan(0);
    expect(cc.budget.capacityAgents).toBeGreaterThan(0);
    expect(cc.actingAs).toMatchObject({ displayName: 'Sam Supervisor' });
    expect(cc.tokenKind).toBe('oauth');
    expect(cc.tokenExpiresAt).toBeGreaterThan(Date.now());
    expect(cc.events).toBe('webhook');
  });

  it('stays inside the budget: no request was refused with 429', async () => {
    const stats = (await rig.webexCtl('GET', '/_emulator/stats')).body as Record<string, unknown>;
    expect(stats.rateLimited ?? 0).toBe(0);
  });
});
