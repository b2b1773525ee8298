import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api } from './webex-socket-client.js';

const SECRET = 'a-webhook-secret-of-32-characters!';
let strict: WebexEmulator;
let lax: WebexEmulator;
let receiver: http.Server;
let receiverUrl: string;
const received: { body: string; signature: string }[] = [];
const valid = (over: Record<string, unknown> = {}) => ({ name: 'presence-connector', eventTypes: ['agent:state_change'], destinationUrl: 'https://hooks.contoso.example/wxcc', secret: SECRET, ...over });
const code = (emu: WebexEmulator, name: string) => emu.idleCodes().find((c) => c.name === name)!.id;
const byAgentChange = (emu: WebexEmulator, agentId: string, state: 'Available' | 'Idle', idleCodeId?: string) => api(emu.url, null, 'POST', `/_emulator/agents/${agentId}/state`, { state, idleCodeId });
const eventsFor = (agentId: string) => received.map((r) => ({ ...r, event: JSON.parse(r.body) })).filter((r) => r.event.data.agentId === agentId);

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
  strict = await startWebexEmulator({ quiet: true, maxSubscriptions: 3 });
  lax = await startWebexEmulator({ quiet: true, inventions: { loopbackWebhooks: true } });
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
  await api(lax.url, null, 'DELETE', '/_emulator/faults');
});
afterAll(async () => {
  await strict.close();
  await lax.close();
  await new Promise((r) => receiver.close(r));
});

describe('Subscriptions API', () => {
  it.each([
    [{ name: 'abc' }, 'name'],
    [{ name: 'x'.repeat(65) }, 'name'],
    [{ secret: 'x'.repeat(31) }, 'secret'],
    [{ secret: 'x'.repeat(257) }, 'secret'],
    [{ eventTypes: [] }, 'eventTypes'],
    [{ eventTypes: Array.from({ length: 33 }, () => 'agent:login') }, 'eventTypes'],
    [{ eventTypes: ['agent:teleported'] }, 'eventTypes'],
    [{ destinationUrl: 'http://hooks.contoso.example/wxcc' }, 'destinationUrl'],
    [{ destinationUrl: 'https://hooks.contoso.example:8443/wxcc' }, 'destinationUrl'],
    [{ destinationUrl: 'https://hooks.contoso.example/' }, 'destinationUrl'],
    [{ destinationUrl: 'http://127.0.0.1:9/hook' }, 'destinationUrl'],
  ])('answers 400 naming the field for %j', async (over, field) => {
    const res = await api(strict.url, strict.integrationToken, 'POST', '/v1/subscriptions', valid(over));
    expect(res.status).toBe(400);
    expect(res.json.error.field).toBe(field);
  });

  it('creates, lists, updates and deletes subscriptions in {meta, data} envelopes, never echoing the secret, up to the org cap', async () => {
    const created = await api(strict.url, strict.integrationToken, 'POST', '/v1/subscriptions', valid());
    expect(created.status).toBe(201);
    expect(created.json.meta.orgId).toBe(strict.orgId);
    expect(created.json.data).toMatchObject({ name: 'presence-connector', status: 'active', eventTypes: ['agent:state_change'] });
    expect(created.json.data.secret).toBeUndefined();
    const id = created.json.data.id;
    const patched = await api(strict.url, strict.integrationToken, 'PATCH', `/v1/subscriptions/${id}`, { eventTypes: ['agent:login', 'agent:logout'], status: 'inactive' });
    expect(patched.json.data).toMatchObject({ id, eventTypes: ['agent:login', 'agent:logout'], status: 'inactive', name: 'presence-connector' });
    expect((await api(strict.url, strict.integrationToken, 'PATCH', `/v1/subscriptions/${id}`, { secret: 'short' })).json.error.field).toBe('secret');
    expect((await api(strict.url, strict.integrationToken, 'GET', '/v1/subscriptions')).json.data.map((s: any) => s.id)).toEqual([id]);
    for (const n of [2, 3]) expect((await api(strict.url, strict.integrationToken, 'POST', '/v1/subscriptions', valid({ name: `hook-${n}` }))).status).toBe(201);
    const over = await api(strict.url, strict.integrationToken, 'POST', '/v1/subscriptions', valid({ name: 'hook-4' }));
    expect(over.status).toBe(400);
    expect(over.json.error.message[0].description).toContain('maximum of 3');
    expect((await api(strict.url, strict.integrationToken, 'DELETE', `/v1/subscriptions/${id}`)).status).toBe(204);
    expect((await api(strict.url, strict.integrationToken, 'GET', `/v1/subscriptions/${id}`)).status).toBe(404);
    expect((await api(strict.url, strict.integrationToken, 'POST', '/v1/subscriptions', valid({ name: 'hook-4' }))).status).toBe(201);
    const types = await api(strict.url, strict.integrationToken, 'GET', '/v1/event-types');
    expect(types.json.data.map((t: any) => t.name)).toEqual(expect.arrayContaining(['agent:login', 'agent:logout', 'agent:state_change', 'task:new', 'task:ended']));
  });

  it('accepts a loopback destination and a short secret only with the loopbackWebhooks and shortWebhookSecret inventions', async () => {
    expect((await api(lax.url, lax.integrationToken, 'POST', '/v1/subscriptions', valid({ destinationUrl: receiverUrl, secret: 'short' }))).json.error.field).toBe('secret');
    const both = await startWebexEmulator({ quiet: true, inventions: { loopbackWebhooks: true, shortWebhookSecret: true } });
    try {
      expect((await api(both.url, both.integrationToken, 'POST', '/v1/subscriptions', valid({ destinationUrl: receiverUrl, secret: 'short' }))).status).toBe(201);
    } finally {
      await both.close();
    }
  });
});

