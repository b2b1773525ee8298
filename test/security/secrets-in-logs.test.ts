import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { startConnector, type Connector } from '../../server/connector.js';
import { NotificationIntake } from '../../server/graph/notification-intake.js';
import { createGraphWebhookRouter } from '../../server/http/graph-webhook-router.js';
import { createWebexWebhookRouter } from '../../server/http/webex-webhook-router.js';
import { createLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';
import { GraphStore, migrateGraphStore } from '../../server/store/graph-store.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeContactCenter } from '../fakes/fake-contact-center.js';
import { FakeDirectory, FakeGraphAdmin, FakePresenceSource } from '../fakes/fake-graph.js';
import { AGENTS, IDLE_CODES, TEAMS_USERS } from '../fakes/core-harness.js';
import { call, openSocket } from './security-helpers.js';

/** Runs the connector, its webhooks and its config loader with a trace logger, then scans every line for secrets. */
const SECRETS = {
  graphSecret: 'graph-client-secret-Q7x9',
  webexToken: 'webex-access-token-Z3k1',
  webhookSecret: 'webex-webhook-secret-M4p2-0123456789abcdef',
  bootstrapKey: 'tpc_bootstrap-admin-key-R8w5v6',
  deskToken: 'desk-token-secret-agent-1',
  unknownDeskToken: 'desk-token-never-issued-K2',
  badKey: 'tpc_wrong-key-that-was-never-issued',
  clientState: 'graph-client-state-secret-J5',
  forgedClientState: 'forged-client-state-value-T8',
  servicePassword: 'service-account-password-N1',
};

let logs = '';
const stream = new Writable({ write: (chunk, _enc, cb) => ((logs += String(chunk)), cb()) });
const logger = createLogger('trace', stream);
let dir: string;
let connector: Connector;
let keys: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-secrets-'));
  const secretFile = join(dir, 'webex-token');
  writeFileSync(secretFile, `${SECRETS.webexToken}\n`);
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ graph: { serviceAccountAuth: 'password', serviceAccounts: [{ username: 'svc@contoso.example', password: SECRETS.servicePassword }] } }));
  const config = loadConfig(
    {
      TPC_CONFIG_FILE: configFile,
      TPC_GRAPH_CLIENT_SECRET: SECRETS.graphSecret,
      TPC_WEBEX_ACCESS_TOKEN_FILE: secretFile,
      TPC_WEBEX_WEBHOOK_SECRET: SECRETS.webhookSecret,
      TPC_BOOTSTRAP_ADMIN_KEY: SECRETS.bootstrapKey,
    },
    // Many wrong credentials on purpose: the per-address failure limit (auth-abuse.test.ts) is lifted here.
    { dbPath: join(dir, 'c.db'), port: 0, 'sync.reconcileIntervalMs': 0, 'graph.matchRefreshMs': 0, 'security.authFailureLimit': 100_000 },
  );
  expect(config.webex.accessToken).toBe(SECRETS.webexToken);
  logger.info(config, 'configuration loaded');
  logger.info({ config }, 'configuration loaded (nested)');
  const clock = new FakeClock();
  const cc = new FakeContactCenter(clock, AGENTS, [{ id: 'team-a', name: 'Billing' }, { id: 'team-b', name: 'Tech Support' }], IDLE_CODES, { [SECRETS.deskToken]: 'agent-1' });
  connector = await startConnector({
    config,
    logger,
    clock,
    presetsDir: 'mappings',
    parts: () => ({ cc, presence: new FakePresenceSource(() => clock.now()), directory: new FakeDirectory(TEAMS_USERS), graphAdmin: new FakeGraphAdmin() }),
  });
  keys = {
    supervisor: connector.stores.keys.create('sup', 'supervisor', null, clock.now()).key,
    agent: connector.stores.keys.create('agent', 'agent', 'agent-1', clock.now()).key,
  };
});

