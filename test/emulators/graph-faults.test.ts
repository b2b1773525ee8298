import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';

let emu: GraphEmulator;
let c: GraphEmulatorClient;
let token: string;
const presencePath = `/v1.0/users/${demoUserId(0)}/presence`;

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(20) });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
  token = await c.appToken();
});
afterEach(async () => {
  await c.control('DELETE', 'faults');
});
afterAll(async () => {
  c.close();
  await emu.close();
});

const statuses = async (n: number, path = presencePath): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await c.request('GET', path, { token })).status);
  return out;
};

describe('Graph request faults', () => {
  it('throttles the next n requests with the given Retry-After', async () => {
    await c.control('POST', 'faults', { throttleNext: 2, retryAfterSec: 3 });
    const first = await c.request('GET', presencePath, { token });
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('3');
    expect(first.json().error.code).toBe('TooManyRequests');
    expect(await statuses(2)).toEqual([429, 200]);
  });

  it('fails every matching request with the chosen 5xx while failRate is 1, others pass', async () => {
    await c.control('POST', 'faults', { failRate: 1, status: 503, retryAfterSec: 1, paths: '/presence$' });
    const failed = await c.request('GET', presencePath, { token });
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('1');
    expect(failed.json().error.code).toBe('ServiceUnavailable');
    expect((await c.request('GET', `/v1.0/users/${demoUserId(0)}`, { token })).status).toBe(200);
    await c.control('DELETE', 'faults');
    expect(await statuses(1)).toEqual([200]);
  });

  it('fails about the configured share of requests', async () => {
    await c.control('POST', 'faults', { failRate: 0.5, status: 500 });
    const result = await statuses(60);
    const failures = result.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(55);
    expect(result.every((s) => s === 200 || s === 500)).toBe(true);
  });

  it('adds latency to matching requests', async () => {
    await c.control('POST', 'faults', { latencyMs: 200 });
    const started = Date.now();
    expect(await statuses(1)).toEqual([200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('makes the token endpoint fail with 500 or 400 in the AAD error shape', async () => {
    await c.control('POST', 'faults', { tokenFailure: 500, retryAfterSec: 1 });
    const form = { grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: 'https://graph.microsoft.com/.default' };
    const down = await c.request('POST', `/${emu.tenantId}/oauth2/v2.0/token`, { form });
    expect(down.status).toBe(500);
    expect(down.json().error_description).toMatch(/^AADSTS90033/);
    expect(down.headers['retry-after']).toBe('1');
    await c.control('POST', 'faults', { tokenFailure: 400 });
    expect((await c.request('POST', `/${emu.tenantId}/oauth2/v2.0/token`, { form })).status).toBe(400);
    await c.control('DELETE', 'faults');
    expect((await c.request('POST', `/${emu.tenantId}/oauth2/v2.0/token`, { form })).status).toBe(200);
  });

  it('rejects a malformed fault body naming the field', async () => {
    const reply = await c.request('POST', '/_emulator/faults', { body: { failRate: 2 } });
    expect(reply.status).toBe(400);
    expect(reply.json().error.message).toContain('failRate');
  });

  it('counts requests by route and status, and lists recent ones', async () => {
    await c.control('DELETE', 'stats');
    await statuses(3);
    await c.request('GET', '/v1.0/users/nobody@contoso.example', { token });
    const stats = await c.control('GET', 'stats');
    expect(stats.routes['GET /v1.0/users/:id/presence']).toEqual({ '200': 3 });
    expect(stats.routes['GET /v1.0/users/:id']).toEqual({ '404': 1 });
    expect(stats.graphRequests).toBe(4);
    const recent = (await c.control('GET', 'requests?limit=2')).value;
    expect(recent).toHaveLength(2);
    expect(recent[1]).toMatchObject({ method: 'GET', path: '/v1.0/users/nobody@contoso.example', status: 404 });
  });

  it('answers unknown Graph segments like Graph does', async () => {
    const reply = await c.request('GET', '/v1.0/nothingHere', { token });
    expect(reply.status).toBe(400);
    expect(reply.json().error.message).toBe("Resource not found for the segment 'nothingHere'.");
  });
});

describe('main.ts', () => {
  it('prints one JSON line, serves with the CA it wrote, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulators/graph/main.ts', '--port', '0', '--users', '12'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const info = JSON.parse(line);
      expect(Object.keys(info).sort()).toEqual(['caCertPath', 'clientId', 'clientSecret', 'tenantId', 'url']);
      const client = new GraphEmulatorClient(info.url, readFileSync(info.caCertPath, 'utf8'), info.tenantId, info.clientId, info.clientSecret);
      const users = (await client.request('GET', '/v1.0/users?$top=999', { token: await client.appToken() })).json().value;
      expect(users).toHaveLength(12);
      client.close();
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(info.caCertPath)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