describe('Webhook delivery', () => {
  let subId = '';
  beforeAll(async () => {
    const res = await api(lax.url, lax.integrationToken, 'POST', '/v1/subscriptions', valid({ destinationUrl: receiverUrl, eventTypes: ['agent:state_change', 'agent:login', 'agent:logout', 'task:new'] }));
    subId = res.json.data.id;
  });

  it('signs a CloudEvents-style envelope and sends only the sparse documented fields', async () => {
    const a = lax.agents()[0];
    await byAgentChange(lax, a.id, 'Idle', code(lax, 'Busy'));
    const hit = await until(() => eventsFor(a.id)[0]);
    expect(hit.signature).toBe(createHmac('sha256', SECRET).update(hit.body).digest('hex'));
    expect(hit.event).toMatchObject({ specversion: '1.0', type: 'agent:state_change', source: 'wxcc', datacontenttype: 'application/json', orgid: lax.orgId });
    expect(typeof hit.event.id).toBe('string');
    expect(Object.keys(hit.event.data).sort()).toEqual(['agentId', 'createdTime', 'currentState', 'destination', 'origin', 'queueId', 'taskId', 'teamId']);
    expect(hit.event.data).toMatchObject({ agentId: a.id, currentState: 'idle', teamId: a.teamId });
  });

  it('adds idle code, reason and changedBy only with the richWebhooks invention', async () => {
    const rich = await startWebexEmulator({ quiet: true, inventions: { loopbackWebhooks: true, richWebhooks: true } });
    try {
      await api(rich.url, rich.integrationToken, 'POST', '/v1/subscriptions', valid({ destinationUrl: receiverUrl }));
      const a = rich.agents()[7];
      await api(rich.url, null, 'POST', `/_emulator/agents/${a.id}/state`, { state: 'Idle', idleCodeId: code(rich, 'Away'), reason: 'stepping out' });
      const hit = await until(() => received.map((r) => JSON.parse(r.body)).find((e) => e.orgid === rich.orgId && e.data.agentId === a.id && e.data.idleCode));
      expect(hit.data).toMatchObject({ idleCode: code(rich, 'Away'), idleCodeName: 'Away', reason: 'stepping out', changedBy: 'AGENT', changedById: a.id });
    } finally {
      await rich.close();
    }
  });

  it('delivers at least once: duplicates keep the envelope id, drops lose the event, reordering delivers late', async () => {
    const [, b, c, d] = lax.agents();
    await api(lax.url, null, 'POST', '/_emulator/faults', { duplicateEvents: 1 });
    await byAgentChange(lax, b.id, 'Idle', code(lax, 'Away'));
    const copies = await until(() => (eventsFor(b.id).length >= 2 ? eventsFor(b.id) : undefined));
    expect(copies[0].event.id).toBe(copies[1].event.id);
    await api(lax.url, null, 'POST', '/_emulator/faults', { duplicateEvents: 0, dropEvents: 1 });
    await byAgentChange(lax, c.id, 'Idle', code(lax, 'Away'));
    await api(lax.url, null, 'POST', '/_emulator/faults', { dropEvents: 0, reorderEvents: 1, reorderDelayMs: 150 });
    await byAgentChange(lax, d.id, 'Idle', code(lax, 'Lunch'));
    await api(lax.url, null, 'POST', '/_emulator/faults', { reorderEvents: 0 });
    await byAgentChange(lax, d.id, 'Available');
    const both = await until(() => (eventsFor(d.id).length >= 2 ? eventsFor(d.id) : undefined));
    expect(both.map((h) => h.event.data.currentState)).toEqual(['available', 'idle']);
    expect(eventsFor(c.id)).toHaveLength(0);
    const stats = (await api(lax.url, null, 'GET', '/_emulator/stats')).json;
    expect(stats).toMatchObject({ webhooksDuplicated: 1, webhooksDropped: 1, webhooksDelayed: 1 });
  });

  it('starts with delivery faults given as an option, restored by DELETE /_emulator/faults, and refuses a bad one', async () => {
    const lossy = await startWebexEmulator({ quiet: true, inventions: { loopbackWebhooks: true }, faults: { dropEvents: 1 } });
    try {
      await api(lossy.url, lossy.integrationToken, 'POST', '/v1/subscriptions', valid({ destinationUrl: receiverUrl }));
      await api(lossy.url, null, 'DELETE', '/_emulator/faults');
      expect((await api(lossy.url, null, 'GET', '/_emulator/faults')).json.dropEvents).toBe(1);
      await api(lossy.url, null, 'POST', `/_emulator/agents/${lossy.agents()[6].id}/state`, { state: 'Idle' });
      await new Promise((r) => setTimeout(r, 100));
      expect((await api(lossy.url, null, 'GET', '/_emulator/stats')).json).toMatchObject({ webhooksDropped: 1, webhooksDelivered: 0 });
    } finally {
      await lossy.close();
    }
    await expect(startWebexEmulator({ quiet: true, faults: { dropEvents: 2 } })).rejects.toThrow('faults.dropEvents');
  });

  it('sends login, logout and task events to a subscription that asked for them, and nothing after it is deleted', async () => {
    const a = lax.agents()[5];
    await api(lax.url, null, 'POST', `/_emulator/agents/${a.id}/offer`, {});
    await until(() => eventsFor(a.id).find((h) => h.event.type === 'task:new'));
    await api(lax.url, null, 'POST', `/_emulator/agents/${a.id}/logout`, {});
    await until(() => eventsFor(a.id).find((h) => h.event.type === 'agent:logout'));
    expect((await api(lax.url, lax.integrationToken, 'DELETE', `/v1/subscriptions/${subId}`)).status).toBe(204);
    const before = received.length;
    await api(lax.url, null, 'POST', `/_emulator/agents/${a.id}/login`, { state: 'Available' });
    await new Promise((r) => setTimeout(r, 100));
    expect(received.length).toBe(before);
  });
});
