import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startConnector, type Connector } from '../../server/connector.js';
import type { IdleCode } from '../../server/domain/agent.js';
import { silentLogger, type Logger } from '../../server/logger.js';
import { FakeClock } from './fake-clock.js';
import { FakeContactCenter } from './fake-contact-center.js';
import { FakeDirectory, FakeGraphAdmin, FakePresenceSource } from './fake-graph.js';

export const IDLE_CODES: IdleCode[] = [
  ...['Teams Call', 'Teams Meeting', 'Presenting', 'Do Not Disturb', 'Busy', 'Away', 'Be Right Back', 'Out Of Office', 'Offline', 'Break', 'Lunch'].map(
    (name, i) => ({ id: `code-${i}`, name, isSystem: false, active: true }),
  ),
  { id: 'code-inactive', name: 'Legacy Huddle', isSystem: false, active: false },
  { id: 'code-rona', name: 'RONA', isSystem: true, active: true },
];
export const codeId = (name: string): string => IDLE_CODES.find((c) => c.name === name)!.id;

export const AGENTS = [1, 2, 3].map((i) => ({
  id: `agent-${i}`,
  name: `Agent ${i}`,
  email: `agent${i}@contoso.example`,
  teamId: i === 3 ? 'team-b' : 'team-a',
  teamName: i === 3 ? 'Tech Support' : 'Billing',
}));
export const TEAMS_USERS = [
  ...AGENTS.slice(0, 2).map((a, i) => ({ id: `tu-${i + 1}`, displayName: a.name, userPrincipalName: a.email, mail: a.email })),
  { id: 'tu-3', displayName: 'Agent 3', userPrincipalName: 'agent3@contoso.example', mail: 'agent3@contoso.example' },
  { id: 'sme-1', displayName: 'Sam Expert', userPrincipalName: 'sam@contoso.example', mail: 'sam@contoso.example', department: 'Billing', jobTitle: 'Billing specialist', businessPhones: ['+14255550101'] },
];

export interface Harness {
  connector: Connector;
  clock: FakeClock;
  cc: FakeContactCenter;
  presence: FakePresenceSource;
  graphAdmin: FakeGraphAdmin;
  dbPath: string;
  keys: { admin: string; supervisor: string; agent1: string; agent2: string };
  /** Fetch against the running app with a role's key. */
  api(path: string, init?: { method?: string; body?: unknown; key?: string | null }): Promise<{ status: number; body: any }>;
  /** Lets queued confirmations (macrotasks) run. */
  settle(): Promise<void>;
}

export async function startHarness(
  opts: { dbPath?: string; clock?: FakeClock; cc?: FakeContactCenter; activate?: boolean; keys?: Harness['keys']; logger?: Logger; port?: number; overrides?: Record<string, unknown> } = {},
): Promise<Harness> {
  const clock = opts.clock ?? new FakeClock();
  const dbPath = opts.dbPath ?? join(mkdtempSync(join(tmpdir(), 'tpc-core-')), 'connector.db');
  const cc = opts.cc ?? new FakeContactCenter(clock, AGENTS, [{ id: 'team-a', name: 'Billing' }, { id: 'team-b', name: 'Tech Support' }], IDLE_CODES, { 'desk-token-1': 'agent-1' });
  const presence = new FakePresenceSource(() => clock.now());
  const graphAdmin = new FakeGraphAdmin();
  const config = loadConfig({}, { dbPath, port: opts.port ?? 0, 'sync.reconcileIntervalMs': 0, 'graph.matchRefreshMs': 0, ...opts.overrides });
  const connector = await startConnector({
    config,
    logger: opts.logger ?? silentLogger,
    clock,
    presetsDir: 'mappings',
    parts: () => ({ cc, presence, directory: new FakeDirectory(TEAMS_USERS), graphAdmin }),
  });
  const mk = (role: 'admin' | 'supervisor' | 'agent', agentId: string | null = null) =>
    connector.stores.keys.create(`${role} key`, role, agentId, clock.now()).key;
  const keys = opts.keys ?? { admin: mk('admin'), supervisor: mk('supervisor'), agent1: mk('agent', 'agent-1'), agent2: mk('agent', 'agent-2') };
  const h: Harness = {
    connector,
    clock,
    cc,
    presence,
    graphAdmin,
    dbPath,
    keys,
    async api(path, init = {}) {
      const key = init.key === undefined ? keys.admin : init.key;
      const res = await fetch(connector.url + path, {
        method: init.method ?? 'GET',
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    },
    // Hot-path writes commit up to 5 ms after their turn (group commit) and commands leave after that commit; the
    // fake contact center answers asynchronously. 30 ms leaves room for that on a loaded machine.
    settle: () => new Promise((r) => setTimeout(r, 30)),
  };
  if (opts.activate !== false && connector.services.registry.lifecycle !== 'active') {
    const res = await h.api('/api/admin/activate', { method: 'POST' });
    if (res.status !== 200) throw new Error(`activation failed: ${JSON.stringify(res.body)}`);
  }
  return h;
}
