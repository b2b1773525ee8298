import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../emulators/graph/index.js';
import type { RequestRecord } from '../../emulators/graph/emulator-stats.js';
import { AppError } from '../../server/errors.js';
import { CallBudget } from '../../server/graph/call-budget.js';
import { GraphDirectory } from '../../server/graph/graph-directory.js';
import { searchPresenceBudget } from '../../server/graph/search-budget.js';
import { systemClock } from '../../server/ports.js';
import { startHarness } from '../fakes/core-harness.js';
import { startGraphTestbed, type GraphTestbed } from '../integration/graph-harness.js';

/**
 * Directory search against the Graph emulator over HTTPS: the term reaches Graph as data (what the emulator decoded
 * is checked, parameter by parameter), Graph's failures come back in the product's words, and the search's presence
 * reads have their own budget beside the poller's.
 */
let bed: GraphTestbed;
const seeds = demoUsers(30);
beforeAll(async () => {
  bed = await startGraphTestbed({ users: seeds });
});
afterAll(async () => bed?.close());

async function received(): Promise<RequestRecord[]> {
  return (await bed.control.control<{ value: RequestRecord[] }>('GET', 'requests?limit=50')).value.filter((r) => r.path === '/v1.0/users');
}

describe('the search term is data, never query syntax', () => {
  it.each(['al&$top=999', 'Sam#fragment', 'a%26b%41', "o'x&$filter=id eq 'y", 'al $select=id&$count=false'])('%s reaches Graph as one value', async (term) => {
    await bed.control.control('DELETE', 'stats');
    const directory = new GraphDirectory(bed.connection.app, systemClock);
    await expect(directory.search(term, 20)).resolves.toBeInstanceOf(Array);
    const users = await received();
    expect(users).toHaveLength(2);
    const byName = new Map(users.find((r) => r.query?.some(([k]) => k === '$search'))!.query);
    const byRole = new Map(users.find((r) => r.query?.some(([k]) => k === '$filter'))!.query);
    const cleaned = term.replace(/["'\\]/g, ' ').trim();
    expect(byName.get('$search')).toBe(`"displayName:${cleaned}"`);
    expect(byRole.get('$filter')).toBe(`startswith(jobTitle,'${cleaned.replace(/'/g, "''")}') or startswith(department,'${cleaned.replace(/'/g, "''")}')`);
    for (const r of users) {
      const names = r.query!.map(([k]) => k).sort();
      expect(names).toEqual(r === users.find((x) => x.query?.some(([k]) => k === '$search')) ? ['$search', '$select', '$top'] : ['$count', '$filter', '$select', '$top']);
      expect(new Map(r.query).get('$top')).toBe('100');
    }
  });

  it('an ordinary term still finds people', async () => {
    const dept = seeds.find((s) => s.department)!.department!;
    const directory = new GraphDirectory(bed.connection.app, systemClock);
    const found = await directory.search(dept, 50);
    expect(found.length).toBeGreaterThan(0);
  });
});

describe('Graph errors in the product words', () => {
  it.each([
    [{ failRate: 1, status: 503, paths: '^/v1\\.0/users' }, 'unavailable'],
    [{ throttleNext: 20, retryAfterSec: 0, paths: '^/v1\\.0/users' }, 'rate_limited'],
  ])('%o → %s without Graph text', async (fault, code) => {
    await bed.control.control('POST', 'faults', fault);
    try {
      const directory = new GraphDirectory(bed.connection.app, systemClock);
      const err = (await directory.search('Alex', 20).catch((e: unknown) => e)) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe(code);
      expect(err.message).not.toMatch(/graph|request-id|innerError|code:|Service|Throttl|Too Many/i);
    } finally {
      await bed.control.control('DELETE', 'faults');
    }
  });
});

describe('search budgets', () => {
  it("the search's presence share comes out of what the poller leaves, and is none when the poller has it all", () => {
    const half = searchPresenceBudget({ throttleWindowMs: 30_000, throttleLimit: 1_500, budgetShare: 0.5 })!;
    expect(half.limit + Math.floor(1_500 * 0.5)).toBeLessThanOrEqual(1_500);
    const most = searchPresenceBudget({ throttleWindowMs: 30_000, throttleLimit: 1_500, budgetShare: 0.95 })!;
    expect(most.limit + Math.floor(1_500 * 0.95)).toBeLessThanOrEqual(1_500);
    expect(searchPresenceBudget({ throttleWindowMs: 30_000, throttleLimit: 1_500, budgetShare: 1 })).toBeNull();
  });

  it('a spent search budget means results without presence and no presence call to Graph', async () => {
    const dept = seeds.find((s) => s.department)!.department!;
    const budget = new CallBudget(60_000, 1, 1);
    const directory = new GraphDirectory(bed.connection.app, systemClock, budget);
    await bed.control.control('DELETE', 'stats');
    const first = await directory.search(dept, 50);
    expect(first.some((e) => e.presence !== null)).toBe(true);
    const second = await directory.search(dept, 50);
    expect(second.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(second.every((e) => e.presence === null)).toBe(true);
    const presenceCalls = (await bed.control.control<{ value: RequestRecord[] }>('GET', 'requests?limit=50')).value.filter((r) => r.path.includes('getPresencesByUserId'));
    expect(presenceCalls).toHaveLength(1);
  });

  it('each user has a search quota; past it searches are refused (429) while other users still search', async () => {
    const h = await startHarness({ overrides: { 'security.searchesPerMinute': 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await h.api('/api/directory?q=Sam', { key: h.keys.agent1 })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect((await h.api('/api/directory?q=Sam', { key: h.keys.agent2 })).status).toBe(200);
    } finally {
      await h.connector.close();
    }
  });
});
