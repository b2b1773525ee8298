import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api, byData, SocketClient } from './webex-socket-client.js';

let emu: WebexEmulator;
const control = (method: string, path: string, body?: unknown) => api(emu.url, null, method, `/_emulator${path}`, body);
const selfState = (agentId: string, state: 'Available' | 'Idle', auxCodeId = '0') =>
  api(emu.url, emu.agentToken(agentId), 'PUT', '/v1/agents/session/state', { state, auxCodeId, lastStateChangeReason: 'test' });
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 1, keepaliveTimeoutMs: 300, serverKeepaliveMs: 100 });
});
afterEach(async () => {
  await control('DELETE', '/faults');
});
afterAll(async () => {
  await emu.close();
});

describe('Webex CC emulator: who receives which frames', () => {
  it('delivers an agent’s frames to that agent’s socket only: a supervisor or administrator socket hears nothing about agents', async () => {
    const a = emu.agents()[0];
    const own = await SocketClient.open(emu.url, emu.agentToken(a.id), { clientType: 'Own' });
    const sup = await SocketClient.open(emu.url, emu.supervisorToken, { clientType: 'Sup' });
    const admin = await SocketClient.open(emu.url, emu.integrationToken, { clientType: 'Admin' });
    expect(sup.frames[0]).toMatchObject({ type: 'Welcome', data: { agentId: emu.staff().find((u) => u.name === 'Sam Supervisor')!.id } });
    await api(emu.url, emu.supervisorToken, 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: code('Break'), agentId: a.id });
    await own.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('Break')));
    await selfState(a.id, 'Available');
    await own.next(byData('AgentStateChangeSuccess', (d) => d.subStatus === 'Available'));
    await sleep(50);
    expect(sup.events().filter((f) => f.type !== 'Welcome')).toEqual([]);
    expect(admin.events().filter((f) => f.type !== 'Welcome')).toEqual([]);
    for (const s of [own, sup, admin]) s.close();
  });

  it('delivers every agent’s frames to a supervisor socket only with the orgWideSocket invention', async () => {
    const wide = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 1, inventions: { orgWideSocket: true } });
    try {
      const sup = await SocketClient.open(wide.url, wide.supervisorToken);
      const a = wide.agents()[4];
      await api(wide.url, wide.agentToken(a.id), 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: wide.idleCodes().find((c) => c.name === 'Lunch')!.id });
      expect((await sup.next(byData('AgentStateChangeSuccess'))).data.agentId).toBe(a.id);
      sup.close();
    } finally {
      await wide.close();
    }
  });
});

