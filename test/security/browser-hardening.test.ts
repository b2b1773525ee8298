import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { runSandbox, type RunningSandbox } from '../../sandbox/sandbox-runner.js';
import { startHarness } from '../fakes/core-harness.js';

/**
 * Browser hardening on the running sandbox (real emulators): security headers on every answer, CORS and socket
 * origins limited to the Desktop's, the sandbox refusing DNS-rebound Host headers and cross-origin control posts,
 * and its demo keys refused once the database is used in live mode.
 */
const DESKTOP = 'https://desktop.wxcc-us1.cisco.com';
const EVIL = 'https://evil.example';
let sb: RunningSandbox;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-hardening-'));
  mkdirSync(join(dir, 'widget'));
  writeFileSync(join(dir, 'widget', 'presence-agent-widget.js'), 'console.log("widget");\n');
  sb = await runSandbox({ dbPath: join(dir, 'connector.db'), widgetDir: join(dir, 'widget') });
}, 60_000);
afterAll(async () => {
  await sb?.close();
});

/** A raw request, so the Host header can be anything (fetch does not let a caller set it). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(sb.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function socketFrom(origin: string, token: string): Promise<string | null> {
  const socket = connect(sb.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token }, extraHeaders: { origin } });
  return new Promise((resolve) => {
    socket.once('connect', () => (socket.disconnect(), resolve(null)));
    socket.once('connect_error', (err) => (socket.disconnect(), resolve(err.message)));
  });
}

describe('headers', () => {
  it('API answers: nosniff, no-store, never framed', async () => {
    const res = await fetch(`${sb.url}/api/admin/status`, { headers: { authorization: `Bearer ${sb.sandbox.info().adminKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const info = await fetch(`${sb.url}/sandbox/info`);
    expect(info.headers.get('cache-control')).toBe('no-store');
  });

  it('the page: a CSP allowing its own inline script by hash, framed only by itself and the Desktop origins', async () => {
    const res = await fetch(`${sb.url}/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain(`frame-ancestors 'self' ${DESKTOP}`);
    expect(csp).not.toContain(EVIL);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('widget bundles: CORS for the Desktop origin only', async () => {
    const ok = await fetch(`${sb.url}/widget/presence-agent-widget.js`, { headers: { origin: DESKTOP } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(DESKTOP);
    const no = await fetch(`${sb.url}/widget/presence-agent-widget.js`, { headers: { origin: EVIL } });
    expect(no.status).toBe(200);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('socket origins', () => {
  it('the Desktop origin connects; another origin is refused even with a valid key', async () => {
    const key = sb.sandbox.info().supervisorKey;
    expect(await socketFrom(DESKTOP, key)).toBeNull();
    expect(await socketFrom(EVIL, key)).not.toBeNull();
  });
});

describe('sandbox', () => {
  it('a DNS-rebound Host cannot read /sandbox/info or the API', async () => {
    const port = new URL(sb.url).port;
    const rebound = await raw('/sandbox/info', { host: `evil.example:${port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain(sb.sandbox.info().adminKey);
    expect((await raw('/sandbox/info', { host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await raw('/sandbox/info', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses cross-origin and text/plain control posts; its own page still drives the emulators', async () => {
    const host = new URL(sb.url).host;
    const cross = await raw('/sandbox/control/graph/users', { host, origin: EVIL, 'content-type': 'text/plain' }, 'POST', '{}');
    expect(cross.status).toBe(403);
    const plain = await raw('/sandbox/control/graph/users', { host, origin: `http://${host}`, 'content-type': 'text/plain' }, 'POST', '{}');
    expect(plain.status).toBe(415);
    const own = await raw('/sandbox/control/webex/agents', { host, origin: `http://${host}`, 'content-type': 'application/json' });
    expect(own.status).toBe(200);
  });

  it('its keys are sandbox-only: refused when the database is opened in live mode, where other keys work', async () => {
    const { adminKey } = sb.sandbox.info();
    const dbPath = join(dir, 'connector.db');
    const live = {
      mode: 'live',
      'graph.tenantId': 't',
      'graph.clientId': 'c',
      'graph.clientSecret': 's',
      'webex.baseUrl': 'https://api.example',
      'webex.orgId': 'o',
      'webex.accessToken': 'a',
      'webex.events': 'websocket',
    };
    const h = await startHarness({ dbPath, overrides: live, activate: false });
    try {
      expect((await h.api('/api/admin/status', { key: adminKey })).status).toBe(401);
      expect((await h.api('/api/admin/status')).status).toBe(200);
    } finally {
      await h.connector.close();
    }
  });
});
