import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, sleep, waitFor } from '../bench/processes.js';
import { startStack, type Stack } from '../bench/stack.js';
import { TEAMS_CALL_CODE } from './fault-rig.js';

/**
 * The connector process is killed with SIGKILL while its idle commands sit in front of a slow contact center
 * (300 ms before each request is handled): the contact center applies them, the connector never hears back.
 * Before the fix, recovery called those commands "stopped before they were sent", reconciliation saw idles of
 * unknown origin and never released them. Now the command id is in the ledger before the request leaves and in
 * the reason marker the contact center keeps, so after a restart on the same database — or on a lost one —
 * **no agent is stranded** when Teams turns free.
 */

const AGENTS = 20;
let stack: Stack;
let agentIds: string[];
let teamsIds: string[];

beforeAll(async () => {
  stack = await startStack({ agents: AGENTS, env: { TPC_RECONCILE_INTERVAL_MS: '1000', TPC_COMMAND_TIMEOUT_MS: '3000' } });
  const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
  agentIds = list.map((a) => a.id);
  teamsIds = list.map((a) => stack.teamsIdByEmail.get(a.email.toLowerCase())!);
}, 90_000);
afterAll(async () => {
  await stack?.close();
});

const call = async (i: number, action: 'start' | 'end'): Promise<void> => {
  const r = await stack.graphApi('POST', `/_emulator/users/${teamsIds[i]}/call/${action}`);
  if (r.status !== 200) throw new Error(`call/${action} answered ${r.status}`);
};
const all = Array.from({ length: AGENTS }, (_, i) => i);
const ccStates = async () => (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; currentState: string; auxCodeId: string }[];
const stuck = async (): Promise<string[]> => (await ccStates()).filter((a) => a.currentState !== 'available').map((a) => `${a.id}:${a.currentState}`);

async function allIdleByConnector(timeoutMs: number): Promise<void> {
  await waitFor('every agent idle in a Teams call', async () => (await ccStates()).every((a) => a.currentState === 'idle' && a.auxCodeId === TEAMS_CALL_CODE), timeoutMs, 100);
}

describe('fault: kill -9 between the request and the ledger', () => {
  it('strands no agent after a restart on the same database', async () => {
    expect((await http('POST', `${stack.webex.url}/_emulator/faults`, { latencyMs: 300 })).status).toBe(200);
    for (const i of all) await call(i, 'start');
    // Kill as soon as the contact center starts applying the connector's commands: the rest are still in front of it.
    await waitFor('first idle applied', async () => (await ccStates()).some((a) => a.currentState === 'idle'), 20_000, 20);
    expect(await stack.connector.stop('SIGKILL')).toBeNull();
    await sleep(800);
    await http('DELETE', `${stack.webex.url}/_emulator/faults`);
    const idleAtKill = (await ccStates()).filter((a) => a.currentState === 'idle').length;
    expect(idleAtKill).toBeGreaterThan(0);

    await stack.restartConnector();
    for (const i of all) await call(i, 'end');
    await waitFor('no agent stranded', async () => ((await stuck()).length === 0 ? true : undefined), 40_000, 200).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${(await stuck()).join(', ')}`);
    });
  }, 120_000);

  it('strands no agent after a restart on a lost database: ownership comes back from the marker the contact center kept', async () => {
    for (const i of all) await call(i, 'start');
    await allIdleByConnector(40_000);
    expect(await stack.connector.stop('SIGKILL')).toBeNull();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${stack.dbPath}${suffix}`, { force: true });

    await stack.restartConnector();
    const activated = await http('POST', `${stack.connectorUrl}/api/admin/activate`, undefined, stack.adminKey);
    expect(activated.status).toBe(200);
    for (const i of all) await call(i, 'end');
    await waitFor('no agent stranded', async () => ((await stuck()).length === 0 ? true : undefined), 60_000, 200).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${(await stuck()).join(', ')}`);
    });
  }, 150_000);
});
