import { mkdtempSync } from 'node:fs';
import { freePort } from '../bench/processes.js';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { loadConfig } from '../../server/config.js';
import { startConnector, type Connector } from '../../server/connector.js';
import { silentLogger } from '../../server/logger.js';
import { buildParts, extraMigrations } from '../../server/parts.js';
import { systemClock } from '../../server/ports.js';

/**
 * The whole product on loopback: the connector with its real adapters (msal-node + Graph client over HTTPS,
 * undici + WebSocket to Webex) against both emulators, configured exactly as production would be.
 */
let graph: GraphEmulator;
let wx: WebexEmulator;
let connector: Connector;
let key: string;

function graphControl(path: string, body: unknown = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(`${graph.url}/_emulator/${path}`), { method: 'POST', ca: graph.caCertPem, headers: { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data ? JSON.parse(data) : null }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
async function wxControl(path: string, body?: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(`${wx.url}/_emulator/${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const res = await fetch(connector.url + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return res.json();
}
async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const stateOf = async (id: string): Promise<string> => {
  const a = await wxControl(`agents/${id}`, undefined, 'GET');
  return a.subStatus === 'Idle' ? `Idle:${a.idleCodeName}` : a.contact ? `Contact:${a.contact.phase}` : a.subStatus;
};

beforeAll(async () => {
  graph = await startGraphEmulator({ quiet: true });
  // Webex on its documented defaults; only delivery to a loopback webhook is allowed (Webex delivers to https on 443).
  wx = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5, inventions: { loopbackWebhooks: true } });
  const port = await freePort();
  const dbPath = join(mkdtempSync(join(tmpdir(), 'tpc-full-')), 'c.db');
  const config = loadConfig(
    {},
    {
      mode: 'live',
      dbPath,
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      'sync.reconcileIntervalMs': 0,
      'graph.matchRefreshMs': 0,
      'graph.tenantId': graph.tenantId,
      'graph.clientId': graph.clientId,
      'graph.clientSecret': graph.clientSecret,
      'graph.authorityHost': graph.url,
      'graph.graphBaseUrl': graph.url,
      'graph.minPollIntervalMs': 200,
      'webex.baseUrl': wx.url,
      'webex.identityBaseUrl': wx.identityUrl,
      'webex.orgId': wx.orgId,
      // A supervisor changes agents' states; the administrator registers the webhook.
      'webex.accessToken': wx.supervisorToken,
      'webex.adminAccessToken': wx.integrationToken,
      'webex.events': 'webhook',
      'webex.webhookSecret': 'full-e2e-webhook-secret-0123456789abcdef',
    },
  );
  connector = await startConnector({
    config,
    logger: silentLogger,
    clock: systemClock,
    presetsDir: 'mappings',
    extraMigrations,
    parts: (db) => buildParts(config, db, silentLogger, graph.caCertPem),
  });
  key = connector.stores.keys.create('e2e admin', 'admin', null, Date.now()).key;
  const activated = await api('/api/admin/activate', { method: 'POST' });
  expect(activated.lifecycle).toBe('active');
  const def = await api('/api/profiles/default');
  await api('/api/profiles/default', {
    method: 'PUT',
    body: { name: def.name, rules: def.rules.map((r: any) => ({ teamsState: r.teamsState, idleCodeId: r.idleCodeId })), settleDelayMs: 300, syncMode: 'both', releaseOnDisable: true },
  });
}, 60_000);

afterAll(async () => {
  await connector?.close();
  await Promise.allSettled([graph?.close(), wx?.close()]);
});

describe('the whole product against both emulators', () => {
  it('matches the demo agents to Teams users and checks permissions with real calls', async () => {
    const status = await api('/api/admin/status');
    expect(status.counts.matched).toBe(status.counts.agents);
    expect(status.permissions.every((p: any) => p.ok)).toBe(true);
    expect(status.health.tokenAcquiredAt).toBeGreaterThan(0);
  });

  it('a Teams call makes the agent idle with the mapped code; ending it returns Available', async () => {
    const a = wx.agents()[0]!;
    expect((await graphControl(`users/${a.email}/call/start`)).status).toBe(200);
    await until('idle Teams Call', async () => (await stateOf(a.id)) === 'Idle:Teams Call');
    const view = await api(`/api/agents/${a.id}`);
    expect(view.presence.label).toBe('In a Teams call');
    expect(view.lastDecision.text).toMatch(/Teams call/i);
    await graphControl(`users/${a.email}/call/end`);
    await until('Available', async () => (await stateOf(a.id)) === 'Available');
  });

  it('write-back: a contact-center call shows the agent In a call in Teams, and its echo never idles them', async () => {
    const a = wx.agents()[1]!;
    const teamsId = connector.services.registry.agents.get(a.id)!.teamsUserId!;
    const offer = await wxControl(`agents/${a.id}/offer`, { ronaTimeoutSec: 30 });
    await wxControl(`contacts/${offer.interactionId}/accept`);
    const presenceOf = async () => (await (await fetch(`${connector.url}/api/agents/${a.id}`, { headers: { authorization: `Bearer ${key}` } })).json()).presence;
    await until('Teams shows the connector’s call', async () => (await presenceOf())?.activity === 'InACall');
    expect(teamsId).toBeTruthy();
    await wxControl(`contacts/${offer.interactionId}/end`);
    await until('back to Available', async () => (await stateOf(a.id)) === 'Available');
    await until('session cleared in Teams', async () => (await presenceOf())?.availability !== 'Busy');
    // The agent was never idled by the echo of the connector's own session.
    const idles = (await api(`/api/audit?agentId=${a.id}&action=set-idle`)).entries;
    expect(idles).toEqual([]);
    expect(await stateOf(a.id)).toBe('Available');
  });
});
