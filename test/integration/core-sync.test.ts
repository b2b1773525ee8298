import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../fakes/fake-clock.js';
import { codeId, startHarness, type Harness } from '../fakes/core-harness.js';

const CALL = { availability: 'Busy', activity: 'InACall' };
const FREE = { availability: 'Available', activity: 'Available' };
const PRESENTING = { availability: 'DoNotDisturb', activity: 'Presenting' };

let h: Harness | null = null;
afterEach(async () => {
  await h?.connector.close();
  h = null;
});

const agent = (x: Harness, id = 'agent-1') => x.connector.services.registry.agents.get(id)!;

describe('sync engine through real SQLite and the HTTP API (fake adapters)', () => {
  it('idles an agent on a Teams call, confirms, and returns them after the settle delay', async () => {
    h = await startHarness();
    h.presence.emit('tu-1', CALL);
    await h.settle();
    expect(h.cc.commands.at(-1)).toMatchObject({ agentId: 'agent-1', state: 'Idle', idleCodeId: codeId('Teams Call') });
    expect(agent(h).cc).toMatchObject({ state: 'Idle', origin: 'connector', idleCodeId: codeId('Teams Call') });

    h.presence.emit('tu-1', FREE);
    await h.settle();
    expect(h.cc.commands).toHaveLength(1); // settle delay absorbs flicker
    h.clock.advance(3000);
    await h.settle();
    expect(h.cc.commands.at(-1)).toMatchObject({ state: 'Available' });
    expect(agent(h).cc.state).toBe('Available');

    const audit = await h.api('/api/audit?agentId=agent-1', { key: h.keys.supervisor });
    expect(audit.status).toBe(200);
    const actions = audit.body.entries.map((e: any) => `${e.action}:${e.result}`);
    expect(actions).toContain('set-idle:confirmed');
    expect(actions).toContain('schedule-release:recorded');
    expect(actions).toContain('set-available:confirmed');
    const idle = audit.body.entries.find((e: any) => e.action === 'set-idle');
    expect(idle.inputs.presence).toEqual(CALL);
    expect(idle.command).toMatchObject({ state: 'Idle', idleCodeName: 'Teams Call' });
    expect(idle.trackingId).toBeTruthy();
    expect(idle.sentAt).toBeGreaterThan(0);
    expect(idle.resultAt).toBeGreaterThan(0);
  });

  it('flicker: busy again inside the settle delay cancels the release', async () => {
    h = await startHarness();
    h.presence.emit('tu-1', CALL);
    await h.settle();
    h.presence.emit('tu-1', FREE);
    h.clock.advance(1000);
    h.presence.emit('tu-1', CALL);
    h.clock.advance(5000);
    await h.settle();
    expect(h.cc.commands.map((c) => c.state)).toEqual(['Idle']);
    expect(agent(h).releaseDueAt).toBeNull();
  });

  it('leaves an idle the agent chose alone, also when Teams turns free', async () => {
    h = await startHarness();
    h.cc.humanSets('agent-1', { state: 'Idle', idleCodeId: codeId('Lunch'), origin: 'agent' });
    h.presence.emit('tu-1', CALL);
    h.presence.emit('tu-1', FREE);
    h.clock.advance(10_000);
    await h.settle();
    expect(h.cc.commands).toHaveLength(0);
    const audit = await h.api('/api/audit?agentId=agent-1&reason=idle-set-by-agent', { key: h.keys.supervisor });
    expect(audit.body.entries.length).toBe(1);
    expect(audit.body.entries[0].result).toBe('skipped');
  });

  it('pending idle while Engaged is applied when the contact ends', async () => {
    h = await startHarness();
    h.cc.humanSets('agent-1', { state: 'Engaged', origin: 'system', contact: { id: 'c1', mediaType: 'telephony', conference: false } });
    h.presence.emit('tu-1', PRESENTING);
    await h.settle();
    expect(h.cc.commands).toHaveLength(0);
    expect(agent(h).pendingIdleCodeId).toBe(codeId('Presenting'));
    h.cc.humanSets('agent-1', { state: 'Available', origin: 'system' });
    await h.settle();
    expect(h.cc.commands.at(-1)).toMatchObject({ state: 'Idle', idleCodeId: codeId('Presenting') });
    expect(agent(h).pendingIdleCodeId).toBeNull();
  });

  it('a failed command is recorded and retried', async () => {
    h = await startHarness();
    h.cc.failNext = 1;
    h.presence.emit('tu-1', CALL);
    await h.settle();
    expect(h.cc.commands).toHaveLength(0);
    const failed = await h.api('/api/audit?agentId=agent-1&result=failed', { key: h.keys.supervisor });
    expect(failed.body.entries).toHaveLength(1);
    h.clock.advance(5000);
    await h.settle();
    expect(h.cc.commands.at(-1)).toMatchObject({ state: 'Idle', idleCodeId: codeId('Teams Call') });
  });

  it('deactivation releases the agents the connector idled and nobody else', async () => {
    h = await startHarness();
    h.presence.emit('tu-1', CALL);
    h.cc.humanSets('agent-2', { state: 'Idle', idleCodeId: codeId('Break'), origin: 'agent' });
    h.presence.emit('tu-2', CALL);
    await h.settle();
    const before = h.cc.commands.length;
    const res = await h.api('/api/admin/deactivate', { method: 'POST' });
    expect(res.body).toEqual({ lifecycle: 'inactive' });
    await h.settle();
    const after = h.cc.commands.slice(before);
    expect(after).toEqual([expect.objectContaining({ agentId: 'agent-1', state: 'Available' })]);
    expect(agent(h, 'agent-2').cc).toMatchObject({ state: 'Idle', origin: 'agent' });
    // Inactive: presence changes do nothing.
    h.presence.emit('tu-1', PRESENTING);
    await h.settle();
    expect(h.cc.commands.length).toBe(before + 1);
  });

  it('a pending release survives a crash and happens after restart', async () => {
    h = await startHarness();
    h.presence.emit('tu-1', CALL);
    await h.settle();
    h.presence.emit('tu-1', FREE);
    await h.settle();
    const due = agent(h).releaseDueAt;
    expect(due).not.toBeNull();
    const { dbPath, clock, cc, keys } = h;
    // Crash: no graceful shutdown of the engine, timers lost with the process.
    h.connector.services.sync.stop();
    await h.connector.close();
    h = null;
    cc.commands.length = 0;
    h = await startHarness({ dbPath, clock, cc, keys, activate: false });
    expect(h.connector.services.registry.lifecycle).toBe('active');
    expect(agent(h).releaseDueAt).toBe(due);
    clock.advance(5000);
    await h.settle();
    expect(cc.commands).toEqual([expect.objectContaining({ agentId: 'agent-1', state: 'Available' })]);
  });

  it('an unsent command lost in a crash is decided again after restart', async () => {
    h = await startHarness();
    h.cc.confirm = false;
    const { dbPath, clock, cc, keys, connector } = h;
    // Record the decision in SQLite but stop before the command leaves (the outbox is flushed after commit).
    connector.services.sync.stop();
    const a = agent(h);
    const auditId = connector.stores.audit.add({ at: clock.now(), agentId: a.id, trigger: 'presence', action: 'set-idle', reason: 'presence-busy', text: 'x', inputs: {}, result: 'sent' });
    connector.services.registry.updateAgent(a.id, { inFlight: { action: 'set-idle', idleCodeId: codeId('Teams Call'), sentAt: clock.now(), auditId }, presence: CALL });
    await connector.close();
    h = null;
    cc.confirm = true;
    h = await startHarness({ dbPath, clock, cc, keys, activate: false });
    await h.settle();
    expect(cc.commands.at(-1)).toMatchObject({ agentId: 'agent-1', state: 'Idle', idleCodeId: codeId('Teams Call') });
    const superseded = await h.api('/api/audit?agentId=agent-1&result=superseded', { key: h.keys.supervisor });
    expect(superseded.body.entries[0].resultDetail).toMatch(/stopped before the command was sent/);
  });
});

