import { describe, expect, it } from 'vitest';
import { CommandScheduler, SupersededError, type Priority } from '../../server/contact-center/command-scheduler.js';
import { FakeClock } from '../fakes/fake-clock.js';

/** The vendor's limiter as the Webex emulator models it: a fixed one-minute window per client id. */
function fixedWindow(perMinute: number, clock: FakeClock) {
  let start = -Infinity;
  let used = 0;
  let refused = 0;
  return {
    take(): boolean {
      if (clock.now() - start >= 60_000) {
        start = clock.now();
        used = 0;
      }
      if (used < perMinute) return (used++, true);
      refused++;
      return false;
    },
    get refused() {
      return refused;
    },
  };
}

/** Drives the scheduler: each request waits for its slot, then hits the limiter. */
function harness(perMinute = 300) {
  const clock = new FakeClock();
  const s = new CommandScheduler({ perMinute, clock });
  const vendor = fixedWindow(perMinute, clock);
  const log: { p: Priority; key?: string; asked: number; sent: number }[] = [];
  const ask = (p: Priority, key?: string) => {
    const asked = clock.now();
    const done = s.slot(p, key).then(
      () => {
        vendor.take();
        log.push({ p, ...(key ? { key } : {}), asked, sent: clock.now() });
        return 'sent' as const;
      },
      (err: Error) => (err instanceof SupersededError ? ('superseded' as const) : ('failed' as const)),
    );
    return done;
  };
  const flush = () => new Promise<void>((r) => setImmediate(r));
  const run = async (ms: number, step = 100) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await flush();
    }
  };
  return { clock, s, vendor, log, ask, run, flush };
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? 0;

describe('command scheduler: one budget for every call to the contact center', () => {
  it('at twice the budget the vendor refuses nothing, priority 1 stays fresh, and every agent ends where Teams says', async () => {
    const h = harness(300);
    const AGENTS = 200;
    // A working day in progress: half the agents are in a Teams call and idled by the connector.
    const wantBusy = Array.from({ length: AGENTS }, (_, i) => i % 2 === 0);
    const ccIdle = [...wantBusy];
    const queuedRelease = new Set<number>();
    const pending: Promise<unknown>[] = [];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    // 3 minutes of 600 Teams changes a minute (twice the budget), the engine's rule: a release still waiting
    // when Teams turns busy again is withdrawn instead of being followed by a new idle.
    for (let t = 0; t < 180_000; t += 100) {
      const a = Math.floor(rnd() * AGENTS);
      wantBusy[a] = !wantBusy[a];
      if (wantBusy[a]) {
        if (queuedRelease.has(a) && h.s.cancel(`agent-${a}`)) queuedRelease.delete(a);
        // Still idle in the contact center: the withdrawn release was all it took. Otherwise idle it.
        if (!ccIdle[a]) pending.push(h.ask(1, `agent-${a}`).then((r) => r === 'sent' && (ccIdle[a] = true)));
      } else {
        queuedRelease.add(a);
        pending.push(h.ask(2, `agent-${a}`).then((r) => (queuedRelease.delete(a), r === 'sent' && (ccIdle[a] = false))));
      }
      await h.run(100);
    }
    await h.run(300_000, 1_000);
    await Promise.all(pending);
    expect(h.vendor.refused).toBe(0);
    expect(ccIdle).toEqual(wantBusy);
    const waits = (p: Priority) => h.log.filter((e) => e.p === p).map((e) => e.sent - e.asked);
    expect(waits(2).length).toBeGreaterThan(0);
    expect(p99(waits(1))).toBeLessThanOrEqual(5_000);
    expect(h.s.stats().superseded).toBeGreaterThan(0);
  });

  it('coalesces per agent: only the latest wanted state is sent', async () => {
    const h = harness(60);
    // Fill the burst so the next commands queue.
    const filler = Array.from({ length: 10 }, (_, i) => h.ask(1, `other-${i}`));
    await h.flush();
    const first = h.ask(1, 'agent-7');
    const second = h.ask(2, 'agent-7');
    const third = h.ask(1, 'agent-7');
    await h.run(60_000);
    expect(await first).toBe('superseded');
    expect(await second).toBe('superseded');
    expect(await third).toBe('sent');
    expect(h.log.filter((e) => e.key === 'agent-7')).toHaveLength(1);
    expect(h.s.stats().superseded).toBe(2);
    await Promise.all(filler);
  });

  it('honours Retry-After: nothing is sent before it has passed', async () => {
    const h = harness(300);
    h.s.throttled(2_000);
    const sent = h.ask(1, 'a');
    await h.run(1_900);
    expect(h.log).toHaveLength(0);
    await h.run(300);
    expect(await sent).toBe('sent');
    expect(h.s.stats().throttled).toBe(1);
  });

  it('reads wait for commands, and the status shows use, queue depth per priority, oldest wait and capacity', async () => {
    const h = harness(60);
    for (let i = 0; i < 20; i++) void h.ask(4);
    for (let i = 0; i < 5; i++) void h.ask(2, `r${i}`);
    await h.flush();
    const st = h.s.stats();
    expect(st.queued.p4).toBeGreaterThan(0);
    await h.run(1_000);
    const order = h.log.map((e) => e.p);
    // Once the queue forms, every release goes before the reads still waiting.
    const lastRelease = order.lastIndexOf(2);
    const firstReadAfterQueue = order.indexOf(4, 3);
    expect(lastRelease).toBeGreaterThanOrEqual(0);
    expect(firstReadAfterQueue === -1 || firstReadAfterQueue > lastRelease).toBe(true);
    await h.run(60_000);
    const after = h.s.stats();
    expect(after.usedLastMinute).toBeGreaterThan(0);
    expect(after.budgetUse).toBeGreaterThan(0);
    expect(after.commandsLastHour).toBe(5);
    expect(after.agentsLastHour).toBe(5);
    expect(after.capacityAgents).toBeGreaterThan(0);
    expect(after.oldestWaitMs).toBe(0);
  });

  it('refuses a budget below one request a minute with a clear error', () => {
    expect(() => new CommandScheduler({ perMinute: 0, clock: new FakeClock() })).toThrow(/at least 1 per minute/);
  });
});
