import { afterEach, describe, expect, it } from 'vitest';
import { codeId, startHarness, type Harness } from '../fakes/core-harness.js';

const CALL = { availability: 'Busy', activity: 'InACall' };
const FREE = { availability: 'Available', activity: 'Available' };
const AWAY = { availability: 'Away', activity: 'Away' };
const MIN = 60_000;

let h: Harness | null = null;
afterEach(async () => {
  await h?.connector.close();
  h = null;
});

const sup = (x: Harness, path: string, init: { method?: string; body?: unknown } = {}) => x.api(path, { ...init, key: x.keys.supervisor });

describe('GET /api/insights over a real audit trail', () => {
  it('counts minutes held idle by the connector per agent and team, decisions by reason, freshness and offers avoided', async () => {
    h = await startHarness();
    const t0 = h.clock.now();
    // agent-2 (same team) takes two offers while Available: the team's offer rate.
    for (let i = 0; i < 2; i++) {
      h.clock.advance(2 * MIN);
      h.cc.humanSets('agent-2', { state: 'Engaged', origin: 'system', contact: { id: `c${i}`, mediaType: 'telephony', conference: false } });
      h.clock.advance(MIN);
      h.cc.humanSets('agent-2', { state: 'Available', origin: 'system' });
    }
    await h.settle();
    // agent-1 is held idle by the connector for 10 minutes (plus the 3 s settle delay).
    h.presence.emit('tu-1', CALL);
    await h.settle();
    h.clock.advance(10 * MIN);
    h.presence.emit('tu-1', FREE);
    h.clock.advance(3000);
    await h.settle();
    expect(h.connector.services.registry.agents.get('agent-1')!.cc.state).toBe('Available');
    h.clock.advance(MIN);

    const res = await sup(h, `/api/insights?from=${t0}&to=${h.clock.now()}`);
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.idle.byAgent).toHaveLength(1);
    expect(b.idle.byAgent[0]).toMatchObject({ agentId: 'agent-1', teamId: 'team-a' });
    expect(b.idle.byAgent[0].minutes).toBeGreaterThanOrEqual(10);
    expect(b.idle.byAgent[0].minutes).toBeLessThanOrEqual(10.1);
    const billing = b.idle.byTeam.find((t: any) => t.teamId === 'team-a');
    const support = b.idle.byTeam.find((t: any) => t.teamId === 'team-b');
    expect(billing).toMatchObject({ teamName: 'Billing', minutes: b.idle.byAgent[0].minutes });
    expect(support).toMatchObject({ teamName: 'Tech Support', minutes: 0 });

    const count = (action: string, reason: string) => b.decisions.find((d: any) => d.action === action && d.reason === reason)?.count ?? 0;
    expect(count('set-idle', 'presence-busy')).toBe(1);
    expect(count('schedule-release', 'settle-delay')).toBe(1);
    expect(count('set-available', 'presence-free')).toBe(1);

    // Two confirmed commands; the fake contact center confirms at once on the fake clock.
    expect(b.freshness.count).toBe(2);
    expect(b.freshness.buckets[0]).toEqual({ upToMs: 500, count: 2 });
    expect(b.freshness.p99Ms).toBe(0);

    const offers = b.offersAvoided.byTeam.find((t: any) => t.teamId === 'team-a');
    expect(offers.offers).toBe(2);
    expect(offers.heldMinutes).toBeGreaterThanOrEqual(10);
    // The estimate is the team's offers per Available minute times the minutes held.
    expect(offers.estimate).toBeCloseTo((2 / offers.availableMinutes) * offers.heldMinutes, 0);
    expect(offers.estimate).toBeGreaterThan(0);
    expect(b.offersAvoided.byTeam.find((t: any) => t.teamId === 'team-b').estimate).toBe(0);
    expect(b.truncated).toBe(false);

    // A team filter leaves the other team's agents out entirely.
    const other = await sup(h, `/api/insights?from=${t0}&to=${h.clock.now()}&teamId=team-b`);
    expect(other.status).toBe(200);
    expect(other.body.idle.totalMinutes).toBe(0);
    expect(other.body.decisions.some((d: any) => d.reason === 'presence-busy')).toBe(false);

    // A range that ends before the hold began holds none of it.
    const before = await sup(h, `/api/insights?from=${t0}&to=${t0 + 6 * MIN}`);
    expect(before.body.idle.totalMinutes).toBe(0);
  });

  it('counts a hold that began before the range from the range start', async () => {
    h = await startHarness();
    h.presence.emit('tu-1', CALL);
    await h.settle();
    h.clock.advance(30 * MIN);
    const from = h.clock.now() - 5 * MIN;
    const res = await sup(h, `/api/insights?from=${from}&to=${h.clock.now()}`);
    expect(res.body.idle.byAgent).toEqual([{ agentId: 'agent-1', name: 'Agent 1', teamId: 'team-a', minutes: 5 }]);
  });

  it('reads a range larger than one page across page boundaries, ties in time included, and keeps the newest when truncated', async () => {
    h = await startHarness();
    const from = h.clock.now() + 1;
    const audit = h.connector.stores.audit;
    // 4,500 entries, many sharing a millisecond, so paging must order by time and id.
    h.connector.stores.transaction(() => {
      for (let n = 0; n < 4500; n++) {
        const at = from + Math.floor(n / 7);
        audit.add({ at, agentId: `agent-${(n % 3) + 1}`, trigger: 'agent-state', action: 'skip', reason: n < 100 ? 'agent-in-rona' : 'presence-free-nothing-to-release', text: '', inputs: { cc: { state: 'Available', origin: 'agent', changedAt: at } }, result: 'skipped' });
      }
    });
    const to = from + 4500;
    h.clock.advance(10_000);
    const all = await sup(h, `/api/insights?from=${from}&to=${to}`);
    expect(all.body.scanned).toBe(4500);
    expect(all.body.truncated).toBe(false);
    expect(all.body.decisions).toEqual([
      { action: 'skip', reason: 'presence-free-nothing-to-release', count: 4400 },
      { action: 'skip', reason: 'agent-in-rona', count: 100 },
    ]);
    const { InsightsService } = await import('../../server/services/insights-service.js');
    const small = new InsightsService({ registry: h.connector.services.registry, stores: h.connector.stores, clock: h.clock, commandTimeoutMs: 15_000, maxScan: 4000 });
    const cut = await small.insights({ from, to });
    expect(cut).toMatchObject({ scanned: 4000, truncated: true });
    // The oldest 500 were left out: they include the 100 RONA skips written first.
    expect(cut.decisions).toEqual([{ action: 'skip', reason: 'presence-free-nothing-to-release', count: 4000 }]);
  });

  it.each([
    ['from=10&to=5', 'from'],
    ['from=0&to=99999999999', 'from'],
    ['teamId=nope', 'teamId'],
    ['from=abc', 'from'],
    ['colour=red', '(body)'],
  ])('rejects ?%s naming %s', async (query, field) => {
    h = await startHarness();
    const res = await sup(h, `/api/insights?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(res.body.error.field).toBe(field);
  });

  it('is for supervisors and admins only', async () => {
    h = await startHarness();
    expect((await h.api('/api/insights', { key: h.keys.agent1 })).status).toBe(403);
    expect((await h.api('/api/insights', { key: null })).status).toBe(401);
    expect((await h.api('/api/insights', { key: h.keys.admin })).status).toBe(200);
    expect((await h.api('/api/insights/impact', { method: 'POST', body: { profile: {} }, key: h.keys.agent1 })).status).toBe(403);
  });
});

describe('POST /api/insights/impact', () => {
  const defaultWith = (rules: { teamsState: string; idleCodeId: string }[]) => ({
    id: 'default',
    name: 'Default',
    rules,
    settleDelayMs: 3000,
    syncMode: 'teams-to-cc',
    releaseOnDisable: true,
  });

  it('says how many agents saving would idle and release, and changes nothing', async () => {
    h = await startHarness();
    h.presence.emit('tu-1', CALL);
    h.presence.emit('tu-2', AWAY);
    h.presence.emit('tu-3', CALL);
    await h.settle();
    const reg = h.connector.services.registry;
    expect(reg.agents.get('agent-1')!.cc).toMatchObject({ state: 'Idle', origin: 'connector' });
    const commandsBefore = h.cc.commands.length;
    const auditBefore = h.connector.stores.audit.count();

    // Drop the Teams-call rule, add Away: agent-1 and agent-3 would be released, agent-2 idled.
    const candidate = defaultWith([
      { teamsState: 'DoNotDisturb', idleCodeId: codeId('Do Not Disturb') },
      { teamsState: 'Away', idleCodeId: codeId('Away') },
    ]);
    const res = await sup(h, '/api/insights/impact', { method: 'POST', body: { profileId: 'default', profile: candidate } });
    expect(res.status).toBe(200);
    expect(res.body.agents).toBe(3);
    expect(res.body.counts).toEqual({ idle: 1, switch: 0, release: 2, 'idle-after-contact': 0, unchanged: 0 });
    const byAgent = Object.fromEntries(res.body.changes.map((c: any) => [c.agentId, c]));
    expect(byAgent['agent-2']).toMatchObject({ outcome: 'idle', reason: 'presence-busy', idleCodeName: 'Away' });
    expect(byAgent['agent-1']).toMatchObject({ outcome: 'release' });
    expect(res.body.byTeam.find((t: any) => t.teamId === 'team-b').counts.release).toBe(1);

    // Switching the Teams-call code is a switch, not a new idle.
    const switched = defaultWith([{ teamsState: 'InACall', idleCodeId: codeId('Busy') }]);
    const sw = await sup(h, '/api/insights/impact', { method: 'POST', body: { profileId: 'default', profile: switched } });
    expect(sw.body.counts).toMatchObject({ switch: 2, idle: 0, release: 0, unchanged: 1 });

    expect(h.cc.commands.length).toBe(commandsBefore);
    expect(h.connector.stores.audit.count()).toBe(auditBefore);
    expect(reg.profiles.get('default')!.rules.some((r) => r.teamsState === 'InACall')).toBe(true);
  });

  it('previews an assignment of a new profile to a team', async () => {
    h = await startHarness();
    h.presence.emit('tu-3', AWAY);
    await h.settle();
    const candidate = { name: 'Away team', rules: [{ teamsState: 'Away', idleCodeName: 'Away' }] };
    const res = await sup(h, '/api/insights/impact', { method: 'POST', body: { teamIds: ['team-b'], profile: candidate } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ profileId: null, agents: 1, counts: { idle: 1 } });
    const none = await sup(h, '/api/insights/impact', { method: 'POST', body: { profile: candidate } });
    expect(none.body.agents).toBe(0);
  });

  it('rejects a candidate the save would reject, at the same field, and an unknown profile or team', async () => {
    h = await startHarness();
    const bad = defaultWith([{ teamsState: 'InACall', idleCodeId: 'no-such-code' }]);
    const res = await sup(h, '/api/insights/impact', { method: 'POST', body: { profileId: 'default', profile: bad } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('rules[0].idleCodeId');
    expect((await sup(h, '/api/insights/impact', { method: 'POST', body: { profileId: 'ghost', profile: bad } })).status).toBe(404);
    const team = await sup(h, '/api/insights/impact', { method: 'POST', body: { teamIds: ['team-x'], profile: defaultWith([]) } });
    expect(team.status).toBe(400);
    expect(team.body.error.field).toBe('teamIds[0]');
    const extra = await sup(h, '/api/insights/impact', { method: 'POST', body: { profile: defaultWith([]), save: true } });
    expect(extra.status).toBe(400);
  });
});
