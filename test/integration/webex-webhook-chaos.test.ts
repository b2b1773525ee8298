import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../bench/processes.js';
import { emulatorStates, startWebexRig, TEAMS_CALL_CODE, type WebexRig } from './webex-rig.js';

/**
 * Events arrive only by webhook (the documented org-wide feed), every delivery duplicated and half of them held
 * back and delivered out of order, and one change lost outright: the connector ends with every agent where it
 * belongs, the lost one recovered by reconciliation through the activities API.
 */

let rig: WebexRig;
const N = 6;

beforeAll(async () => {
  rig = await startWebexRig({ agents: N });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe('webhooks duplicated, reordered and lost', () => {
  it('ends with every agent in the right state', async () => {
    expect((await rig.webexCtl('POST', '/_emulator/faults', { duplicateEvents: 1, reorderEvents: 0.5, reorderDelayMs: 300 })).status).toBe(200);
    // Teams flips several times; only the last word counts.
    for (const i of [0, 1, 2, 3]) await rig.callStart(i);
    await sleep(700);
    for (const i of [0, 1]) await rig.callEnd(i);
    await sleep(700);
    await rig.callStart(1);
    await rig.converged(new Set([1, 2, 3]), 30_000, [0, 1, 2, 3]);

    // One change lost: a supervisor idles agent 4 while every delivery is dropped.
    await rig.webexCtl('POST', '/_emulator/faults', { dropEvents: 1, duplicateEvents: 0, reorderEvents: 0 });
    const breakId = rig.webex.idleCodes().find((c) => c.name === 'Break')!.id;
    await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[4]}/state`, { state: 'Idle', idleCodeId: breakId, by: 'supervisor', reason: 'Coaching' });
    await sleep(300);
    await rig.webexCtl('POST', '/_emulator/faults', { dropEvents: 0, duplicateEvents: 1, reorderEvents: 0.5 });
    const stats = (await rig.webexCtl('GET', '/_emulator/stats')).body as { webhooks?: { dropped?: number }; webhooksDropped?: number };
    expect(stats.webhooks?.dropped ?? stats.webhooksDropped ?? 0).toBeGreaterThan(0);

    // Reconciliation (every 2 s) finds it; a Teams call for that agent then changes nothing: the supervisor's idle wins.
    await waitFor('lost change recovered', () => rig.connector.services.registry.agents.get(rig.agentIds[4]!)?.cc.state === 'Idle', 15_000, 100);
    await rig.callStart(4);
    for (const i of [2, 3]) await rig.callEnd(i);
    await rig.converged(new Set([1]), 30_000, [0, 1, 2, 3, 5]);
    await sleep(1_500);

    const cc = await emulatorStates(rig);
    expect(cc.get(rig.agentIds[4]!)).toMatchObject({ currentState: 'idle', auxCodeId: breakId });
    const four = rig.connector.services.registry.agents.get(rig.agentIds[4]!)!;
    expect(four.cc).toMatchObject({ state: 'Idle', idleCodeId: breakId });
    expect(four.cc.origin).not.toBe('connector');
    expect(cc.get(rig.agentIds[1]!)).toMatchObject({ currentState: 'idle', auxCodeId: TEAMS_CALL_CODE });
    for (const i of [0, 2, 3, 5]) expect(cc.get(rig.agentIds[i]!)?.currentState).toBe('available');
    // Nobody was ever treated as logged out.
    expect(rig.audit().filter((e) => e.reason === 'agent-logged-out')).toEqual([]);
  }, 120_000);
});
