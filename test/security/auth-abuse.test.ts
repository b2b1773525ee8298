import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { openSocket, type ClientSocket } from './security-helpers.js';

/**
 * Abuse controls: wrong credentials from one address are answered with 401 up to the limit, then refused with 429
 * and Retry-After without any check (no People API call per wrong token), with one log line per source per window
 * that never holds a credential; sockets that never authenticate are capped in number and in lifetime.
 */
let h: Harness;
let logs = '';
const sockets: ClientSocket[] = [];
let verifications = 0;
const LIMIT = 5;
beforeAll(async () => {
  const logger = createLogger('info', new Writable({ write: (chunk, _e, cb) => ((logs += String(chunk)), cb()) }));
  h = await startHarness({
    logger,
    overrides: { 'security.authFailureLimit': LIMIT, 'security.authFailureWindowMs': 60_000, 'security.maxPendingSockets': 3, 'security.pendingSocketTimeoutMs': 400 },
  });
  const verify = h.cc.verifyAgentToken.bind(h.cc);
  h.cc.verifyAgentToken = (token: string) => {
    verifications += 1;
    return verify(token);
  };
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h.connector.close();
});

describe('failed authentication per source', () => {
  it('answers 401 up to the limit, then 429 with Retry-After without checking, even a valid key; one log line without secrets', async () => {
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${h.connector.url}/api/me`, { headers: { authorization: `Bearer wrong-token-${i}-secretish` } });
      statuses.push(res.status);
      retryAfter.push(res.headers.get('retry-after'));
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses.slice(LIMIT)).toEqual(Array(40 - LIMIT).fill(429));
    expect(Number(retryAfter[LIMIT])).toBeGreaterThan(0);
    // The contact center's identity API was asked once per refused token before the lockout, never after.
    expect(verifications).toBe(LIMIT);
    // A socket from the same address is refused too, without a check.
    const s = await openSocket(h.connector.url, 'wrong-socket-token');
    sockets.push(s.socket);
    expect(s.error).toMatch(/unauthenticated/);
    expect(verifications).toBe(LIMIT);
    expect((await h.api('/api/admin/status')).status).toBe(429);

    const lines = logs.split('\n').filter((l) => l.includes('authentication failed from this source'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ source: expect.stringMatching(/127\.0\.0\.1/), limit: LIMIT });
    expect(logs).not.toContain('secretish');
    expect(logs).not.toContain(h.keys.admin);
  });
});

describe('unauthenticated sockets', () => {
  const raw = (): Promise<{ ws: WebSocket; opened: boolean }> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`${h.connector.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      ws.once('open', () => resolve({ ws, opened: true }));
      ws.once('error', () => resolve({ ws, opened: false }));
      ws.once('unexpected-response', () => resolve({ ws, opened: false }));
    });

  it('at most the configured number wait to authenticate at once, and each is closed after the pending lifetime', async () => {
    const first = await Promise.all([raw(), raw(), raw()]);
    expect(first.map((c) => c.opened)).toEqual([true, true, true]);
    const fourth = await raw();
    expect(fourth.opened).toBe(false);
    // Never sending the namespace connect packet: closed by the server after the pending lifetime.
    await Promise.all(first.map((c) => new Promise<void>((resolve) => (c.ws.readyState === WebSocket.CLOSED ? resolve() : c.ws.once('close', () => resolve())))));
    const later = await raw();
    expect(later.opened).toBe(true);
    later.ws.close();
  });
});
