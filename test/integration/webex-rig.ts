import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { demoAgents, startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { loadConfig, type Config } from '../../server/config.js';
import { startConnector, type Connector } from '../../server/connector.js';
import { silentLogger } from '../../server/logger.js';
import { buildParts, extraMigrations } from '../../server/parts.js';
import { systemClock } from '../../server/ports.js';
import type { AuditEntry } from '../../server/store/audit-store.js';
import { freePort, graphControl, http, waitFor } from '../bench/processes.js';

/**
 * The connector wired exactly as in production (server/parts.ts) against both emulators on the **documented**
 * Webex defaults: no org-wide socket, a supervisor OAuth credential refreshed through the identity origin (the
 * People API lives there too), webhooks with sparse payloads registered by an administrator credential, the
 * 300/min budget enforced, SDK contact event names, separate idle-code timestamps. The one emulator flag on is
 * `loopbackWebhooks`: Webex delivers only to https on port 443, which a loopback test cannot listen on.
 */

export interface WebexRigOptions {
  agents?: number;
  /** The emulator's limit per client id, and the connector's budget (default 300, Webex's). */
  perMinute?: number;
  historyPerAgent?: number;
  dbPath?: string;
  config?: Record<string, unknown>;
  accessTokenLifetimeSec?: number;
}

export interface WebexRig {
  graph: GraphEmulator;
  webex: WebexEmulator;
  readonly connector: Connector;
  config: Config;
  dbPath: string;
  agentIds: string[];
  teamsIds: string[];
  webexCtl(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  callStart(i: number): Promise<void>;
  callEnd(i: number): Promise<void>;
  /** Waits until agents in `busy` are Idle(Teams Call) and all others Available, in the emulator and in the connector. */
  converged(busy: ReadonlySet<number>, timeoutMs?: number, only?: readonly number[]): Promise<void>;
  emulatorAgent(i: number): Promise<{ currentState: string; auxCodeId: string; [k: string]: unknown }>;
  audit(): AuditEntry[];
  stopConnector(): Promise<void>;
  startConnector(opts?: { dbPath?: string }): Promise<Connector>;
  close(): Promise<void>;
}

export const TEAMS_CALL_CODE = buildAuxCodes('c0a7c0de-0000-4000-8000-00000000c0de').find((c) => c.name === 'Teams Call')!.id;
export const WEBHOOK_SECRET = 'rig-webhook-secret-0123456789abcdef-0123456789';
const SUPERVISOR_ID = 'c0de1e55-0000-4000-8000-0000000000b1';

/** A supervisor's refresh token through the authorization-code grant on the identity origin. */
export async function supervisorRefreshToken(wx: WebexEmulator): Promise<string> {
  const code = wx.authorizationCode(SUPERVISOR_ID);
  const res = await fetch(`${wx.identityUrl}/v1/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: wx.oauthClient.clientId, client_secret: wx.oauthClient.clientSecret, redirect_uri: 'https://connector.example/callback' }),
  });
  const body = (await res.json()) as { refresh_token?: string };
  if (!res.ok || !body.refresh_token) throw new Error(`authorization code exchange answered ${res.status}`);
  return body.refresh_token;
}

export async function startWebexRig(o: WebexRigOptions = {}): Promise<WebexRig> {
  const n = o.agents ?? 4;
  const perMinute = o.perMinute ?? 300;
  const graph = await startGraphEmulator({ quiet: true, users: demoUsers(12) });
  const webex = await startWebexEmulator({
    quiet: true,
    agents: demoAgents(Math.max(8, n)),
    stateChangeDelayMs: 5,
    rateLimitPerMinute: perMinute,
    ...(o.historyPerAgent ? { historyPerAgent: o.historyPerAgent } : {}),
    ...(o.accessTokenLifetimeSec ? { accessTokenLifetimeSec: o.accessTokenLifetimeSec } : {}),
    inventions: { loopbackWebhooks: true },
  });
  const graphCtl = graphControl(graph.url, graph.caCertPem);
  // The demo directory holds agents 1–8; agents 9…n get Teams users with the same mail.
  if (n > 8) {
    const users = [];
    for (let i = 9; i <= n; i++) users.push({ displayName: `Agent ${i}`, userPrincipalName: `agent${i}@contoso.example`, mail: `agent${i}@contoso.example`, department: 'Contact Center', jobTitle: 'Agent' });
    const res = await graphCtl('POST', '/_emulator/users', { users });
    if (res.status !== 201) throw new Error(`seeding Graph users failed: ${res.status}`);
  }
  const page = await graphCtl('GET', '/_emulator/users?offset=0&limit=5000');
  const teamsIdByEmail = new Map((page.body.value as { id: string; mail?: string }[]).filter((u) => u.mail).map((u) => [u.mail!.toLowerCase(), u.id]));
  const dir = mkdtempSync(join(tmpdir(), 'tpc-webex-rig-'));
  let dbPath = o.dbPath ?? join(dir, 'connector.db');
  const port = await freePort();
  const refreshToken = await supervisorRefreshToken(webex);
  const configFor = (db: string): Config =>
    loadConfig(
      {},
      {
        mode: 'live',
        port,
        publicUrl: `http://127.0.0.1:${port}`,
        dbPath: db,
        logLevel: 'silent',
        'sync.reconcileIntervalMs': 2_000,
        'sync.commandTimeoutMs': 3_000,
        'graph.tenantId': graph.tenantId,
        'graph.clientId': graph.clientId,
        'graph.clientSecret': graph.clientSecret,
        'graph.authorityHost': graph.url,
        'graph.graphBaseUrl': graph.url,
        'graph.minPollIntervalMs': 150,
        'graph.matchRefreshMs': 0,
        'webex.baseUrl': webex.url,
        'webex.orgId': webex.orgId,
        'webex.identityBaseUrl': webex.identityUrl,
        'webex.clientId': webex.oauthClient.clientId,
        'webex.clientSecret': webex.oauthClient.clientSecret,
        'webex.refreshToken': refreshToken,
        'webex.adminAccessToken': webex.integrationToken,
        'webex.events': 'webhook',
        'webex.webhookSecret': WEBHOOK_SECRET,
        'webex.budgetPerMinute': perMinute,
        'webex.commandKey': 'rig-command-key-0123456789',
        ...o.config,
      },
    );
  let config = configFor(dbPath);

  const boot = async (): Promise<Connector> => {
    config = configFor(dbPath);
    const c = await startConnector({ config, logger: silentLogger, clock: systemClock, presetsDir: 'mappings', extraMigrations, parts: (db) => buildParts(config, db, silentLogger, graph.caCertPem) });
    if (c.services.registry.lifecycle !== 'active') await c.services.lifecycle.activate();
    const profile = c.services.profiles.export('default');
    if (profile.settleDelayMs !== 200) c.services.profiles.update('default', { ...profile, settleDelayMs: 200 });
    await waitFor('agents matched', () => [...c.services.registry.agents.values()].filter((a) => a.teamsUserId).length >= n, 20_000, 50);
    return c;
  };

  const agentIds = webex.agents().slice(0, n).map((a) => a.id);
  const teamsIds = webex.agents().slice(0, n).map((a) => teamsIdByEmail.get(a.email.toLowerCase()) ?? demoUserId(0));
  let connector: Connector | null = await boot();
  const ctl = (method: string, path: string, body?: unknown) => http(method, `${webex.url}${path}`, body);
  const rig: WebexRig = {
    graph,
    webex,
    get connector() {
      if (!connector) throw new Error('the connector is stopped');
      return connector;
    },
    get config() {
      return config;
    },
    get dbPath() {
      return dbPath;
    },
    agentIds,
    teamsIds,
    webexCtl: ctl,
    async callStart(i) {
      const r = await graphCtl('POST', `/_emulator/users/${teamsIds[i]}/call/start`);
      if (r.status !== 200) throw new Error(`call/start answered ${r.status}`);
    },
    async callEnd(i) {
      const r = await graphCtl('POST', `/_emulator/users/${teamsIds[i]}/call/end`);
      if (r.status !== 200) throw new Error(`call/end answered ${r.status}`);
    },
    async emulatorAgent(i) {
      return (await ctl('GET', `/_emulator/agents/${agentIds[i]}`)).body;
    },
    async converged(busy, timeoutMs = 20_000, only) {
      let last: unknown = null;
      const which = only ?? agentIds.map((_, i) => i);
      await waitFor(
        'every agent in the state Teams asks for',
        async () => {
          const list = (await ctl('GET', '/_emulator/agents')).body as { id: string; currentState: string; auxCodeId: string }[];
          const byId = new Map(list.map((a) => [a.id, a]));
          const known = connector?.services.registry.agents;
          last = which.map((i) => ({ i, cc: byId.get(agentIds[i]!)?.currentState, connector: known?.get(agentIds[i]!)?.cc }));
          return which.every((i) => {
            const a = byId.get(agentIds[i]!)!;
            const state = a.currentState.toLowerCase();
            const inCc = busy.has(i) ? state === 'idle' && a.auxCodeId === TEAMS_CALL_CODE : state === 'available';
            const mine = known?.get(agentIds[i]!);
            return inCc && mine?.cc.state === (busy.has(i) ? 'Idle' : 'Available') && !mine.inFlight;
          });
        },
        timeoutMs,
        100,
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(last)}`);
      });
    },
    audit() {
      return rig.connector.stores.audit.query({ limit: 100_000 }).reverse();
    },
    async stopConnector() {
      await connector?.close();
      connector = null;
    },
    async startConnector(opts = {}) {
      if (opts.dbPath) dbPath = opts.dbPath;
      connector = await boot();
      return connector;
    },
    async close() {
      await connector?.close();
      await Promise.allSettled([graph.close(), webex.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Per-agent state in the emulator's words, for assertions. */
export async function emulatorStates(rig: WebexRig): Promise<Map<string, { currentState: string; auxCodeId: string }>> {
  const list = (await rig.webexCtl('GET', '/_emulator/agents')).body as { id: string; currentState: string; auxCodeId: string }[];
  return new Map(list.map((a) => [a.id, a]));
}
