import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { call, openSocket, sleep, type ClientSocket } from '../security/security-helpers.js';
import { junkWhere, polluted, rng, storedState } from './garbage.js';

/** Junk socket payloads and acks: a named `invalid` ack, or silence for calls without an ack; never a crash. */
let h: Harness;
let before: string;
let agent: ClientSocket;
let sup: ClientSocket;
beforeAll(async () => {
  h = await startHarness();
  before = await storedState(h);
  agent = (await openSocket(h.connector.url, h.keys.agent1)).socket;
  sup = (await openSocket(h.connector.url, h.keys.supervisor)).socket;
});
afterAll(async () => {
  agent.disconnect();
  sup.disconnect();
  await h.connector.close();
});

const PAYLOADS: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['number', 5],
  ['string', '5'],
  ['array', [{ minutes: 5, query: 'Sam' }]],
  ['empty object', {}],
  ['unknown field', { minutes: 5, query: 'Sam', extra: true }],
  ['proto key', JSON.parse('{"__proto__": {"polluted": true}, "minutes": 5, "query": "Sam"}')],
  ['nested junk', { minutes: { $gt: 0 }, query: { $regex: '.*' } }],
];

describe('agent:pause and directory:search with junk payloads', () => {
  it.each(PAYLOADS)('agent:pause with %s → invalid ack', async (_name, body) => {
    const ack = await call(agent, 'agent:pause', body);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringMatching(/pause body/) } });
  });

  it.each(PAYLOADS)('directory:search with %s → invalid ack', async (_name, body) => {
    const ack = await call(sup, 'directory:search', body);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringMatching(/search body/) } });
  });

  it.each(Array.from({ length: 20 }, (_, seed) => seed))('agent:pause minutes mutated (seed %i) → invalid naming minutes', async (seed) => {
    const minutes = junkWhere(rng(seed + 101), (v) => !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 480));
    const ack = await call(agent, 'agent:pause', { minutes });
    expect(ack, JSON.stringify(minutes)?.slice(0, 60)).toMatchObject({ ok: false, error: { code: 'invalid', field: 'minutes' } });
  });

  it.each(Array.from({ length: 20 }, (_, seed) => seed))('directory:search query mutated (seed %i) → invalid naming query', async (seed) => {
    const query = junkWhere(rng(seed + 202), (v) => typeof v !== 'string' || v.trim().length < 2 || v.trim().length > 100);
    const ack = await call(sup, 'directory:search', { query });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid', field: 'query' } });
  });
});

describe('missing or malformed acks', () => {
  it.each([
    ['agent:pause', [{ minutes: 5 }]],
    ['agent:pause', [{ minutes: 5 }, 'not a function']],
    ['agent:pause', [{ minutes: 5 }, { ack: true }]],
    ['agent:get', [{ not: 'an ack' }]],
    ['agent:get', []],
    ['agent:resume', [42]],
    ['directory:search', [{ query: 'Sam' }]],
    ['supervisor:agents', ['x']],
    ['admin:status', [null]],
    ['no:such:event', [{ a: 1 }]],
  ])('%s with %j is ignored and changes nothing', async (event, args) => {
    const socket = event === 'agent:pause' || event.startsWith('agent') ? agent : sup;
    socket.emit(event, ...(args as unknown[]));
    await sleep(20);
    expect(socket.connected).toBe(true);
    expect(h.connector.services.registry.agents.get('agent-1')!.pausedUntil ?? null).toBeNull();
  });

  it('an ack passed where the payload belongs is not called as an ack, and nothing changes', async () => {
    expect(await call(agent, 'agent:pause')).toBe('no-ack');
    expect(h.connector.services.registry.agents.get('agent-1')!.pausedUntil ?? null).toBeNull();
  });

  it('a flood of junk events leaves the server answering and the data unchanged', async () => {
    const r = rng(7);
    for (let i = 0; i < 200; i++) agent.emit(i % 2 ? 'agent:pause' : 'directory:search', junkWhere(r, () => true), i % 3 ? () => undefined : 'x');
    expect(await call(agent, 'agent:get')).toMatchObject({ ok: true, data: { agentId: 'agent-1' } });
    expect((await fetch(`${h.connector.url}/healthz`)).status).toBe(200);
    expect(await storedState(h)).toBe(before);
    expect(polluted()).toBe(false);
  });
});
