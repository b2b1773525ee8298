import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentRegistry } from '../../server/services/agent-registry.js';
import { openDatabase, type Db } from '../../server/store/db.js';
import { createStores, type SqliteStores } from '../../server/store/index.js';
import { FakeClock } from '../fakes/fake-clock.js';

/**
 * The registry is the one owner of agent state: what it holds in memory is what SQLite holds, once the event-loop
 * turn that wrote it has committed (group commit, store/group-commit.ts).
 */
const turnEnd = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Past the group commit's window too (a turn that follows a commit closely commits when the window closes). */
const committed = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

let dir: string;
let dbPath: string;
let db: Db;
let stores: SqliteStores;
let clock: FakeClock;
let registry: AgentRegistry;

const open = (): AgentRegistry => {
  db = openDatabase(dbPath);
  stores = createStores(db);
  const r = new AgentRegistry(stores, clock);
  r.load();
  return r;
};
/** What a second reader of the file sees: the stored rows, not the registry's memory. */
function stored(id: string) {
  const reader = openDatabase(dbPath);
  try {
    return createStores(reader).agents.all().find((a) => a.id === id);
  } finally {
    reader.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-registry-'));
  dbPath = join(dir, 'connector.db');
  clock = new FakeClock();
  registry = open();
  registry.upsertDirectory([
    { id: 'a-1', name: 'Ada', email: 'ada@contoso.example', teamId: null },
    { id: 'a-2', name: 'Bo', email: 'bo@contoso.example', teamId: null },
  ]);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AgentRegistry write-through', () => {
  it('adds directory agents to memory and SQLite together', () => {
    expect([...registry.agents.keys()].sort()).toEqual(['a-1', 'a-2']);
    expect(stored('a-1')).toMatchObject({ name: 'Ada', cc: { state: 'LoggedOut' } });
  });

  it('updateAgent changes memory and the stored row in one call', async () => {
    const cc = { state: 'Idle' as const, idleCodeId: 'call', origin: 'connector' as const, changedAt: clock.now() };
    const applied = { id: 'cmd-1', action: 'set-idle' as const, idleCodeId: 'call', sentAt: clock.now() - 10 };
    const next = registry.updateAgent('a-1', { cc, teamsUserId: 'T-1', appliedCommand: applied, pausedUntil: 123 });
    expect(next).toMatchObject({ id: 'a-1', cc, teamsUserId: 'T-1', appliedCommand: applied, pausedUntil: 123 });
    expect(registry.agents.get('a-1')).toEqual(next);
    await turnEnd();
    expect(stored('a-1')).toEqual(next);
    expect(registry.agentByTeamsUser('t-1')?.id).toBe('a-1');
    expect(stored('a-2')?.teamsUserId).toBeNull();
  });

  it('the indexed columns (Teams user, release due time) are stored when they change and kept when they do not', async () => {
    const presence = { availability: 'Busy', activity: 'InACall' };
    registry.updateAgent('a-1', { teamsUserId: 'T-1', releaseDueAt: 5_000 });
    registry.updateAgent('a-1', { presence, presenceAt: 10 });
    await committed();
    expect(stored('a-1')).toMatchObject({ teamsUserId: 'T-1', releaseDueAt: 5_000, presence, presenceAt: 10 });
    registry.updateAgent('a-1', { releaseDueAt: null });
    registry.updateAgent('a-1', { pausedUntil: 99 });
    await committed();
    expect(stored('a-1')).toMatchObject({ teamsUserId: 'T-1', releaseDueAt: null, pausedUntil: 99 });
    registry.updateAgent('a-1', { teamsUserId: 'T-2' });
    registry.updateAgent('a-1', { releaseDueAt: 7_000 });
    await committed();
    expect(stored('a-1')).toEqual(registry.agents.get('a-1'));
    expect(stored('a-1')).toMatchObject({ teamsUserId: 'T-2', releaseDueAt: 7_000 });
    // A second reader finds the agent by the Teams user id through the index.
    const reader = openDatabase(dbPath);
    try {
      expect(reader.prepare('SELECT id FROM agents INDEXED BY agents_teams_user WHERE teams_user_id = ?').all('T-2')).toEqual([{ id: 'a-1' }]);
      expect(reader.prepare('SELECT id FROM agents INDEXED BY agents_release_due WHERE release_due_at = ?').all(7_000)).toEqual([{ id: 'a-1' }]);
    } finally {
      reader.close();
    }
  });

  it("an accepted command's tracking id is kept in memory and stored with the agent's next change", async () => {
    const inFlight = { action: 'set-idle' as const, idleCodeId: 'call', sentAt: clock.now(), auditId: 7, commandId: 'cmd-7' };
    registry.updateAgent('a-1', { inFlight });
    await committed();
    registry.noteAccepted('a-1', { ...inFlight, trackingId: 'trk-7' });
    await committed();
    expect(registry.agents.get('a-1')?.inFlight).toEqual({ ...inFlight, trackingId: 'trk-7' });
    // What a restart would find: the command in flight with its command id, which recovery reads back by marker.
    expect(stored('a-1')?.inFlight).toEqual(inFlight);
    registry.updateAgent('a-1', { pausedUntil: 5 });
    await committed();
    expect(stored('a-1')).toEqual(registry.agents.get('a-1'));
    expect(stored('a-1')?.inFlight).toEqual({ ...inFlight, trackingId: 'trk-7' });
  });

  it('keeps the visible decision with the agent, and a restart reads it back from the audit trail', async () => {
    const auditId = stores.audit.add({ at: clock.now(), agentId: 'a-1', trigger: 'presence', action: 'skip', reason: 'no-presence-yet', text: 'Teams presence has not been read yet.', inputs: {}, result: 'skipped' });
    const view = { id: auditId, at: clock.now(), trigger: 'presence', action: 'skip', reason: 'no-presence-yet', text: 'Teams presence has not been read yet.', result: 'skipped' };
    registry.updateAgent('a-1', {}, view);
    expect(registry.lastDecision('a-1')).toEqual(view);
    await turnEnd();
    expect(stored('a-1')?.lastDecisionId).toBe(auditId);
    registry.setDecisionResult('a-1', auditId + 1, 'failed');
    expect(registry.lastDecision('a-1')?.result).toBe('skipped');
    db.close();
    const restarted = open();
    expect(restarted.lastDecision('a-1')).toMatchObject({ id: auditId, reason: 'no-presence-yet', result: 'skipped' });
  });

  it('an unknown agent is not created by an update', () => {
    expect(registry.updateAgent('nobody', { pausedUntil: 1 })).toBeUndefined();
    expect(registry.agents.has('nobody')).toBe(false);
    expect(stored('nobody')).toBeUndefined();
  });

  it('a transaction that throws rolls back SQLite and memory alike', () => {
    expect(() =>
      registry.transaction(() => {
        registry.updateAgent('a-1', { pausedUntil: 999 });
        registry.updateAgent('a-2', { pausedUntil: 999 });
        throw new Error('constraint');
      }),
    ).toThrow('constraint');
    expect(registry.agents.get('a-1')?.pausedUntil).toBeNull();
    expect(registry.agents.get('a-2')?.pausedUntil).toBeNull();
    expect(stored('a-1')?.pausedUntil).toBeNull();
  });

  it('lifecycle is written through; stale presence is memory only', () => {
    registry.setLifecycle('active');
    registry.setPresenceStale(clock.now());
    db.close();
    const restarted = open();
    expect(restarted.lifecycle).toBe('active');
    expect(restarted.presenceStaleSince).toBeNull();
  });
});

/**
 * The maps are read-only views from outside: `npm test` type-checks this file, and each line below must stay a
 * compile error (never called).
 */
export function writesFromOutsideDoNotCompile(r: AgentRegistry): void {
  // @ts-expect-error the agents map is a read-only view
  r.agents.set('x', r.agents.get('a-1')!);
  // @ts-expect-error records are read-only outside the registry
  r.agents.get('a-1')!.pausedUntil = 1;
  // @ts-expect-error lifecycle changes only through setLifecycle()
  r.lifecycle = 'active';
  // @ts-expect-error profiles change only through putProfile()/removeProfile()
  r.profiles.delete('default');
}
