import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startConnector, type Connector } from '../../server/connector.js';
import { silentLogger } from '../../server/logger.js';
import type { Clock } from '../../server/ports.js';
import { IDLE_CODES } from '../fakes/core-harness.js';
import { FakeContactCenter } from '../fakes/fake-contact-center.js';
import { FakeDirectory, FakeGraphAdmin, FakePresenceSource } from '../fakes/fake-graph.js';

/**
 * The real connector (engine, SQLite in `dir`, HTTP app, socket gateway) in this process on fake adapters: a
 * contact center that confirms commands at once, a presence source the benchmark drives, N agents in 20 teams each
 * matched to a Teams user. Activated, with an admin key.
 */
export interface FakeFloor {
  connector: Connector;
  cc: FakeContactCenter;
  presence: FakePresenceSource;
  adminKey: string;
}

export async function startFakeConnector(o: { agents: number; dir: string; clock: Clock; statics?: [string, string][] }): Promise<FakeFloor> {
  const teams = Array.from({ length: 20 }, (_, i) => ({ id: `team-${i}`, name: `Team ${String(i + 1).padStart(2, '0')}` }));
  const agents = Array.from({ length: o.agents }, (_, i) => ({
    id: `agent-${i}`,
    name: `Agent ${String(i).padStart(5, '0')}`,
    email: `agent${i}@contoso.example`,
    teamId: teams[i % teams.length]!.id,
    teamName: teams[i % teams.length]!.name,
  }));
  const users = agents.map((a, i) => ({ id: `tu-${i}`, displayName: a.name, userPrincipalName: a.email, mail: a.email }));
  const cc = new FakeContactCenter(o.clock, agents, teams, IDLE_CODES);
  const presence = new FakePresenceSource(() => Date.now());
  const config = loadConfig({}, { dbPath: join(o.dir, 'connector.db'), port: 0, 'sync.reconcileIntervalMs': 0, 'graph.matchRefreshMs': 0 });
  const connector = await startConnector({
    config,
    logger: silentLogger,
    clock: o.clock,
    presetsDir: 'mappings',
    parts: () => ({ cc, presence, directory: new FakeDirectory(users), graphAdmin: new FakeGraphAdmin() }),
    ...(o.statics ? { statics: o.statics } : {}),
  });
  const adminKey = connector.stores.keys.create('bench admin', 'admin', null, Date.now()).key;
  const act = await fetch(`${connector.url}/api/admin/activate`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } });
  if (!act.ok) throw new Error(`activation failed: ${act.status} ${await act.text()}`);
  return { connector, cc, presence, adminKey };
}
