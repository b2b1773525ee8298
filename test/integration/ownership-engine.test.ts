import { afterEach, describe, expect, it } from 'vitest';
import { buildMarkedReason } from '../../server/domain/command-marker.js';
import type { StateCommand } from '../../server/ports.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { AGENTS, codeId, IDLE_CODES, startHarness, type Harness } from '../fakes/core-harness.js';
import { FakeContactCenter } from '../fakes/fake-contact-center.js';

/**
 * Ownership through the engine, on a contact center that behaves like Webex: a state change names no actor the
 * connector could trust (origin unknown), and only the reason text echoes what the connector wrote. The connector
 * owns an idle only by its marker matched against its own commands; anything else is "origin unknown" and kept.
 */

const CALL = { availability: 'Busy', activity: 'InACall' };
const FREE = { availability: 'Available', activity: 'Available' };

/** Confirms every command with an actor-less event whose reason carries the command's marker (when `marks`). */
class ActorlessContactCenter extends FakeContactCenter {
  marks = true;
  private ids = 0;

  commandId(): string {
    return `cmd-${++this.ids}`;
  }

  override async setState(cmd: StateCommand): Promise<{ trackingId: string }> {
    this.confirm = false;
    const answer = await super.setState(cmd);
    setTimeout(() => {
      const reason = this.marks && cmd.commandId ? buildMarkedReason(cmd.commandId, cmd.reason) : cmd.reason;
      this.humanSets(cmd.agentId, { state: cmd.state, ...(cmd.idleCodeId ? { idleCodeId: cmd.idleCodeId } : {}), origin: 'unknown', reason });
    }, 1);
    return answer;
  }
}

let h: Harness | null = null;
afterEach(async () => {
  await h?.connector.close();
  h = null;
});

async function start(): Promise<Harness & { cc: ActorlessContactCenter }> {
  const clock = new FakeClock();
  const cc = new ActorlessContactCenter(clock, AGENTS, [{ id: 'team-a', name: 'Billing' }, { id: 'team-b', name: 'Tech Support' }], IDLE_CODES);
  h = await startHarness({ clock, cc });
  return h as Harness & { cc: ActorlessContactCenter };
}
const agentOf = (x: Harness) => x.connector.services.registry.agents.get('agent-1')!;

describe('ownership in the engine (actor-less contact-center events)', () => {
  it('an idle confirmed with the connector’s marker is the connector’s, and is released when Teams is free', async () => {
    const x = await start();
    x.presence.emit('tu-1', CALL);
    await x.settle();
    expect(x.cc.commands.at(-1)).toMatchObject({ agentId: 'agent-1', state: 'Idle', idleCodeId: codeId('Teams Call'), commandId: 'cmd-1' });
    expect(agentOf(x).cc).toMatchObject({ state: 'Idle', origin: 'connector' });
    expect(agentOf(x).appliedCommand).toMatchObject({ id: 'cmd-1', action: 'set-idle' });

    x.presence.emit('tu-1', FREE);
    x.clock.advance(10_000);
    await x.settle();
    expect(x.cc.commands.at(-1)).toMatchObject({ agentId: 'agent-1', state: 'Available' });
    expect(agentOf(x).cc.state).toBe('Available');
  });

  it('an idle nobody can be shown to have set is "origin unknown": kept through Teams busy and free, and the audit says so', async () => {
    const x = await start();
    x.cc.humanSets('agent-1', { state: 'Idle', idleCodeId: codeId('Lunch'), origin: 'unknown', reason: 'Lunch' });
    await x.settle();
    x.presence.emit('tu-1', CALL);
    await x.settle();
    x.presence.emit('tu-1', FREE);
    x.clock.advance(10_000);
    await x.settle();
    expect(x.cc.commands).toEqual([]);
    expect(agentOf(x).cc).toMatchObject({ state: 'Idle', idleCodeId: codeId('Lunch'), origin: 'unknown' });
    const audit = await x.api('/api/audit?agentId=agent-1&reason=idle-set-by-unknown', { key: x.keys.supervisor });
    expect(audit.body.entries[0].text).toMatch(/origin unknown/);
  });

  it('a marker naming a command the connector never sent proves nothing: the idle is kept', async () => {
    const x = await start();
    x.cc.humanSets('agent-1', { state: 'Idle', idleCodeId: codeId('Teams Call'), origin: 'unknown', reason: buildMarkedReason('cmd-999', 'copied') });
    await x.settle();
    x.presence.emit('tu-1', FREE);
    x.clock.advance(10_000);
    await x.settle();
    expect(agentOf(x).cc.origin).toBe('unknown');
    expect(x.cc.commands).toEqual([]);
  });

  it('the same idle restated later with the connector’s marker (its last applied command) stays the connector’s', async () => {
    const x = await start();
    x.presence.emit('tu-1', CALL);
    await x.settle();
    x.clock.advance(60_000);
    x.cc.humanSets('agent-1', { state: 'Idle', idleCodeId: codeId('Teams Call'), origin: 'unknown', reason: buildMarkedReason('cmd-1', 'restated') });
    await x.settle();
    expect(agentOf(x).cc.origin).toBe('connector');
    x.presence.emit('tu-1', FREE);
    x.clock.advance(10_000);
    await x.settle();
    expect(x.cc.commands.map((c) => c.state)).toEqual(['Idle', 'Available']);
  });

  it('the same idle set again later without a marker is no longer the connector’s', async () => {
    const x = await start();
    x.presence.emit('tu-1', CALL);
    await x.settle();
    expect(agentOf(x).cc.origin).toBe('connector');
    x.clock.advance(60_000);
    x.cc.humanSets('agent-1', { state: 'Idle', idleCodeId: codeId('Teams Call'), origin: 'unknown', reason: 'chosen again by hand' });
    await x.settle();
    x.presence.emit('tu-1', FREE);
    x.clock.advance(10_000);
    await x.settle();
    expect(agentOf(x).cc.origin).toBe('unknown');
    expect(x.cc.commands.map((c) => c.state)).toEqual(['Idle']);
  });
});
