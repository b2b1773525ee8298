import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { startConnector } from '../../server/connector.js';
import { silentLogger } from '../../server/logger.js';
import type { Clock } from '../../server/ports.js';
import { IDLE_CODES } from '../fakes/core-harness.js';
import { FakeContactCenter } from '../fakes/fake-contact-center.js';
import { FakeDirectory, FakeGraphAdmin, FakePresenceSource } from '../fakes/fake-graph.js';

/**
 * How long the charts' aggregates take on a large audit trail: N agents, E audit entries spread over the last day
 * (a realistic mix of connector idles, releases, skips and agent-state changes), then `GET /api/insights` for the
 * day, for one team, and for the last hour, each timed over HTTP.
 *
 *   npx tsx test/bench/console-insights.ts [--agents 10000] [--entries 200000]
 */
const { values } = parseArgs({ options: { agents: { type: 'string', default: '10000' }, entries: { type: 'string', default: '200000' } } });
const AGENTS = Number(values.agents);
const ENTRIES = Number(values.entries);

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tpc-insights-bench-'));
  const teams = Array.from({ length: 20 }, (_, i) => ({ id: `team-${i}`, name: `Team ${i + 1}` }));
  const agents = Array.from({ length: AGENTS }, (_, i) => ({ id: `agent-${i}`, name: `Agent ${i}`, email: `agent${i}@contoso.example`, teamId: teams[i % 20]!.id, teamName: teams[i % 20]!.name }));
  const cc = new FakeContactCenter(clock, agents, teams, IDLE_CODES);
  const config = loadConfig({}, { dbPath: join(dir, 'connector.db'), port: 0, 'sync.reconcileIntervalMs': 0, 'graph.matchRefreshMs': 0 });
  const connector = await startConnector({
    config,
    logger: silentLogger,
    clock,
    presetsDir: 'mappings',
    parts: () => ({ cc, presence: new FakePresenceSource(() => Date.now()), directory: new FakeDirectory([]), graphAdmin: new FakeGraphAdmin() }),
  });
  const key = connector.stores.keys.create('bench', 'admin', null, Date.now()).key;

  // Per agent a cycle: Available → connector idle (Teams call) → released → offer → Available.
  const now = Date.now();
  const code = IDLE_CODES[0]!.id;
  const audit = connector.stores.audit;
  const t0 = performance.now();
  connector.stores.transaction(() => {
    for (let n = 0; n < ENTRIES; n++) {
      const agentId = `agent-${n % AGENTS}`;
      const at = now - 24 * 3600_000 + Math.floor((n / ENTRIES) * 24 * 3600_000);
      const step = Math.floor(n / AGENTS) % 4;
      const cc =
        step === 0
          ? { state: 'Idle', idleCodeId: code, origin: 'connector', changedAt: at }
          : step === 1
            ? { state: 'Available', origin: 'connector', changedAt: at }
            : step === 2
              ? { state: 'Engaged', origin: 'system', changedAt: at }
              : { state: 'Available', origin: 'system', changedAt: at };
      const action = step === 0 ? 'set-idle' : step === 1 ? 'set-available' : 'skip';
      const id = audit.add({ at, agentId, trigger: step < 2 ? 'presence' : 'agent-state', action, reason: step === 0 ? 'presence-busy' : step === 1 ? 'presence-free' : 'presence-free-nothing-to-release', text: '', inputs: { cc, profileId: 'default' }, result: action === 'skip' ? 'skipped' : 'sent' });
      if (action !== 'skip') audit.result(id, 'confirmed', null, at + 150 + (n % 900));
    }
  });
  process.stderr.write(`${ENTRIES} audit entries for ${AGENTS} agents written in ${Math.round(performance.now() - t0)} ms\n`);

  const time = async (query: string) => {
    const started = performance.now();
    const res = await fetch(`${connector.url}/api/insights?${query}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as { scanned: number; truncated: boolean; idle: { totalMinutes: number } };
    return { query, status: res.status, ms: Math.round(performance.now() - started), scanned: body.scanned, truncated: body.truncated };
  };
  const results = [
    await time(`from=${now - 24 * 3600_000}&to=${now}`),
    await time(`from=${now - 24 * 3600_000}&to=${now}&teamId=team-3`),
    await time(`from=${now - 3600_000}&to=${now}`),
  ];
  process.stdout.write(`${JSON.stringify({ agents: AGENTS, entries: ENTRIES, results }, null, 2)}\n`);
  await connector.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
