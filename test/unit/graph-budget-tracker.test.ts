import { describe, expect, it } from 'vitest';
import { CallBudget } from '../../server/graph/call-budget.js';
import { pollIntervalMs } from '../../server/graph/poll-presence-source.js';
import { chunk } from '../../server/graph/presence-api.js';
import { PresenceTracker } from '../../server/graph/presence-tracker.js';

describe('CallBudget', () => {
  it('never lets more than share × limit calls start in any window', () => {
    const budget = new CallBudget(30_000, 1_500, 0.5);
    expect(budget.limit).toBe(750);
    const starts: number[] = [];
    let now = 0;
    // Greedy caller: starts a call whenever allowed, for 3 windows.
    while (now < 90_000) {
      if (budget.tryTake(now)) starts.push(now);
      else now += Math.max(1, budget.waitMs(now));
    }
    for (let i = 0; i + 750 < starts.length; i++) expect(starts[i + 750]! - starts[i]!).toBeGreaterThanOrEqual(30_000);
    expect(starts.length).toBe(750 * 3);
  });

  it('pauses every call until Retry-After has passed', () => {
    const budget = new CallBudget(1_000, 100, 1);
    budget.pause(5_000);
    expect(budget.tryTake(4_999)).toBe(false);
    expect(budget.waitMs(4_000)).toBe(1_000);
    expect(budget.tryTake(5_000)).toBe(true);
  });

  it('derives the poll interval from users and budget, floored by the minimum', () => {
    const budget = new CallBudget(30_000, 1_500, 0.5);
    expect(pollIntervalMs(0, budget, 1_000)).toBe(1_000);
    expect(pollIntervalMs(10_000, budget, 1_000)).toBe(1_000); // 16 calls → 640 ms
    expect(pollIntervalMs(50_000, budget, 1_000)).toBe(3_080); // 77 calls × 30 s ÷ 750
    expect(chunk(Array.from({ length: 651 }, (_, i) => i)).map((c) => c.length)).toEqual([650, 1]);
  });
});

describe('PresenceTracker', () => {
  it('reports only changes, case-insensitively, and only for watched users', () => {
    const t = new PresenceTracker();
    t.retain(['a', 'b']);
    expect(t.observe('a', { availability: 'Busy', activity: 'InACall' })).toBe(true);
    expect(t.observe('a', { availability: 'busy', activity: 'inACall' })).toBe(false);
    expect(t.observe('a', { availability: 'Busy', activity: 'InACall', outOfOffice: true })).toBe(true);
    // A notification without the OOF overlay keeps the last known flag.
    expect(t.observe('a', { availability: 'Busy', activity: 'InACall' })).toBe(false);
    expect(t.get('a')).toEqual({ availability: 'Busy', activity: 'InACall', outOfOffice: true });
    expect(t.observe('zzz', { availability: 'Busy', activity: 'Busy' })).toBe(false);
    t.retain(['b']);
    expect(t.has('a')).toBe(false);
    expect(t.get('b')).toBeNull();
    expect(t.observe('b', { availability: 'FutureValue', activity: 'SomethingNew' })).toBe(true);
    expect(t.get('b')).toEqual({ availability: 'FutureValue', activity: 'SomethingNew', outOfOffice: false });
  });
});
