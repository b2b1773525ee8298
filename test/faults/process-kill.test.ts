import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/db.js';
import { AuditStore } from '../../server/store/audit-store.js';
import { http, sleep, waitFor } from '../bench/processes.js';
import { startStack, type Stack } from '../bench/stack.js';
import { auditProblems, TEAMS_CALL_CODE } from './fault-rig.js';

/**
 * The connector process is killed with SIGKILL while releases wait out their settle delay and new idle
 * commands are in flight, then started again on the same database. Pending releases survive the restart,
 * in-flight commands are completed or re-decided, and the audit trail keeps every decision.
 */

const AGENTS = 8;
let stack: Stack;
let agentIds: string[];
let teamsIds: string[];

beforeAll(async () => {
  stack = await startStack({ agents: AGENTS, env: { TPC_RECONCILE_INTERVAL_MS: '1000', TPC_COMMAND_TIMEOUT_MS: '3000' } });
  const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; email: string }[];
  agentIds = list.map((a) => a.id);
  teamsIds = list.map((a) => stack.teamsIdByEmail.get(a.email.toLowerCase())!);
}, 50_000);
afterAll(async () => {
  await stack?.close();
});

const call = async (i: number, action: 'start' | 'end'): Promise<void> => {
  const r = await stack.graphApi('POST', `/_emulator/users/${teamsIds[i]}/call/${action}`);
  if (r.status !== 200) throw new Error(`call/${action} answered ${r.status}`);
};

async function converged(busy: ReadonlySet<number>, timeoutMs: number): Promise<void> {
  await waitFor(
    'every agent where Teams says',
    async () => {
      const list = (await http('GET', `${stack.webex.url}/_emulator/agents`)).body as { id: string; currentState: string; auxCodeId: string }[];
      const byId = new Map(list.map((a) => [a.id, a]));
      return agentIds.every((id, i) => {
        const a = byId.get(id)!;
        const state = a.currentState.toLowerCase();
        return busy.has(i) ? state === 'idle' && a.auxCodeId === TEAMS_CALL_CODE : state === 'available';
      });
    },
    timeoutMs,
    100,
  );
}

describe('fault: connector killed with SIGKILL mid-flight', () => {
  it('restarts on the same database, keeps pending releases and loses nothing from the audit trail', async () => {
    for (const i of [0, 1, 2, 3]) await call(i, 'start');
    await converged(new Set([0, 1, 2, 3]), 15_000);

    // Releases now wait out the 3 s settle delay; new idles are decided and sent.
    for (const i of [0, 1, 2, 3]) await call(i, 'end');
    for (const i of [4, 5, 6, 7]) await call(i, 'start');
    await sleep(1_300);
    const code = await stack.connector.stop('SIGKILL');
    expect(code).toBeNull();

    await stack.restartConnector();
    await converged(new Set([4, 5, 6, 7]), 25_000);
    for (const i of [4, 5, 6, 7]) await call(i, 'end');
    await converged(new Set(), 20_000);
    await sleep(300);

    const db = openDatabase(stack.dbPath);
    try {
      const entries = new AuditStore(db).query({ limit: 100_000 }).reverse();
      expect(auditProblems(entries, agentIds, new Set())).toEqual([]);
      for (const i of [0, 1, 2, 3]) {
        const mine = entries.filter((e) => e.agentId === agentIds[i]);
        expect(mine.some((e) => e.action === 'set-idle' && e.result === 'confirmed')).toBe(true);
        expect(mine.some((e) => e.action === 'set-available' && e.result === 'confirmed')).toBe(true);
      }
    } finally {
      db.close();
    }
  }, 58_000);
});
