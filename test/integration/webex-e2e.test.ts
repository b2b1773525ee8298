import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { loadConfig } from '../../server/config.js';
import { startConnector, type Connector } from '../../server/connector.js';
import { createWebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import { createWebexWebhookRouter } from '../../server/http/webex-webhook-router.js';
import { silentLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';
import { freePort } from '../bench/processes.js';
import { FakeDirectory, FakeGraphAdmin, FakePresenceSource } from '../fakes/fake-graph.js';

/**
 * The connector and the Webex CC emulator as real servers on loopback; Teams presence is driven directly
 * (the Graph side has its own end-to-end test). Each scenario ends in the emulator's agent state and the audit.
 * Webex runs on its documented defaults: webhooks (sparse payloads) registered by the administrator, a supervisor
 * acting on agents, the 300/min budget; only delivery to the loopback webhook is an emulator flag.
 */
const SECRET = 'webex-e2e-webhook-secret-0123456789abcdef';
const CALL = { availability: 'Busy', activity: 'InACall' };
const FREE = { availability: 'Available', activity: 'Available' };
const PRESENTING = { availability: 'DoNotDisturb', activity: 'Presenting' };

let wx: WebexEmulator;
let connector: Connector;
let presence: FakePresenceSource;
let adminKey: string;
let agents: ReturnType<WebexEmulator['agents']>;
let codes: Map<string, string>;

async function control(path: string, body?: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(`${wx.url}/_emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const emulated = (id: string): Promise<any> => control(`agents/${id}`, undefined, 'GET');
const api = async (path: string, init: { method?: string; body?: unknown } = {}): Promise<any> => {
  const res = await fetch(connector.url + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return res.json();
};

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end && process.env.TPC_DEBUG) console.log(JSON.stringify([...connector.services.registry.agents.values()].map((a) => [a.id.slice(-2), a.cc, a.inFlight, a.releaseDueAt])), JSON.stringify(connector.stores.audit.query({ limit: 8 }).map((e) => [e.agentId.slice(-2), e.trigger, e.action, e.reason, e.result, e.resultDetail])));
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

const stateOf = async (id: string): Promise<string> => {
  const a = await emulated(id);
  return a.subStatus === 'Idle' ? `Idle:${a.idleCodeName}` : a.contact ? `Contact:${a.contact.phase}` : a.subStatus;
};
const expectState = (id: string, want: string, timeoutMs?: number) => until(`${id} → ${want}`, async () => (await stateOf(id)) === want, timeoutMs);

beforeAll(async () => {
  wx = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5, inventions: { loopbackWebhooks: true } });
  const port = await freePort();
  agents = wx.agents();
  codes = new Map(wx.idleCodes().map((c) => [c.name, c.id]));
  presence = new FakePresenceSource(() => Date.now());
  const users = agents.map((a, i) => ({ id: `tu-${i}`, displayName: a.name, userPrincipalName: a.email, mail: a.email }));
  const dbPath = join(mkdtempSync(join(tmpdir(), 'tpc-wx-')), 'c.db');
  const config = loadConfig({}, { dbPath, port, 'sync.reconcileIntervalMs': 0, 'graph.matchRefreshMs': 0, 'sync.commandTimeoutMs': 2000 });
  const cc = createWebexAdapter({
    baseUrl: wx.url,
    identityBaseUrl: wx.identityUrl,
    orgId: wx.orgId,
    accessToken: wx.supervisorToken,
    admin: { accessToken: wx.integrationToken },
    events: 'webhook',
    webhook: { destinationUrl: `http://127.0.0.1:${port}/webhooks/webex`, secret: SECRET },
    http: { baseDelayMs: 20, maxDelayMs: 200 },
  });
  connector = await startConnector({
    config,
    logger: silentLogger,
    clock: systemClock,
    presetsDir: 'mappings',
    parts: () => ({
      cc,
      webhooks: [['/', createWebexWebhookRouter(cc, SECRET)]],
      presence,
      directory: new FakeDirectory(users),
      graphAdmin: new FakeGraphAdmin(),
    }),
  });
  adminKey = connector.stores.keys.create('test admin', 'admin', null, Date.now()).key;
  await api('/api/admin/activate', { method: 'POST' });
  // A short settle delay keeps the tests quick; the rule is the same.
  const def = await api('/api/profiles/default');
  await api('/api/profiles/default', { method: 'PUT', body: { ...def, id: undefined, teams: undefined, rules: def.rules.map((r: any) => ({ teamsState: r.teamsState, idleCodeId: r.idleCodeId })), settleDelayMs: 150 } });
}, 30_000);

