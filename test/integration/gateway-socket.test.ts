import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../server/gateway/contract.js';
import { codeId, startHarness, type Harness } from '../fakes/core-harness.js';
import { ask, connectSocket, sleep, viewRecorder, type ClientSocket } from './gateway-helpers.js';

let h: Harness;
const sockets: ClientSocket[] = [];
const open = async (token: string | null) => {
  const r = await connectSocket(h.connector.url, token);
  sockets.push(r.socket);
  return r;
};

beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await h?.connector.close();
});

describe('gateway authentication on connect', () => {
  it('refuses a socket without a token', async () => {
    const { socket, error } = await open(null);
    expect(error).toMatch(/unauthenticated/);
    expect(socket.connected).toBe(false);
  });

  it('refuses an unknown token and a revoked API key', async () => {
    expect((await open('not-a-token')).error).toMatch(/unauthenticated/);
    const key = h.connector.stores.keys.create('short-lived', 'supervisor', null, h.clock.now());
    expect((await open(key.key)).error).toBeNull();
    h.connector.stores.keys.revoke(key.record.id, h.clock.now());
    expect((await open(key.key)).error).toMatch(/unauthenticated/);
  });

  it('accepts an agent desktop token checked against the contact center, bound to that agent', async () => {
    const { socket, error } = await open('desk-token-1');
    expect(error).toBeNull();
    const res = await ask<AgentView>(socket, 'agent:get');
    expect(res).toMatchObject({ ok: true, data: { agentId: 'agent-1', name: 'Agent 1' } });
  });
});

describe('gateway acks', () => {
  it('answers {ok:true,data} on success and {ok:false,error:{code,message,field?}} on bad input', async () => {
    const { socket } = await open(h.keys.agent1);
    const bad = await ask(socket, 'agent:pause', { minutes: 0 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid');
      expect(bad.error.message).toMatch(/minutes/);
    }
    expect(await ask(socket, 'agent:pause', 'thirty')).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const paused = await ask<AgentView>(socket, 'agent:pause', { minutes: 15 });
    expect(paused).toMatchObject({ ok: true, data: { agentId: 'agent-1', pausedUntil: h.clock.now() + 15 * 60_000 } });
    expect(await ask<AgentView>(socket, 'agent:resume')).toMatchObject({ ok: true, data: { pausedUntil: null } });
    expect(await ask(socket, 'directory:search', { query: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const found = await ask<{ displayName: string }[]>(socket, 'directory:search', { query: 'Sam' });
    expect(found.ok && found.data.map((e) => e.displayName)).toEqual(['Sam Expert']);
  });

  it('a supervisor gets every agent, an admin the status', async () => {
    const sup = (await open(h.keys.supervisor)).socket;
    const all = await ask<AgentView[]>(sup, 'supervisor:agents');
    expect(all.ok && all.data.map((v) => v.agentId).sort()).toEqual(['agent-1', 'agent-2', 'agent-3']);
    expect(await ask(sup, 'admin:status')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const admin = (await open(h.keys.admin)).socket;
    expect(await ask(admin, 'admin:status')).toMatchObject({ ok: true, data: { lifecycle: 'active' } });
  });
});

describe('gateway pushes', () => {
  it('pushes the fresh view after every change: presence, the connector command, a human change, a pause', async () => {
    const { socket } = await open(h.keys.agent1);
    const rec = viewRecorder(socket);
    const sup = (await open(h.keys.supervisor)).socket;
    const supViews: AgentView[] = [];
    sup.on('agents:changed', (vs: AgentView[]) => supViews.push(...vs));

    const idle = rec.next((v) => v.state === 'Idle' && v.setByConnector);
    h.presence.emit('tu-1', { availability: 'Busy', activity: 'InACall' });
    const v1 = await idle;
    expect(v1).toMatchObject({ agentId: 'agent-1', idleCodeName: 'Teams Call', origin: 'connector', presence: { availability: 'Busy', activity: 'InACall' } });
    expect(v1.lastDecision?.text).toContain('In a Teams call');

    const lunch = rec.next((v) => v.idleCodeName === 'Lunch');
    h.cc.humanSets('agent-1', { state: 'Idle', idleCodeId: codeId('Lunch'), origin: 'agent' });
    expect(await lunch).toMatchObject({ setByConnector: false, origin: 'agent' });

    const pausedPush = rec.next((v) => v.pausedUntil != null);
    await ask(socket, 'agent:pause', { minutes: 30 });
    await pausedPush;
    const resumed = rec.next((v) => v.pausedUntil == null);
    await ask(socket, 'agent:resume');
    await resumed;

    const available = rec.next((v) => v.state === 'Available');
    h.cc.humanSets('agent-1', { state: 'Available', origin: 'agent' });
    await available;
    h.presence.emit('tu-1', { availability: 'Available', activity: 'Available' });
    await sleep(30);
    expect(supViews.some((v) => v.agentId === 'agent-1' && v.idleCodeName === 'Lunch')).toBe(true);
  });

  it("an agent socket never receives another agent's view and cannot call supervisor or admin events", async () => {
    const one = (await open(h.keys.agent1)).socket;
    const seen: { event: string; agentId?: string }[] = [];
    one.onAny((event: string, payload: { agentId?: string }) => seen.push({ event, agentId: payload?.agentId }));
    const two = viewRecorder((await open(h.keys.agent2)).socket);

    const pushed = two.next((v) => v.idleCodeName === 'Break');
    h.cc.humanSets('agent-2', { state: 'Idle', idleCodeId: codeId('Break'), origin: 'agent' });
    await pushed;
    h.connector.app.gateway.connectorChanged();
    await sleep(50);
    expect(seen.filter((s) => s.agentId !== 'agent-1')).toEqual([]);

    for (const event of ['supervisor:agents', 'admin:status']) {
      expect(await ask(one, event), event).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // A payload naming another agent is refused, not redirected.
    expect(await ask(one, 'agent:pause', { minutes: 5, agentId: 'agent-2' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(h.connector.services.registry.agents.get('agent-2')!.pausedUntil ?? null).toBeNull();
    h.cc.humanSets('agent-2', { state: 'Available', origin: 'agent' });
  });
});
