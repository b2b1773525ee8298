import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api, byData, SocketClient } from './webex-socket-client.js';

let emu: WebexEmulator;
let receiver: http.Server;
let receiverUrl: string;
const received: { body: string; signature: string }[] = [];
const control = (method: string, path: string, body?: unknown) => api(emu.url, null, method, `/_emulator${path}`, body);
const setState = (agentId: string, state: 'Available' | 'Idle', auxCodeId = '0') =>
  api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', { state, auxCodeId, agentId, lastStateChangeReason: 'test' });
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;

async function until<T>(fn: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 1, keepaliveTimeoutMs: 300 });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString(), signature: String(req.headers['x-webex-signature']) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/wxcc`;
});
afterEach(async () => {
  await control('DELETE', '/faults');
});
afterAll(async () => {
  await emu.close();
  await new Promise((r) => receiver.close(r));
});

describe('Webex CC emulator: webhooks', () => {
  it('creates a subscription, signs each delivery with HMAC-SHA256 of the raw body, and delivers duplicates when told', async () => {
    const bad = await api(emu.url, emu.integrationToken, 'POST', '/v1/subscriptions', { name: 'x', eventTypes: ['agent:state_change'], destinationUrl: 'https://example.com/hook' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('destinationUrl');
    const created = await api(emu.url, emu.integrationToken, 'POST', '/v1/subscriptions', {
      name: 'presence-connector',
      eventTypes: ['agent:state_change', 'agent:login', 'agent:logout'],
      destinationUrl: receiverUrl,
      secret: 's3cret',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'presence-connector', status: 'active', destinationUrl: receiverUrl });
    expect(created.json.secret).toBeUndefined();
    expect((await api(emu.url, emu.integrationToken, 'GET', `/v1/subscriptions/${created.json.id}`)).json.id).toBe(created.json.id);

    const a = emu.agents()[0];
    await setState(a.id, 'Idle', code('Busy'));
    const first = await until(() => received.find((r) => JSON.parse(r.body).data.agentId === a.id));
    expect(first.signature).toBe(createHmac('sha256', 's3cret').update(first.body).digest('hex'));
    const event = JSON.parse(first.body);
    expect(event).toMatchObject({ specVersion: '1.0', type: 'agent:state_change', source: 'wxcc', orgId: emu.orgId });
    expect(event.data).toMatchObject({ agentId: a.id, currentState: 'idle', idleCode: code('Busy'), idleCodeName: 'Busy', teamId: a.teamId, changedBy: 'INTEGRATION' });

    await control('POST', '/faults', { duplicateEvents: 1 });
    const b = emu.agents()[1];
    await setState(b.id, 'Idle', code('Away'));
    const copies = await until(() => {
      const hits = received.filter((r) => JSON.parse(r.body).data.agentId === b.id);
      return hits.length >= 2 ? hits : undefined;
    });
    expect(JSON.parse(copies[0].body).id).toBe(JSON.parse(copies[1].body).id);
    const stats = await api(emu.url, null, 'GET', '/_emulator/stats');
    expect(stats.json.webhooksDuplicated).toBeGreaterThanOrEqual(1);

    expect((await api(emu.url, emu.integrationToken, 'DELETE', `/v1/subscriptions/${created.json.id}`)).status).toBe(204);
    expect((await api(emu.url, emu.integrationToken, 'GET', `/v1/subscriptions/${created.json.id}`)).status).toBe(404);
  });
});

describe('Webex CC emulator: activities for reconciliation', () => {
  it('lists every state period with who changed it; the open one has endTime -1', async () => {
    const from = Date.now() - 1000;
    const a = emu.agents()[2];
    const sock = await SocketClient.open(emu.url, emu.integrationToken);
    const r1 = await setState(a.id, 'Idle', code('Do Not Disturb'));
    await sock.next((f) => f.trackingId === r1.headers.get('trackingid'));
    await control('POST', `/agents/${a.id}/state`, { state: 'Available', by: 'supervisor' });
    const res = await api(emu.url, emu.integrationToken, 'GET', `/v1/agents/activities?from=${from}&agentIds=${a.id}&pageSize=1000`);
    expect(res.status).toBe(200);
    expect(res.json.meta.orgId).toBe(emu.orgId);
    const rows = res.json.data;
    expect(rows.map((r: any) => r.currentState)).toEqual(['available', 'idle', 'available']);
    expect(rows[1]).toMatchObject({ idleCodeName: 'Do Not Disturb', idleCode: code('Do Not Disturb'), reason: 'test', changedBy: 'INTEGRATION', agentName: a.name, teamName: a.teamName });
    expect(rows[1].endTime).toBe(rows[2].startTime);
    expect(rows[2]).toMatchObject({ endTime: -1, active: true, changedBy: 'SUPERVISOR' });
    const team = await api(emu.url, emu.supervisorToken, 'GET', `/v1/agents/activities?from=${from}&teamIds=${a.teamId}&pageSize=2&page=0`);
    expect(team.json.data).toHaveLength(2);
    expect(team.json.data.every((r: any) => r.teamId === a.teamId)).toBe(true);
    sock.close();
  });
});

describe('Webex CC emulator: socket rules and faults', () => {
  it('drops a keepalive-enabled socket that stays silent, keeps one that sends keepalives', async () => {
    const silent = await SocketClient.open(emu.url, emu.integrationToken, { isKeepAliveEnabled: true, clientType: 'Silent' });
    const chatty = await SocketClient.open(emu.url, emu.integrationToken, { isKeepAliveEnabled: true, clientType: 'Chatty' });
    const timer = setInterval(() => chatty.ws.send(JSON.stringify({ keepalive: 'true' })), 60);
    expect(await silent.whenClosed(2000)).toBe(4001);
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(timer);
    expect(chatty.closed).toBe(false);
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
    const sock = await SocketClient.open(emu.url, emu.integrationToken, { clientType: 'Faults' });
    const a = emu.agents()[7];
    await control('POST', '/faults', { dropEvents: 1 });
    const lost = await setState(a.id, 'Idle', code('Training'));
    await new Promise((r) => setTimeout(r, 100));
    expect(sock.frames.some((f) => f.trackingId === lost.headers.get('trackingid'))).toBe(false);
    await control('DELETE', '/faults');
    const seen = await setState(a.id, 'Available');
    await sock.next((f) => f.trackingId === seen.headers.get('trackingid'));

    const closed = await control('POST', '/faults', { closeSockets: true, refuseSockets: true });
    expect(closed.json.closedSockets).toBeGreaterThanOrEqual(1);
    await sock.whenClosed();
    await expect(SocketClient.open(emu.url, emu.integrationToken)).rejects.toThrow();
    await control('DELETE', '/faults');
    const back = await SocketClient.open(emu.url, emu.integrationToken, { clientType: 'Faults' });
    const r = await setState(a.id, 'Idle', code('Break'));
    expect((await back.next((f) => f.trackingId === r.headers.get('trackingid'))).data.type).toBe('AgentStateChangeSuccess');
    back.close();
    const stats = (await api(emu.url, null, 'GET', '/_emulator/stats')).json;
    expect(stats.framesDropped).toBeGreaterThanOrEqual(1);
    expect(stats.socketsRefused).toBeGreaterThanOrEqual(1);
    expect(stats.requests['PUT /v1/agents/session/state']['202']).toBeGreaterThanOrEqual(3);
  });

  it('delivers a reordered frame after a later one', async () => {
    const sock = await SocketClient.open(emu.url, emu.integrationToken, { clientType: 'Reorder' });
    const a = emu.agents()[6];
    await control('POST', '/faults', { reorderEvents: 1, reorderDelayMs: 150 });
    const held = await setState(a.id, 'Idle', code('Lunch'));
    await new Promise((r) => setTimeout(r, 20));
    await control('DELETE', '/faults');
    const later = await setState(a.id, 'Available');
    const heldFrame = await sock.next((f) => f.trackingId === held.headers.get('trackingid'));
    const laterFrame = await sock.next((f) => f.trackingId === later.headers.get('trackingid'));
    expect(sock.frames.indexOf(laterFrame)).toBeLessThan(sock.frames.indexOf(heldFrame));
    expect(heldFrame.data.lastStateChangeTimestamp).toBeLessThanOrEqual(laterFrame.data.lastStateChangeTimestamp);
    sock.close();
  });

  it('closes the older socket of the same user and clientType unless multi-login is allowed', async () => {
    const a = emu.agents()[5];
    const t = emu.agentToken(a.id);
    const first = await SocketClient.open(emu.url, t);
    const second = await SocketClient.open(emu.url, t);
    const evicted = await first.next((f) => f.type === 'AGENT_MULTI_LOGIN');
    expect(evicted.data.type).toBe('AgentMultiLoginCloseSession');
    await first.whenClosed();
    const third = await SocketClient.open(emu.url, t, { allowMultiLogin: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(second.closed).toBe(false);
    second.close();
    third.close();
  });

  it('bulk-changes many agents at once for benchmarks', async () => {
    const sock = await SocketClient.open(emu.url, emu.integrationToken, { clientType: 'Bulk' });
    const res = await control('POST', '/agents/bulk-state', { state: 'Idle', idleCodeId: code('Offline'), by: 'supervisor' });
    expect(res.status).toBe(200);
    expect(res.json.changed).toBeGreaterThanOrEqual(6);
    await sock.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('Offline') && d.changedBy === 'SUPERVISOR'));
    sock.close();
  });
});
