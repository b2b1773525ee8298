import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../server/gateway/contract.js';
import { EMPTY_FILTER, matches, teamsStateOf, toCsv, toRow, view, type TableFilter } from '../../widget/supervisor-console-model.js';

const NOW = 1_800_000_000_000;

function agent(id: string, patch: Partial<AgentView> = {}): AgentView {
  return {
    agentId: id,
    name: `Agent ${id}`,
    email: `${id}@contoso.example`,
    teamId: 'team-a',
    teamName: 'Billing',
    teamsUserId: `tu-${id}`,
    state: 'Available',
    idleCodeId: null,
    idleCodeName: null,
    origin: 'agent',
    stateChangedAt: NOW - 60_000,
    setByConnector: false,
    presence: { availability: 'Available', activity: 'Available', label: 'Available in Teams', teamsState: 'Available', observedAt: NOW },
    pendingIdleCodeName: null,
    releaseDueAt: null,
    pausedUntil: null,
    syncEnabled: true,
    lastDecision: null,
    notice: null,
    ...patch,
  };
}

const rows = [
  toRow(agent('c', { name: 'Carla', state: 'Idle', idleCodeName: 'Teams Call', origin: 'connector', setByConnector: true, presence: { availability: 'Busy', activity: 'InACall', label: '', teamsState: 'InACall', observedAt: NOW }, stateChangedAt: NOW - 5_000 })),
  toRow(agent('a', { name: 'Ann', teamId: 'team-b', teamName: 'Support', state: 'Engaged', origin: 'system', pendingIdleCodeName: 'Presenting', stateChangedAt: NOW - 1_000 })),
  toRow(agent('b', { name: 'bob', pausedUntil: NOW + 60_000, origin: 'mystery' })),
  toRow(agent('d', { name: 'Dan', pausedUntil: NOW - 1, releaseDueAt: NOW + 3000, presence: null })),
];
const f = (patch: Partial<TableFilter>): TableFilter => ({ ...EMPTY_FILTER, ...patch });
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

describe('supervisor console rows', () => {
  it('derive the Teams state code, the owner and the held flag from the live view', () => {
    expect(rows[0]).toMatchObject({ teams: 'InACall', owner: 'connector', held: true, state: 'Idle', idleCodeName: 'Teams Call' });
    expect(rows[2]!.owner).toBe('unknown'); // an origin the console does not know is not shown as someone
    expect(rows[3]!.teams).toBe('unknown'); // presence never read
    expect(teamsStateOf({ presence: { availability: 'Purple', activity: 'Unknown', label: '', teamsState: null, observedAt: 0 } })).toBe('unknown');
  });

  it.each([
    [f({ text: 'SUPPORT' }), ['a']],
    [f({ text: 'b@contoso' }), ['b']],
    [f({ teamId: 'team-a' }), ['b', 'c', 'd']],
    [f({ state: 'Idle' }), ['c']],
    [f({ owner: 'system' }), ['a']],
    [f({ flag: 'held' }), ['c']],
    [f({ flag: 'pending' }), ['a']],
    [f({ flag: 'paused' }), ['b']], // Dan's pause has ended
    [f({ flag: 'release-due' }), ['d']],
    [f({ teamId: 'team-a', flag: 'held', text: 'zzz' }), []],
  ])('filter %o keeps %o', (filter, expected) => {
    expect(ids(rows.filter((r) => matches(r, filter, NOW))).sort()).toEqual(expected);
  });

  it('sorts by each column, names case-insensitively, ties in name order', () => {
    expect(ids(view(rows, EMPTY_FILTER, { key: 'name', descending: false }, NOW))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(view(rows, EMPTY_FILTER, { key: 'name', descending: true }, NOW))).toEqual(['d', 'c', 'b', 'a']);
    expect(ids(view(rows, EMPTY_FILTER, { key: 'since', descending: true }, NOW))).toEqual(['a', 'c', 'b', 'd']);
    expect(ids(view(rows, EMPTY_FILTER, { key: 'state', descending: false }, NOW))).toEqual(['b', 'd', 'a', 'c']);
    expect(ids(view(rows, EMPTY_FILTER, { key: 'owner', descending: false }, NOW))).toEqual(['c', 'd', 'a', 'b']);
    expect(ids(view(rows, EMPTY_FILTER, { key: 'team', descending: false }, NOW))).toEqual(['b', 'c', 'd', 'a']);
  });

  it('filters and sorts 10,000 rows', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => toRow(agent(String(i), { name: `Agent ${10_000 - i}`, state: i % 3 === 0 ? 'Idle' : 'Available' })));
    const shown = view(many, f({ state: 'Idle' }), { key: 'name', descending: false }, NOW);
    expect(shown).toHaveLength(3334);
    expect(shown.every((r, i) => i === 0 || shown[i - 1]!.key <= r.key)).toBe(true);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    const csv = toCsv([
      ['name', 'note', 'n'],
      ['Smith, Ann', 'says "hi"\nthere', 3],
      ['=HYPERLINK("x")', '+1', null],
      ['-2', '@cmd', undefined],
    ]);
    expect(csv).toBe('name,note,n\r\n"Smith, Ann","says ""hi""\nthere",3\r\n"\'=HYPERLINK(""x"")",\'+1,\r\n\'-2,\'@cmd,\r\n');
  });

  it('keeps negative numbers as numbers', () => {
    expect(toCsv([[-5, 0]])).toBe('-5,0\r\n');
  });
});
