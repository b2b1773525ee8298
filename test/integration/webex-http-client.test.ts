import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.js';
import { silentLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';
import { WebexHttpClient, type WebexHttpOptions } from '../../server/contact-center/webex/webex-http-client.js';
import { staticToken } from '../../server/contact-center/webex/webex-token-source.js';

/**
 * The contact-center HTTP client on the wire, against a real HTTP server on loopback: what it sends (path,
 * query, headers, body), how it reads answers, its timeout, 429 handling, connection reuse and closing.
 */

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let port: number;
let handler: Handler;
let seen: Seen[];
let connections: number;
const open = new Set<Socket>();
const clients: WebexHttpClient[] = [];

beforeEach(async () => {
  seen = [];
  connections = 0;
  handler = (_req, res) => res.end();
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  // Long enough that only the client closes an idle connection during a test.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    connections++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(over: Partial<WebexHttpOptions> = {}): WebexHttpClient {
  const c = new WebexHttpClient({ baseUrl: `http://127.0.0.1:${port}/base/`, tokens: staticToken('tok-1'), clock: systemClock, logger: silentLogger, retries: 0, ...over });
  clients.push(c);
  return c;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

async function until(what: string, probe: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WebexHttpClient on the wire', () => {
  it('puts the base path before the request path and builds the query string as before, skipping undefined', async () => {
    const http = client();
    await http.request('read', {
      method: 'GET',
      path: '/v1/agents/activities',
      params: { orgId: 'org 1', agentIds: 'a1,a2', filter: 'ciUserId=="u:1"', page: 0, deep: true, from: undefined },
    });
    await http.request('read bare', { method: 'GET', path: 'v1/x' });
    expect(seen.map((s) => s.url)).toEqual([
      '/base/v1/agents/activities?orgId=org+1&agentIds=a1,a2&filter=ciUserId%3D%3D%22u:1%22&page=0&deep=true',
      '/base/v1/x',
    ]);
  });

  it('sends a JSON body with its content type, the bearer token, accept and the caller’s headers', async () => {
    const http = client();
    await http.request('set agent state', { method: 'PUT', path: '/v1/agents/session/state', headers: { TrackingId: 'trk-1' }, body: { state: 'Idle', auxCodeId: 'c1' } });
    await http.request('as the agent', { method: 'DELETE', path: '/v1/own', token: 'agent-token' });
    expect(seen[0]).toMatchObject({ method: 'PUT', body: '{"state":"Idle","auxCodeId":"c1"}' });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer tok-1', accept: 'application/json', trackingid: 'trk-1' });
    expect(seen[1]).toMatchObject({ method: 'DELETE', body: '' });
    expect(seen[1]!.headers.authorization).toBe('Bearer agent-token');
    expect(seen[1]!.headers['content-type']).toBeUndefined();
  });

  it('reads JSON when the content type says JSON, text otherwise, and an empty body as an empty string', async () => {
    handler = (req, res) => {
      if (req.url!.endsWith('/json')) return json(res, 200, { data: [1, 2] }, { 'X-Request-Tag': 'abc' });
      if (req.url!.endsWith('/charset')) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return res.end('{"ok":"é"}');
      }
      if (req.url!.endsWith('/text')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('{"looks":"like json"}');
      }
      if (req.url!.endsWith('/broken')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{not json');
      }
      res.writeHead(204);
      res.end();
    };
    const http = client();
    const got = await http.request<unknown>('json', { method: 'GET', path: '/json' });
    expect(got).toMatchObject({ status: 200, data: { data: [1, 2] } });
    expect(got.headers['x-request-tag']).toBe('abc');
    expect(got.headers['content-type']).toBe('application/json');
    expect((await http.request('charset', { method: 'GET', path: '/charset' })).data).toEqual({ ok: 'é' });
    expect((await http.request('text', { method: 'GET', path: '/text' })).data).toBe('{"looks":"like json"}');
    expect((await http.request('broken', { method: 'GET', path: '/broken' })).data).toBe('{not json');
    expect(await http.request('empty', { method: 'POST', path: '/empty', body: {} })).toMatchObject({ status: 204, data: '' });
  });

  it('turns refusals into AppErrors carrying the vendor reason, and answers accepted statuses', async () => {
    handler = (_req, res) => json(res, 404, { error: { reason: 'no such subscription' } });
    const http = client();
    const err = await rejection(http.request('delete subscription', { method: 'DELETE', path: '/v1/subscriptions/s1' }));
    expect(err).toMatchObject({ code: 'invalid', message: 'Webex CC delete subscription was rejected (404): no such subscription' });
    expect((await http.request('delete subscription', { method: 'DELETE', path: '/v1/subscriptions/s1', acceptStatus: [404] })).status).toBe(404);
    expect(http.stats.lastError).toBe('Webex CC delete subscription was rejected (404): no such subscription');
  });

  it('ends a call the server never answers as unavailable, timed out', async () => {
    handler = () => undefined;
    const http = client({ timeoutMs: 150 });
    const err = await rejection(http.request('set agent state', { method: 'PUT', path: '/v1/agents/session/state', body: { state: 'Available' } }));
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe('Webex CC set agent state failed: timed out');
    expect(seen).toHaveLength(1);
  });

  it('ends a call it cannot connect for as unavailable, a network error', async () => {
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const closedPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const http = client({ baseUrl: `http://127.0.0.1:${closedPort}` });
    const err = await rejection(http.request('list teams', { method: 'GET', path: '/v2/team' }));
    expect(err).toMatchObject({ code: 'unavailable', message: 'Webex CC list teams failed: network error ECONNREFUSED' });
  });

  it('waits for Retry-After on 429 and tries again (not its own backoff, which here is a minute)', async () => {
    handler = (_req, res) => (seen.length === 1 ? json(res, 429, { message: 'slow down' }, { 'Retry-After': '0' }) : json(res, 200, { ok: true }));
    const http = client({ retries: 2, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    const res = await http.request('read', { method: 'GET', path: '/v1/x' });
    expect(res).toMatchObject({ status: 200, data: { ok: true } });
    expect(seen).toHaveLength(2);
    expect(http.stats).toMatchObject({ throttled: 1, retries: 1, calls: 2 });
  });

  it('gives up at once when Retry-After is longer than it will wait', async () => {
    handler = (_req, res) => json(res, 429, { message: 'slow down' }, { 'Retry-After': '120' });
    const http = client({ retries: 3, maxRetryAfterMs: 1000 });
    const err = await rejection(http.request('read', { method: 'GET', path: '/v1/x' }));
    expect(err).toMatchObject({ code: 'unavailable', message: 'Webex CC read is unavailable (429): slow down' });
    expect(seen).toHaveLength(1);
  });

  it('keeps connections alive: 50 sequential calls use far fewer sockets', async () => {
    handler = (_req, res) => json(res, 200, { ok: true });
    const http = client();
    for (let i = 0; i < 50; i++) expect((await http.request('read', { method: 'GET', path: `/v1/x/${i}` })).status).toBe(200);
    expect(seen).toHaveLength(50);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('opens no more connections than maxSockets however many calls are in flight', async () => {
    let inFlight = 0;
    let most = 0;
    handler = (_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, { ok: true });
      }, 20);
    };
    const http = client({ maxSockets: 2 });
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => http.request('read', { method: 'GET', path: `/v1/x/${i}` })));
    expect(all.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(connections).toBe(2);
    expect(most).toBe(2);
  });

  it('close() leaves no socket open, and a call after it fails as unavailable without reaching the server', async () => {
    handler = (_req, res) => json(res, 200, { ok: true });
    const http = client();
    await Promise.all([1, 2, 3].map((i) => http.request('read', { method: 'GET', path: `/v1/x/${i}` })));
    expect(open.size).toBeGreaterThan(0);
    await http.close();
    await until('the server to see every connection closed', () => open.size === 0);
    expect(open.size).toBe(0);
    const err = await rejection(http.request('read', { method: 'GET', path: '/v1/after' }));
    expect(err).toMatchObject({ code: 'unavailable', message: 'Webex CC read failed: the contact-center connection is stopping' });
    expect(seen).toHaveLength(3);
  });
});
