import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../server/gateway/contract.js';
import { codeId, startHarness, type Harness } from '../fakes/core-harness.js';
import { call, openSocket, sleep, type ClientSocket } from './security-helpers.js';

/** An agent credential reaches only its own agent, over HTTP and over the socket. */
let h: Harness;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h.connector.close();
});

describe('HTTP', () => {
  it.each(['/api/agents/agent-2', '/api/agents/agent-1', '/api/agents', '/api/audit?agentId=agent-2'])('an agent cannot read %s', async (path) => {
    const res = await h.api(path, { key: h.keys.agent1 });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain('agent2@contoso.example');
  });

  it('/api/me answers the caller only, whatever the query or headers say', async () => {
    for (const path of ['/api/me', '/api/me?agentId=agent-2', '/api/me?id=agent-2']) {
      const res = await h.api(path, { key: h.keys.agent1 });
      expect(res.status).toBe(200);
      expect(res.body.agentId).toBe('agent-1');
    }
    const res = await fetch(`${h.connector.url}/api/me`, { headers: { authorization: `Bearer ${h.keys.agent1}`, 'x-agent-id': 'agent-2' } });
    expect((await res.json()).agentId).toBe('agent-1');
  });

  it('a pause names no other agent: a body with agentId is refused and agent 2 is untouched', async () => {
    const res = await h.api('/api/me/pause', { method: 'POST', key: h.keys.agent1, body: { minutes: 5, agentId: 'agent-2' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('agentId');
    expect(h.connector.services.registry.agents.get('agent-2')!.pausedUntil ?? null).toBeNull();
    expect(h.connector.services.registry.agents.get('agent-1')!.pausedUntil ?? null).toBeNull();
  });

  it('an agent pausing themself changes only themself', async () => {
    const res = await h.api('/api/me/pause', { method: 'POST', key: h.keys.agent2, body: { minutes: 5 } });
    expect(res.status).toBe(200);
    expect(res.body.agentId).toBe('agent-2');
    expect(h.connector.services.registry.agents.get('agent-2')!.pausedUntil).toBeGreaterThan(h.clock.now());
    expect(h.connector.services.registry.agents.get('agent-1')!.pausedUntil ?? null).toBeNull();
    expect((await h.api('/api/me/resume', { method: 'POST', key: h.keys.agent2 })).status).toBe(200);
  });
});

describe('socket rooms', () => {
  it('agent 1 receives no push about agent 2, while agent 2 and a supervisor do', async () => {
    const one = await openSocket(h.connector.url, h.keys.agent1);
    const two = await openSocket(h.connector.url, h.keys.agent2);
    const sup = await openSocket(h.connector.url, h.keys.supervisor);
    sockets.push(one.socket, two.socket, sup.socket);
    const seenByOne: unknown[] = [];
    one.socket.onAny((event, payload) => seenByOne.push({ event, payload }));
    const twoViews: AgentView[] = [];
    two.socket.on('agent:view', (v: AgentView) => twoViews.push(v));
    const supViews: AgentView[] = [];
    sup.socket.on('agents:changed', (vs: AgentView[]) => supViews.push(...vs));

    h.cc.humanSets('agent-2', { state: 'Idle', idleCodeId: codeId('Lunch'), origin: 'agent' });
    for (let i = 0; i < 50 && (twoViews.length === 0 || supViews.length === 0); i++) await sleep(10);
    await sleep(50);

    expect(twoViews.at(-1)).toMatchObject({ agentId: 'agent-2', state: 'Idle', idleCodeName: 'Lunch' });
    expect(supViews.some((v) => v.agentId === 'agent-2')).toBe(true);
    expect(seenByOne).toEqual([]);

    // And the other way round: agent 1's change reaches agent 1 only.
    const seenByTwo: unknown[] = [];
    two.socket.onAny((event, payload) => seenByTwo.push({ event, payload }));
    const oneViews: AgentView[] = [];
    one.socket.on('agent:view', (v: AgentView) => oneViews.push(v));
    h.cc.humanSets('agent-1', { state: 'Idle', idleCodeId: codeId('Break'), origin: 'agent' });
    for (let i = 0; i < 50 && oneViews.length === 0; i++) await sleep(10);
    await sleep(50);
    expect(oneViews.at(-1)).toMatchObject({ agentId: 'agent-1', idleCodeName: 'Break' });
    expect(seenByTwo).toEqual([]);
  });

  it('a connector-wide change pushes each agent only its own view', async () => {
    const one = await openSocket(h.connector.url, h.keys.agent1);
    sockets.push(one.socket);
    const views: AgentView[] = [];
    const other: string[] = [];
    one.socket.on('agent:view', (v: AgentView) => views.push(v));
    one.socket.onAny((event) => event !== 'agent:view' && other.push(event));
    h.connector.app.gateway.connectorChanged();
    for (let i = 0; i < 50 && views.length === 0; i++) await sleep(10);
    await sleep(50);
    expect(views.length).toBeGreaterThan(0);
    expect(new Set(views.map((v) => v.agentId))).toEqual(new Set(['agent-1']));
    expect(other).toEqual([]);
  });

  it('agent:get and agent:pause act on the caller only; supervisor and admin events are refused', async () => {
    const one = await openSocket(h.connector.url, h.keys.agent1);
    sockets.push(one.socket);
    expect(await call(one.socket, 'agent:get')).toMatchObject({ ok: true, data: { agentId: 'agent-1' } });
    const smuggled = await call(one.socket, 'agent:pause', { minutes: 5, agentId: 'agent-2' });
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(h.connector.services.registry.agents.get('agent-2')!.pausedUntil ?? null).toBeNull();
    for (const event of ['supervisor:agents', 'admin:status']) {
      expect(await call(one.socket, event), event).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });
});
