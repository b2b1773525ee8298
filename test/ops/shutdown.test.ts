import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { demoUserId } from '../../emulators/graph/index.js';
import { graphControl, productionNodeArgs, waitFor } from '../bench/processes.js';
import { processesWith, startProcess, startProcessEnv, type ProcessEnv, type Started } from './process-env.js';

/**
 * SIGTERM during load, to the production process started without any wrapper and to `npm run start:prod`: the
 * process exits 0, nothing from its tree is left running, every request that was in flight got its answer, and
 * everything it acknowledged is in the database afterwards.
 */
let pe: ProcessEnv | null = null;
let started: Started | null = null;
afterEach(async () => {
  if (started && started.proc.exitCode === null) started.proc.kill('SIGKILL');
  for (const pid of pe ? processesWith(pe.dbPath) : []) process.kill(pid, 'SIGKILL');
  await pe?.close();
  pe = null;
  started = null;
});

interface Outcome {
  id: string;
  startedBeforeSignal: boolean;
  status: number | null;
  error: string | null;
}

async function underLoad(env: ProcessEnv, signal: () => void): Promise<Outcome[]> {
  const admin = { authorization: `Bearer ${env.adminKey}`, 'content-type': 'application/json' };
  const activated = await fetch(`${env.url}/api/admin/activate`, { method: 'POST', headers: admin });
  expect(activated.status, await activated.text()).toBe(200);
  const graphCtl = graphControl(env.graph.url, env.graph.caCertPem);
  const outcomes: Outcome[] = [];
  let signalled = false;
  let n = 0;
  const one = async (): Promise<void> => {
    const id = `load-${n++}`;
    const o: Outcome = { id, startedBeforeSignal: !signalled, status: null, error: null };
    outcomes.push(o);
    try {
      const res = await fetch(`${env.url}/api/profiles`, { method: 'POST', headers: admin, body: JSON.stringify({ id, name: `Load ${id}`, rules: [] }) });
      await res.text();
      o.status = res.status;
    } catch (err) {
      o.error = String((err as Error).cause ?? err);
    }
  };
  // Teams calls start and end (state commands to the contact center) while eight clients write profiles.
  const calls = (async () => {
    for (let i = 0; started!.proc.exitCode === null && i < 200; i++) {
      await graphCtl('POST', `/_emulator/users/${demoUserId(i % 4)}/call/${i % 8 < 4 ? 'start' : 'end'}`).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // The profile writers start once the engine has sent contact-center commands, so their draining is exercised and
  // the writers stay far below the cap on stored profiles (1,000) before the signal.
  await waitFor(
    'a command sent',
    async () => {
      const res = await fetch(`${env.url}/api/audit?action=set-idle&limit=1`, { headers: admin });
      return res.ok && ((await res.json()) as { entries: unknown[] }).entries.length > 0;
    },
    30_000,
    50,
  );
  const clients = Array.from({ length: 8 }, async () => {
    for (let i = 0; i < 400 && started!.proc.exitCode === null; i++) await one();
  });
  await waitFor('load running', () => outcomes.filter((o) => o.status === 201).length >= 40, 30_000, 10);
  signalled = true;
  signal();
  await Promise.all([...clients, calls]);
  return outcomes;
}

function expectNothingLost(env: ProcessEnv, outcomes: Outcome[]): void {
  // Every request already sent when the signal came was answered (drained), none cut off.
  const inFlight = outcomes.filter((o) => o.startedBeforeSignal);
  expect(inFlight.filter((o) => o.status === null)).toEqual([]);
  // Afterwards new requests were refused (503) or found the port closed; none half-answered.
  for (const o of outcomes) if (o.status !== null) expect([201, 503]).toContain(o.status);
  expect(outcomes.some((o) => !o.startedBeforeSignal)).toBe(true);
  // Everything acknowledged is stored, and the database closed cleanly (its WAL checkpointed away).
  expect(existsSync(`${env.dbPath}-wal`)).toBe(false);
  const db = new Database(env.dbPath, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const stored = new Set((db.prepare("SELECT id FROM profiles WHERE id LIKE 'load-%'").all() as { id: string }[]).map((r) => r.id));
    const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.id);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // Commands the connector sent during the load all have an outcome recorded or are in flight for recovery.
    const commands = db.prepare("SELECT count(*) AS n FROM audit WHERE action IN ('set-idle', 'set-available')").get() as { n: number };
    expect(commands.n).toBeGreaterThan(0);
  } finally {
    db.close();
  }
}

describe('SIGTERM under load', () => {
  it('node with the arguments of start:prod (the container command) drains, exits 0 and leaves no process behind', async () => {
    pe = await startProcessEnv();
    started = await startProcess(pe, process.execPath, productionNodeArgs());
    const pid = started.proc.pid!;
    const outcomes = await underLoad(pe, () => process.kill(pid, 'SIGTERM'));
    const exit = await started.exited;
    expect(exit, started.stderr()).toEqual({ code: 0, signal: null });
    expect(processesWith(pe.dbPath)).toEqual([]);
    expectNothingLost(pe, outcomes);
  });

  it('npm run start:prod: SIGTERM to npm stops the connector too, exit 0, no orphan', async () => {
    pe = await startProcessEnv();
    started = await startProcess(pe, 'npm', ['run', '--silent', 'start:prod']);
    const npmPid = started.proc.pid!;
    expect(processesWith(pe.dbPath).length).toBeGreaterThanOrEqual(2);
    const outcomes = await underLoad(pe, () => process.kill(npmPid, 'SIGTERM'));
    const exit = await started.exited;
    expect(exit, started.stderr()).toEqual({ code: 0, signal: null });
    await waitFor('no process of the tree left', () => processesWith(pe!.dbPath).length === 0, 10_000);
    expectNothingLost(pe, outcomes);
  });
});
