import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';

/** Request logs: one line per request, one `component` key per line, never a credential or a query string. */
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  },
});
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logger: createLogger('debug', sink) });
});
afterAll(async () => {
  await h.connector.close();
});

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('request logs', () => {
  it('log method, path, status and role for each request, without keys, tokens or query strings', async () => {
    const secretQuery = 'token-in-query-0123456789';
    await h.api(`/api/audit?limit=5&agentId=${secretQuery}`, { key: h.keys.supervisor });
    await h.api('/api/profiles', { key: 'tpc_wrong_key_in_header_0123456789' });
    await h.api('/api/me/pause', { method: 'POST', key: h.keys.agent1, body: { minutes: 5 } });
    await fetch(`${h.connector.url}/readyz`);
    await settle();
    const http = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.component === 'http');
    const byPath = (p: string) => http.find((l) => l.path === p);
    expect(byPath('/api/audit')).toMatchObject({ req: { method: 'GET' }, path: '/api/audit', res: { status: 200 }, role: 'supervisor' });
    expect(byPath('/api/profiles')).toMatchObject({ res: { status: 401 }, role: null });
    expect(byPath('/api/me/pause')).toMatchObject({ req: { method: 'POST' }, res: { status: 200 }, role: 'agent' });
    expect(http.some((l) => typeof l.responseTime === 'number')).toBe(true);
    expect(byPath('/readyz')).toBeUndefined();
    const all = lines.join('\n');
    for (const secret of [h.keys.supervisor, h.keys.agent1, h.keys.admin, 'tpc_wrong_key_in_header_0123456789', secretQuery, 'Bearer']) expect(all).not.toContain(secret);
  });

  it('every line has at most one component key, even from nested component loggers', async () => {
    const nested: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c: Buffer, _e, cb) => (nested.push(c.toString('utf8')), cb()) }));
    logger.child({ component: 'graph' }).child({ component: 'graph-poll', batch: 3 }).child({ cycle: 1 }).info('read');
    await settle();
    expect(JSON.parse(nested[0]!)).toMatchObject({ component: 'graph-poll', batch: 3, cycle: 1 });
    for (const line of [...nested, ...lines]) expect(line.match(/"component":/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
  });
});