describe('audit results', () => {
  it('a confirmation that overtakes the HTTP answer is not downgraded to accepted', async () => {
    const x = await startHarness();
    try {
      const id = x.connector.stores.audit.add({ at: 1, agentId: 'agent-1', trigger: 'presence', action: 'set-idle', reason: 'presence-busy', text: 't', inputs: {}, result: 'sent' });
      x.connector.stores.audit.result(id, 'confirmed', null, 2);
      x.connector.stores.audit.sent(id, 'track-1', 3);
      expect(x.connector.stores.audit.get(id)).toMatchObject({ result: 'confirmed', trackingId: 'track-1', sentAt: 3 });
      const other = x.connector.stores.audit.add({ at: 1, agentId: 'agent-1', trigger: 'presence', action: 'set-idle', reason: 'presence-busy', text: 't', inputs: {}, result: 'sent' });
      x.connector.stores.audit.sent(other, 'track-2', 3);
      expect(x.connector.stores.audit.get(other)?.result).toBe('accepted');
    } finally {
      await x.connector.close();
    }
  });
});

describe('lost confirmations', () => {
  it('a command whose result never arrives is decided again after the command timeout', async () => {
    const x = await startHarness();
    try {
      x.cc.confirm = false;
      x.presence.emit('tu-1', { availability: 'Busy', activity: 'InACall' });
      await x.settle();
      expect(x.cc.commands).toHaveLength(1);
      // Teams changes while the command is in flight: the engine waits for the result...
      x.presence.emit('tu-1', { availability: 'DoNotDisturb', activity: 'Presenting' });
      await x.settle();
      expect(x.cc.commands).toHaveLength(1);
      // ...which never comes; at the command timeout the engine decides again on what Teams says now.
      x.cc.confirm = true;
      x.clock.advance(15_001);
      await x.settle();
      expect(x.cc.commands.at(-1)).toMatchObject({ agentId: 'agent-1', state: 'Idle', idleCodeId: codeId('Presenting') });
      const superseded = await x.api('/api/audit?agentId=agent-1&result=superseded', { key: x.keys.supervisor });
      expect(superseded.body.entries[0].resultDetail).toMatch(/no result within the command timeout/);
    } finally {
      await x.connector.close();
    }
  });
});

describe('settle timer', () => {
  it('a timer that fires a millisecond early still releases the agent', async () => {
    class EarlyClock extends FakeClock {
      override setTimeout(fn: () => void, ms: number) {
        return super.setTimeout(fn, ms > 1 ? ms - 1 : ms);
      }
    }
    const x = await startHarness({ clock: new EarlyClock() });
    try {
      x.presence.emit('tu-1', { availability: 'Busy', activity: 'InACall' });
      await x.settle();
      x.presence.emit('tu-1', { availability: 'Available', activity: 'Available' });
      await x.settle();
      x.clock.advance(3_000);
      await x.settle();
      expect(x.cc.commands.map((c) => c.state)).toEqual(['Idle', 'Available']);
    } finally {
      await x.connector.close();
    }
  });
});