describe('Webex CC emulator: socket rules and faults', () => {
  it('sends its own {"keepalive":"true"} frames, and drops a keepalive-enabled socket that stays silent', async () => {
    const a = emu.agents()[1];
    const silent = await SocketClient.open(emu.url, emu.agentToken(a.id), { isKeepAliveEnabled: true, clientType: 'Silent', allowMultiLogin: true });
    const chatty = await SocketClient.open(emu.url, emu.agentToken(a.id), { isKeepAliveEnabled: true, clientType: 'Chatty', allowMultiLogin: true });
    const timer = setInterval(() => chatty.ws.send(JSON.stringify({ keepalive: 'true' })), 60);
    expect(await silent.whenClosed(2000)).toBe(4001);
    await sleep(300);
    clearInterval(timer);
    expect(chatty.closed).toBe(false);
    expect(chatty.frames.filter((f) => (f as unknown as { keepalive?: string }).keepalive === 'true').length).toBeGreaterThanOrEqual(2);
    chatty.close();
  });

  it('answers injected 5xx and 429 with Retry-After on the REST API but not on the control surface', async () => {
    await control('POST', '/faults', { failNext: 2, status: 503 });
    const path = `/organization/${emu.orgId}/auxiliary-code`;
    expect((await api(emu.url, emu.integrationToken, 'GET', path)).status).toBe(503);
    expect((await api(emu.url, null, 'GET', '/_emulator/stats')).status).toBe(200);
    expect((await api(emu.url, emu.integrationToken, 'GET', path)).status).toBe(503);
    expect((await api(emu.url, emu.integrationToken, 'GET', path)).status).toBe(200);
    await control('POST', '/faults', { rateLimitNext: 1, retryAfterSec: 2 });
    const limited = await api(emu.url, emu.integrationToken, 'GET', path);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    const bad = await control('POST', '/faults', { failRate: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('failRate');
  });

  it('drops frames when told, closes sockets on demand and refuses new ones', async () => {
    const a = emu.agents()[7];
    const sock = await SocketClient.open(emu.url, emu.agentToken(a.id), { clientType: 'Faults' });
    await control('POST', '/faults', { dropEvents: 1 });
    await selfState(a.id, 'Idle', code('Training'));
    await sleep(100);
    expect(sock.events().some((f) => f.data?.auxCodeId === code('Training'))).toBe(false);
    await control('DELETE', '/faults');
    await selfState(a.id, 'Available');
    await sock.next(byData('AgentStateChangeSuccess', (d) => d.subStatus === 'Available'));
    const closed = await control('POST', '/faults', { closeSockets: true, refuseSockets: true });
    expect(closed.json.closedSockets).toBeGreaterThanOrEqual(1);
    await sock.whenClosed();
    await expect(SocketClient.open(emu.url, emu.agentToken(a.id))).rejects.toThrow();
    await control('DELETE', '/faults');
    const back = await SocketClient.open(emu.url, emu.agentToken(a.id), { clientType: 'Faults' });
    await selfState(a.id, 'Idle', code('Lunch'));
    await back.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('Lunch')));
    back.close();
    const stats = (await api(emu.url, null, 'GET', '/_emulator/stats')).json;
    expect(stats.framesDropped).toBeGreaterThanOrEqual(1);
    expect(stats.socketsRefused).toBeGreaterThanOrEqual(1);
    expect(stats.keepalivesSent).toBeGreaterThanOrEqual(1);
    expect(stats.requests['PUT /v1/agents/session/state']['202']).toBeGreaterThanOrEqual(3);
  });

  it('delivers a reordered frame after a later one', async () => {
    const a = emu.agents()[6];
    const sock = await SocketClient.open(emu.url, emu.agentToken(a.id), { clientType: 'Reorder' });
    await control('POST', '/faults', { reorderEvents: 1, reorderDelayMs: 150 });
    await selfState(a.id, 'Idle', code('Lunch'));
    await sleep(20);
    await control('DELETE', '/faults');
    await selfState(a.id, 'Available');
    const held = await sock.next(byData('AgentStateChangeSuccess', (d) => d.subStatus === 'Idle'));
    const later = await sock.next(byData('AgentStateChangeSuccess', (d) => d.subStatus === 'Available'));
    expect(sock.frames.indexOf(later)).toBeLessThan(sock.frames.indexOf(held));
    sock.close();
  });

  it('closes every older socket of the user and clientType without allowMultiLogin, keeps them with it', async () => {
    const a = emu.agents()[5];
    const t = emu.agentToken(a.id);
    const first = await SocketClient.open(emu.url, t);
    const second = await SocketClient.open(emu.url, t);
    const evicted = await first.next((f) => f.type === 'AGENT_MULTI_LOGIN');
    expect(evicted.data.type).toBe('AgentMultiLoginCloseSession');
    await first.whenClosed();
    const third = await SocketClient.open(emu.url, t, { allowMultiLogin: true });
    await sleep(50);
    expect(second.closed).toBe(false);
    second.close();
    third.close();
  });

  it('bulk-changes many agents at once for benchmarks', async () => {
    const a = emu.agents()[2];
    const sock = await SocketClient.open(emu.url, emu.agentToken(a.id), { clientType: 'Bulk' });
    const res = await control('POST', '/agents/bulk-state', { state: 'Idle', idleCodeId: code('Offline'), by: 'supervisor' });
    expect(res.status).toBe(200);
    expect(res.json.changed).toBeGreaterThanOrEqual(6);
    const f = await sock.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('Offline')));
    expect(f.data.changedBy).toBeNull();
    sock.close();
  });
});
