import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBody } from '../../emulators/kit/body.js';
import { Dispatcher, type KitRequest } from '../../emulators/kit/dispatcher.js';
import { RouteTable, Router } from '../../emulators/kit/router.js';
import { RequestStats } from '../../emulators/kit/stats.js';

const request = (method: string, path: string, rawBody = Buffer.alloc(0)): KitRequest => ({
  method,
  path,
  query: new URLSearchParams(),
  headers: {},
  rawBody,
  requestId: 'req-1',
  params: {},
});

describe('emulator kit: route table', () => {
  it('by default matches literals exactly, takes no trailing slash, decodes parameters and prefers a static route', () => {
    const t = new RouteTable<string>();
    t.add('GET', '/org/:id/agents', 'param');
    t.add('GET', '/org/me/agents', 'static');
    expect(t.match('GET', '/org/me/agents')).toMatchObject({ value: 'static', template: '/org/me/agents' });
    expect(t.match('GET', '/org/a%20b/agents')).toMatchObject({ value: 'param', params: { id: 'a b' } });
    expect(t.match('GET', '/ORG/x/agents')).toEqual({ methodAllowed: true });
    expect(t.match('GET', '/org/x/agents/')).toEqual({ methodAllowed: true });
  });

  it('with Graph options: case-insensitive literals keep the parameter case, tolerate one trailing slash, report a path known under another method', () => {
    const t = new RouteTable<string>({ caseInsensitive: true, trailingSlash: true, predecodedParams: true });
    t.add('GET', '/v1.0/users/:id/presence', 'get');
    t.add('POST', '/v1.0/communications/getPresencesByUserId', 'batch');
    expect(t.match('GET', '/V1.0/USERS/AbC/Presence/')).toMatchObject({ value: 'get', params: { id: 'AbC' } });
    expect(t.match('GET', '/v1.0/users/50%/presence')).toMatchObject({ params: { id: '50%' } });
    expect(t.match('GET', '/v1.0/users//presence')).toEqual({ methodAllowed: true });
    expect(t.match('DELETE', '/v1.0/users/abc/presence')).toEqual({ methodAllowed: false });
    expect(t.match('GET', '/v1.0/communications/getpresencesbyuserid')).toEqual({ methodAllowed: false });
    expect(t.match('GET', '/v1.0/nothing')).toEqual({ methodAllowed: true });
  });
});

describe('emulator kit: transport-neutral dispatch', () => {
  it('binds the parameters, runs the handler with the context and returns its result and route template', async () => {
    const d = new Dispatcher<KitRequest, { tenant: string }>().add('POST', '/things/:id', (req, ctx) => ({
      status: 201,
      body: { id: req.params.id, tenant: ctx.tenant, bytes: req.rawBody.length },
    }));
    const hit = await d.dispatch(request('POST', '/things/t1', Buffer.from('{"a":1}')), { tenant: 'x' });
    expect(hit).toEqual({ result: { status: 201, body: { id: 't1', tenant: 'x', bytes: 7 } }, route: '/things/:id' });
    expect(await d.dispatch(request('GET', '/things/t1'), { tenant: 'x' })).toEqual({ result: null, methodAllowed: false });
    expect(await d.dispatch(request('GET', '/other'), { tenant: 'x' })).toEqual({ result: null, methodAllowed: true });
  });

  it('parses JSON and form bodies and names invalid JSON', () => {
    expect(parseBody(Buffer.from('{"a":[1]}'), 'application/json')).toEqual({ value: { a: [1] }, status: 200 });
    expect(parseBody(Buffer.from('grant_type=code&x=1'), 'application/x-www-form-urlencoded; charset=utf-8')).toEqual({ value: { grant_type: 'code', x: '1' }, status: 200 });
    expect(parseBody(Buffer.from('{nope'), 'application/json')).toEqual({ error: 'request body is not valid JSON', status: 400 });
    expect(parseBody(Buffer.alloc(0), undefined)).toEqual({ value: undefined, status: 200 });
  });
});

describe('emulator kit: socket mode body limits', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const router = new Router<null>({
      stats: new RequestStats(),
      requestIdHeader: 'TrackingID',
      errorBody: (trackingId, status, description, field) => ({ trackingId, status, description, field }),
      maxBodyBytes: 64,
    });
    router.add('POST', '/echo', (ctx) => ctx.send(200, { body: ctx.body }));
    server = createServer((req, res) => router.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers a body within the cap, 400 for bad JSON and 413 past the cap', async () => {
    const post = (body: string) => fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const ok = await post('{"a":1}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ body: { a: 1 } });
    const bad = await post('{a');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ description: 'request body is not valid JSON', field: 'body' });
    const big = await post(JSON.stringify({ a: 'x'.repeat(100) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ description: 'request body too large' });
  });
});
