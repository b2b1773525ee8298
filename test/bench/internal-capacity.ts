import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../server/ports.js';
import { codeId } from '../fakes/core-harness.js';
import { startFakeConnector } from './fake-connector.js';
import { machine } from './soak.js';

/**
 * `npm run bench -- --internal [--agents 10000] [--rounds 6] [--out bench-results/internal-capacity.json]`
 * The connector's internal path alone, with no request budget and no network in between: the real engine (domain,
 * services, group commit into a real SQLite file, outbox, socket gateway) in this process, a contact center that
 * accepts every command at once and confirms it on the next macrotask, and Teams presence handed over in batches
 * of 650 (one Graph read's worth). Every agent flips between two mapped busy states at once (Teams call ↔
 * presenting: a new idle code each time, no settle delay), round after round; reported: changes applied per second
 * (presence observed → decided → stored → command sent → confirmed → decided again) and this process's CPU per
 * change. The end-to-end figure over loopback HTTP with both emulators on the same machine is `--capacity`'s.
 */

const CALL = { availability: 'Busy', activity: 'InACall' } as const;
const PRESENTING = { availability: 'DoNotDisturb', activity: 'Presenting' } as const;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      internal: { type: 'boolean' },
      agents: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '6' },
      out: { type: 'string', default: 'bench-results/internal-capacity.json' },
    },
    strict: false,
  });
  const n = Number(values.agents);
  const roundsN = Number(values.rounds);
  if (!Number.isInteger(n) || n < 100 || n > 50_000) throw new Error('--agents must be an integer from 100 to 50,000');
  if (!Number.isInteger(roundsN) || roundsN < 2 || roundsN > 50) throw new Error('--rounds must be an integer from 2 to 50');
  const out = values.out as string;
  const log = (line: string): void => void process.stderr.write(`[internal] ${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'tpc-internal-bench-'));
  const { connector, cc, presence } = await startFakeConnector({ agents: n, dir, clock: systemClock });
  try {
    const registry = connector.services.registry;
    // Hot-path writes per change (each joins the turn's group commit).
    const writes = { agentSaves: 0, auditAdds: 0, auditSent: 0, auditResults: 0 };
    const { agents: agentStore, audit } = connector.stores;
    const count = <A extends unknown[], R>(key: keyof typeof writes, fn: (...a: A) => R) => (...a: A): R => {
      writes[key]++;
      return fn(...a);
    };
    agentStore.save = count('agentSaves', agentStore.save.bind(agentStore));
    audit.add = count('auditAdds', audit.add.bind(audit));
    audit.sent = count('auditSent', audit.sent.bind(audit));
    audit.result = count('auditResults', audit.result.bind(audit));
    const matched = [...registry.agents.values()].filter((a) => a.teamsUserId).map((a) => ({ id: a.id, teamsUserId: a.teamsUserId! }));
    if (matched.length !== n) throw new Error(`${matched.length} of ${n} agents matched`);
    log(`${n} agents matched`);
    const target = [codeId('Teams Call'), codeId('Presenting')];
    const done = (code: string): number => {
      let k = 0;
      for (const a of registry.agents.values()) if (a.cc.state === 'Idle' && a.cc.idleCodeId === code && !a.inFlight) k++;
      return k;
    };
    const rounds: { changes: number; ms: number; cpuUs: number }[] = [];
    let counted = { ...writes };
    // Round 0 warms the path up (first idle from Available) and is not counted.
    for (let r = 0; r <= roundsN; r++) {
      const p = r % 2 === 0 ? CALL : PRESENTING;
      const code = target[r % 2]!;
      if (r === 1) counted = { ...writes };
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < matched.length; i += 650) {
        presence.emitBatch(matched.slice(i, i + 650).map((a) => a.teamsUserId), p);
        // Graph reads arrive as separate I/O callbacks; the engine works between them.
        await new Promise((res) => setImmediate(res));
      }
      const deadline = performance.now() + 120_000;
      while (done(code) < n) {
        if (performance.now() > deadline) throw new Error(`round ${r}: ${done(code)} of ${n} applied after 120 s`);
        await sleep(5);
      }
      const ms = performance.now() - t0;
      const c = process.cpuUsage(cpu0);
      if (r > 0) rounds.push({ changes: n, ms: Number(ms.toFixed(1)), cpuUs: c.user + c.system });
      log(`round ${r}${r === 0 ? ' (warm-up)' : ''}: ${n} changes applied in ${ms.toFixed(0)} ms (${((n * 1000) / ms).toFixed(0)}/s), ${((c.user + c.system) / n).toFixed(1)} µs CPU each`);
    }
    const changes = rounds.reduce((s, r) => s + r.changes, 0);
    const ms = rounds.reduce((s, r) => s + r.ms, 0);
    const cpu = rounds.reduce((s, r) => s + r.cpuUs, 0);
    const result = {
      kind: 'internal-capacity',
      machine: { ...machine(), loadAvg1mAtEnd: Number(loadavg()[0]!.toFixed(2)) },
      config: { agents: n, rounds: roundsN, batch: 650 },
      rounds,
      changesPerSecond: Math.round((changes * 1000) / ms),
      cpuUsPerChange: Number((cpu / changes).toFixed(1)),
      commandsSent: cc.commands.length,
      writesPerChange: Object.fromEntries(Object.entries(writes).map(([k, v]) => [k, Number(((v - counted[k as keyof typeof writes]) / changes).toFixed(2))])),
      goal: 8000,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify({ changesPerSecond: result.changesPerSecond, cpuUsPerChange: result.cpuUsPerChange, writesPerChange: result.writesPerChange }, null, 1)}\nwrote ${out}\n`);
  } finally {
    await connector.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