afterAll(async () => {
  await connector?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (path: string, key: string | null, init: { method?: string; body?: string } = {}) =>
  fetch(connector.url + path, {
    method: init.method ?? 'GET',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json', 'x-api-key': key ?? '' },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });

describe('no secret reaches a log line', () => {
  it('drives the API and the socket with good keys, bad keys and agent desktop tokens', async () => {
    expect((await send('/api/admin/activate', SECRETS.bootstrapKey, { method: 'POST' })).status).toBe(200);
    for (const key of [SECRETS.bootstrapKey, keys.supervisor!, keys.agent!, SECRETS.deskToken, SECRETS.unknownDeskToken, SECRETS.badKey]) {
      for (const path of ['/api/me', '/api/profiles', '/api/admin/status', '/api/agents/agent-1', '/api/nowhere', `/api/profiles/${encodeURIComponent(key)}`]) await send(path, key);
      await send('/api/profiles', key, { method: 'POST', body: `{"name": "${key}", ` });
      await send('/api/profiles', key, { method: 'POST', body: JSON.stringify({ name: key, rules: [{ teamsState: 'InACall', idleCodeName: key }] }) });
      await send('/api/dry-run', key, { method: 'POST', body: JSON.stringify({ agentId: key, availability: 'Busy', activity: 'InACall' }) });
      const { socket, error } = await openSocket(connector.url, key);
      if (!error) {
        await call(socket, 'agent:get');
        await call(socket, 'agent:pause', { minutes: key });
        await call(socket, 'directory:search', { query: key });
      }
      socket.disconnect();
    }
    expect((await send('/api/me', SECRETS.deskToken)).status).toBe(200);
    expect((await send('/api/me', SECRETS.unknownDeskToken)).status).toBe(401);
  });

  it('drives the Graph and Webex webhooks with right and forged secrets', async () => {
    const db = new Database(join(dir, 'graph.db'));
    migrateGraphStore(db);
    const intake = new NotificationIntake({
      store: new GraphStore(db),
      lookup: { clientStateOf: (id) => (id === 'sub-1' ? SECRETS.clientState : undefined), pendingClientStates: () => [SECRETS.clientState] },
      certificate: () => null,
      clock: systemClock,
      logger,
      onQueued: () => undefined,
    });
    const app = express();
    app.use(createGraphWebhookRouter(intake, { logger }));
    app.use(createWebexWebhookRouter({ handleWebhook: () => undefined }, SECRETS.webhookSecret, { logger }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const notify = (clientState: unknown, subscriptionId = 'sub-1') =>
        fetch(`${url}/webhooks/graph/notifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ value: [{ subscriptionId, clientState, resource: 'communications/presences/tu-1', changeType: 'updated' }] }),
        });
      for (const [state, sub] of [[SECRETS.clientState, 'sub-1'], [SECRETS.forgedClientState, 'sub-1'], [SECRETS.forgedClientState, 'sub-unknown'], [{ nested: SECRETS.forgedClientState }, 'sub-1']] as const) {
        expect([202, 400]).toContain((await notify(state, sub)).status);
      }
      const body = JSON.stringify({ type: 'agent:state_change', data: { agentId: 'agent-1' } });
      const goodSig = createHmac('sha256', SECRETS.webhookSecret).update(body).digest('hex');
      const badSig = createHmac('sha256', SECRETS.forgedClientState).update(body).digest('hex');
      const webex = (sig: string, payload = body) => fetch(`${url}/webhooks/webex`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webex-signature': sig }, body: payload });
      expect((await webex(goodSig)).status).toBe(202);
      expect((await webex(badSig)).status).toBe(401);
      expect((await webex(SECRETS.webhookSecret)).status).toBe(401);
    } finally {
      server.close();
      db.close();
    }
  });

  it('config errors name the variable without echoing a secret value', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, `{"graph": {"clientSecret": ${SECRETS.graphSecret}}}`);
    const attempts = [
      { TPC_CONFIG_FILE: file },
      { TPC_BOOTSTRAP_ADMIN_KEY: 'tpc_short7' },
      { TPC_WEBEX_WEBHOOK_SECRET: 'sec-1' },
      { TPC_GRAPH_CLIENT_SECRET_FILE: join(dir, 'missing-secret-file') },
    ];
    for (const env of attempts) {
      let err: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      logger.error({ err: (err as Error).message }, 'invalid configuration');
      const text = (err as Error).message;
      for (const value of [SECRETS.graphSecret.slice(0, 8), 'tpc_short7', 'sec-1']) expect(text, `${Object.keys(env)[0]}`).not.toContain(value);
      expect(text).toContain(Object.keys(env)[0]!.replace(/_FILE$/, ''));
    }
  });

  it('the captured output holds none of the keys, tokens or secrets', () => {
    expect(logs).toContain('mapping presets loaded');
    expect(logs).toContain('Graph notification rejected');
    expect(logs).toContain('Webex webhook refused');
    expect(logs).toContain('configuration loaded');
    const all = [...Object.values(SECRETS), ...Object.values(keys)];
    const leaks = logs.split('\n').filter((line) => all.some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
  });
});
