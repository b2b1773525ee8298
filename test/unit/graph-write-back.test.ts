import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput } from '../../server/domain/decide.js';
import type { MappingProfile } from '../../server/domain/mapping.js';
import { silentLogger } from '../../server/logger.js';
import type { AgentSnapshot, TeamsPresenceWriter } from '../../server/ports.js';
import { WriteBackService } from '../../server/services/write-back-service.js';
import { FakeClock } from '../fakes/fake-clock.js';

class RecordingWriter implements TeamsPresenceWriter {
  calls: string[] = [];
  failNext = 0;
  async setCallPresence(id: string, activity: string, minutes: number): Promise<void> {
    if (this.failNext > 0 && this.failNext--) throw new Error('Graph 503');
    this.calls.push(`set ${id} ${activity} ${minutes}`);
  }
  async clearCallPresence(id: string): Promise<void> {
    if (this.failNext > 0 && this.failNext--) throw new Error('Graph 503');
    this.calls.push(`clear ${id}`);
  }
}

const flush = () => new Promise((r) => setImmediate(r));
const snap = (state: AgentSnapshot['state'], contact?: AgentSnapshot['contact']): AgentSnapshot => ({ agentId: 'a1', state, origin: 'system', changedAt: 0, contact: contact ?? null });
const voice = { id: 'c1', mediaType: 'telephony', conference: false };

function setup() {
  const clock = new FakeClock();
  const writer = new RecordingWriter();
  const svc = new WriteBackService({ writer, clock, logger: silentLogger, echoWindowMs: 30_000 });
  const agent = { agentId: 'a1', teamsUserId: 'u1', mode: 'both' as const };
  return { clock, writer, svc, agent };
}

describe('WriteBackService', () => {
  it('sets InACall while Engaged on voice, renews every 4 minutes, clears when the contact has ended', async () => {
    const { clock, writer, svc, agent } = setup();
    svc.onAgentState(agent, snap('Engaged', voice));
    await flush();
    expect(writer.calls).toEqual(['set u1 InACall 5']);
    clock.advance(4 * 60_000);
    await flush();
    clock.advance(4 * 60_000);
    await flush();
    expect(writer.calls).toEqual(['set u1 InACall 5', 'set u1 InACall 5', 'set u1 InACall 5']);
    svc.onAgentState(agent, snap('WrapUp'));
    await flush();
    expect(writer.calls).toHaveLength(3);
    svc.onAgentState(agent, snap('Available'));
    await flush();
    expect(writer.calls.at(-1)).toBe('clear u1');
    clock.advance(10 * 60_000);
    await flush();
    expect(writer.calls).toHaveLength(4);
  });

  it('uses InAConferenceCall for conferences and does nothing for chat or one-way modes', async () => {
    const { writer, svc, agent } = setup();
    svc.onAgentState(agent, snap('Engaged', { ...voice, conference: true }));
    await flush();
    expect(writer.calls).toEqual(['set u1 InAConferenceCall 5']);
    svc.onAgentState({ ...agent, teamsUserId: 'u2' }, snap('Engaged', { id: 'c2', mediaType: 'chat', conference: false }));
    svc.onAgentState({ ...agent, teamsUserId: 'u3', mode: 'teams-to-cc' }, snap('Engaged', voice));
    await flush();
    expect(writer.calls).toHaveLength(1);
  });

  it('reports the echo while the session lives and for the echo window after clearing', async () => {
    const { clock, svc, agent } = setup();
    expect(svc.echoFor('u1')).toBeNull();
    svc.onAgentState(agent, snap('Engaged', voice));
    await flush();
    const live = svc.echoFor('u1');
    expect(live?.presence).toEqual({ availability: 'Busy', activity: 'InACall' });
    expect(live!.until).toBeGreaterThan(clock.now());
    svc.onAgentState(agent, snap('Available'));
    await flush();
    clock.advance(29_000);
    expect(svc.echoFor('u1')?.presence.activity).toBe('InACall');
    clock.advance(2_000);
    expect(svc.echoFor('u1')).toBeNull();
  });

  it('makes decide() skip the connector’s own InACall as an echo', async () => {
    const { clock, svc, agent } = setup();
    svc.onAgentState(agent, snap('Engaged', voice));
    await flush();
    svc.onAgentState(agent, snap('Available'));
    await flush();
    const profile: MappingProfile = { id: 'p', name: 'p', rules: [{ teamsState: 'InACall', idleCodeId: 'idle-call' }], settleDelayMs: 0, syncMode: 'both', releaseOnDisable: true };
    const input: DecisionInput = {
      trigger: 'presence',
      now: clock.now(),
      connectorActive: true,
      teamSyncEnabled: true,
      matched: true,
      cc: { state: 'Available', origin: 'system', changedAt: 0 },
      presence: { availability: 'Busy', activity: 'InACall' },
      profile,
      commandTimeoutMs: 15_000,
      releaseOnStale: true,
      echo: svc.echoFor('u1'),
    };
    expect(decide(input).decision).toEqual({ action: 'skip', reason: 'echo-of-connector-session' });
    clock.advance(60_000);
    expect(decide({ ...input, now: clock.now(), echo: svc.echoFor('u1') }).decision.action).toBe('set-idle');
  });

  it('retries failures with backoff without throwing, and clears every session on stop', async () => {
    const { clock, writer, svc, agent } = setup();
    writer.failNext = 2;
    expect(() => svc.onAgentState(agent, snap('Engaged', voice))).not.toThrow();
    await flush();
    expect(writer.calls).toEqual([]);
    clock.advance(1_000);
    await flush();
    expect(writer.calls).toEqual([]);
    clock.advance(2_000);
    await flush();
    expect(writer.calls).toEqual(['set u1 InACall 5']);
    svc.onAgentState({ ...agent, teamsUserId: 'u9' }, snap('Engaged', voice));
    await flush();
    await svc.stop();
    expect(writer.calls.filter((c) => c.startsWith('clear')).sort()).toEqual(['clear u1', 'clear u9']);
    expect(clock.pending()).toBe(0);
  });
});