afterAll(async () => {
  await connector?.close();
  await wx?.close();
});

beforeEach(async () => {
  await control('faults', undefined, 'DELETE');
});

const tu = (i: number): string => `tu-${i}`;
const auditOf = async (agentId: string, reason: string): Promise<any[]> => (await api(`/api/audit?agentId=${agentId}&reason=${reason}`)).entries;

describe('Webex CC end to end', () => {
  it('Teams call → connector idle with the mapped code (its marker in the reason); free → Available', async () => {
    const a = agents[0]!;
    presence.emit(tu(0), CALL);
    await expectState(a.id, 'Idle:Teams Call');
    expect((await emulated(a.id)).lastChange.reason).toMatch(/^tpc:/);
    await until('view says set by connector', () => connector.services.views.view(a.id)?.setByConnector);
    presence.emit(tu(0), FREE);
    await expectState(a.id, 'Available');
    const confirmed = (await api(`/api/audit?agentId=${a.id}&result=confirmed`)).entries;
    expect(confirmed.map((e: any) => e.action)).toEqual(expect.arrayContaining(['set-idle', 'set-available']));
  });

  it('an idle the agent chose, a supervisor change and RONA are left alone', async () => {
    const [, b, c, d] = agents;
    await control(`agents/${b!.id}/state`, { state: 'Idle', idleCodeId: codes.get('Lunch'), by: 'agent' });
    await control(`agents/${c!.id}/state`, { state: 'Idle', idleCodeId: codes.get('Training'), by: 'supervisor' });
    await control(`agents/${d!.id}/offer`, { ronaTimeoutSec: 0.3 });
    await expectState(d!.id, 'Idle:RONA');
    await until('events seen', () => connector.services.registry.agents.get(d!.id)?.cc.state === 'RONA');
    // Webhooks do not say who made a change; without the connector's marker it is never the connector's.
    await until('b idle seen', () => connector.services.registry.agents.get(b!.id)?.cc.idleCodeId === codes.get('Lunch'));
    await until('c idle seen', () => connector.services.registry.agents.get(c!.id)?.cc.idleCodeId === codes.get('Training'));
    expect(connector.services.registry.agents.get(b!.id)?.cc.origin).not.toBe('connector');
    expect(connector.services.registry.agents.get(c!.id)?.cc.origin).not.toBe('connector');
    presence.emit(tu(1), CALL);
    presence.emit(tu(2), CALL);
    presence.emit(tu(3), CALL);
    const keptBy = async (id: string) => (await auditOf(id, 'idle-set-by-agent')).length + (await auditOf(id, 'idle-set-by-supervisor')).length + (await auditOf(id, 'idle-set-by-unknown')).length;
    await until('audits', async () => (await keptBy(b!.id)) > 0 && (await keptBy(c!.id)) > 0 && (await auditOf(d!.id, 'agent-in-rona')).length > 0);
    expect(await stateOf(b!.id)).toBe('Idle:Lunch');
    expect(await stateOf(c!.id)).toBe('Idle:Training');
    expect(await stateOf(d!.id)).toBe('Idle:RONA');
    presence.emit(tu(1), FREE);
    await new Promise((r) => setTimeout(r, 400));
    expect(await stateOf(b!.id)).toBe('Idle:Lunch');
  });

  it('pending idle while Engaged is applied after the contact ends', async () => {
    const a = agents[4]!;
    const offer = await control(`agents/${a.id}/offer`, { ronaTimeoutSec: 30 });
    await control(`contacts/${offer.interactionId}/accept`);
    await until('engaged seen', () => connector.services.registry.agents.get(a.id)?.cc.state === 'Engaged');
    presence.emit(tu(4), PRESENTING);
    await until('pending', () => connector.services.registry.agents.get(a.id)?.pendingIdleCodeId === codes.get('Presenting'));
    expect(await stateOf(a.id)).toBe('Contact:connected');
    await control(`contacts/${offer.interactionId}/end`);
    await expectState(a.id, 'Idle:Presenting');
    expect((await auditOf(a.id, 'pending-applied')).length).toBe(1);
  });

  it('a supervisor remap switches the idle code of agents the connector holds', async () => {
    const a = agents[5]!;
    presence.emit(tu(5), CALL);
    await expectState(a.id, 'Idle:Teams Call');
    const def = await api('/api/profiles/default');
    const rules = def.rules.map((r: any) => ({ teamsState: r.teamsState, idleCodeName: r.teamsState === 'InACall' ? 'Busy' : r.idleCodeName }));
    await api('/api/profiles/default', { method: 'PUT', body: { name: def.name, rules, settleDelayMs: 150, syncMode: def.syncMode, releaseOnDisable: true } });
    await expectState(a.id, 'Idle:Busy');
    await api('/api/profiles/default', { method: 'PUT', body: { name: def.name, rules: def.rules.map((r: any) => ({ teamsState: r.teamsState, idleCodeId: r.idleCodeId })), settleDelayMs: 150, syncMode: def.syncMode, releaseOnDisable: true } });
    await expectState(a.id, 'Idle:Teams Call');
    presence.emit(tu(5), FREE);
    await expectState(a.id, 'Available');
  });

  it('duplicated and reordered events change nothing', async () => {
    const a = agents[6]!;
    await control('faults', { duplicateEvents: 1, reorderEvents: 0.5 });
    presence.emit(tu(6), CALL);
    await expectState(a.id, 'Idle:Teams Call');
    presence.emit(tu(6), FREE);
    await expectState(a.id, 'Available');
    await new Promise((r) => setTimeout(r, 300));
    expect(await stateOf(a.id)).toBe('Available');
    expect(connector.services.registry.agents.get(a.id)?.cc.state).toBe('Available');
    const sets = (await api(`/api/audit?agentId=${a.id}&action=set-idle`)).entries;
    expect(sets.length).toBe(1);
  });

  it('webhooks lost: a change missed meanwhile is found by reconciliation', async () => {
    const a = agents[7]!;
    presence.emit(tu(7), CALL);
    await expectState(a.id, 'Idle:Teams Call');
    await control('faults', { dropEvents: 1 });
    // The agent takes over while the connector cannot hear: the connector must not release them later.
    await control(`agents/${a.id}/state`, { state: 'Idle', idleCodeId: codes.get('Break'), by: 'agent' });
    await new Promise((r) => setTimeout(r, 200));
    await control('faults', undefined, 'DELETE');
    await connector.services.sync.reconcile();
    await until('reconciled', () => {
      const cc = connector.services.registry.agents.get(a.id)?.cc;
      return cc?.idleCodeId === codes.get('Break') && cc?.origin !== 'connector';
    }, 10_000);
    presence.emit(tu(7), FREE);
    await new Promise((r) => setTimeout(r, 400));
    expect(await stateOf(a.id)).toBe('Idle:Break');
  });

  it('contact center 5xx for a while, then recovery: the agent ends in the right state', async () => {
    const a = agents[0]!;
    await control('faults', { failRate: 1, status: 503 });
    presence.emit(tu(0), DND());
    await until('failed command audited', async () => (await api(`/api/audit?agentId=${a.id}&result=failed`)).entries.length > 0, 10_000);
    await control('faults', undefined, 'DELETE');
    await expectState(a.id, 'Idle:Do Not Disturb', 12_000);
    presence.emit(tu(0), FREE);
    await expectState(a.id, 'Available');
  });

  it('deactivation releases connector-held agents only', async () => {
    const a = agents[5]!;
    presence.emit(tu(5), PRESENTING);
    await expectState(a.id, 'Idle:Presenting');
    await api('/api/admin/deactivate', { method: 'POST' });
    await expectState(a.id, 'Available');
    expect(await stateOf(agents[1]!.id)).toBe('Idle:Lunch');
    await api('/api/admin/activate', { method: 'POST' });
  });
});

function DND() {
  return { availability: 'DoNotDisturb', activity: 'DoNotDisturb' };
}
