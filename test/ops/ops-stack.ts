import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { demoAgents, startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { loadConfig } from '../../server/config.js';
import { startConnector, type Connector } from '../../server/connector.js';
import { silentLogger } from '../../server/logger.js';
import { buildParts, extraMigrations } from '../../server/parts.js';
import { systemClock } from '../../server/ports.js';
import { freePort, graphControl, waitFor } from '../bench/processes.js';

/**
 * A TCP forwarder on a fixed loopback port in front of an emulator: stopping it makes the upstream unreachable
 * exactly as a stopped service is (connections refused, open ones cut), and starting it again on the same port
 * brings the same upstream back with its certificate and state intact.
 */
export interface Forwarder {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function forwarder(targetPort: number): Promise<Forwarder> {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let port = 0;
  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await start();
  return {
    get port() {
      return port;
    },
    async stop() {
      const s = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
    start,
  };
}

export interface OpsStack {
  graph: GraphEmulator;
  webex: WebexEmulator;
  graphProxy: Forwarder;
  webexProxy: Forwarder;
  connector: Connector;
  adminKey: string;
  dbPath: string;
  teamsIds: string[];
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string>; key?: string | null }): Promise<{ status: number; body: any; headers: Headers }>;
  callStart(i: number): Promise<void>;
  callEnd(i: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Both emulators in-process behind forwarders, and the connector in-process in live mode with the production
 * wiring (buildParts) pointed at the forwarders through configuration only.
 */
export async function startOpsStack(o: { agents?: number; config?: Record<string, unknown> } = {}): Promise<OpsStack> {
  const n = o.agents ?? 4;
  const graph = await startGraphEmulator({ quiet: true, users: demoUsers(12) });
  const webex = await startWebexEmulator({
    quiet: true,
    agents: demoAgents(n),
    stateChangeDelayMs: 5,
    // Documented defaults; the one flag is delivery to the connector's loopback webhook (Webex delivers only to https:443).
    inventions: { loopbackWebhooks: true },
  });
  const graphProxy = await forwarder(Number(new URL(graph.url).port));
  const webexProxy = await forwarder(Number(new URL(webex.url).port));
  const graphUrl = `https://127.0.0.1:${graphProxy.port}`;
  const dir = mkdtempSync(join(tmpdir(), 'tpc-ops-'));
  const dbPath = join(dir, 'connector.db');
  const port = await freePort();
  const adminKey = `ops-admin-${randomBytes(16).toString('hex')}`;
  const config = loadConfig(
    {},
    {
      mode: 'live',
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      dbPath,
      logLevel: 'silent',
      bootstrapAdminKey: adminKey,
      'sync.reconcileIntervalMs': 2_000,
      'graph.tenantId': graph.tenantId,
      'graph.clientId': graph.clientId,
      'graph.clientSecret': graph.clientSecret,
      // Sign-in goes to the emulator directly (its OpenID metadata names its own address); Graph calls go through the forwarder.
      'graph.authorityHost': graph.url,
      'graph.graphBaseUrl': graphUrl,
      'graph.minPollIntervalMs': 200,
      'graph.matchRefreshMs': 0,
      'webex.baseUrl': `http://127.0.0.1:${webexProxy.port}`,
      'webex.orgId': webex.orgId,
      'webex.identityBaseUrl': webex.identityUrl,
      // A supervisor acts on agents; the administrator registers the webhook (supervisors may not).
      'webex.accessToken': webex.supervisorToken,
      'webex.adminAccessToken': webex.integrationToken,
      'webex.events': 'webhook',
      'webex.webhookSecret': 'ops-stack-webhook-secret-0123456789abcdef',
      'ops.readinessIntervalMs': 200,
      'ops.readinessBudgetMs': 2_000,
      ...o.config,
    },
  );
  const connector = await startConnector({ config, logger: silentLogger, clock: systemClock, presetsDir: 'mappings', extraMigrations, parts: (db) => buildParts(config, db, silentLogger, graph.caCertPem) });
  if (connector.services.registry.lifecycle !== 'active') await connector.services.lifecycle.activate();
  await waitFor('agents matched', () => [...connector.services.registry.agents.values()].filter((a) => a.teamsUserId).length >= n, 20_000, 50);
  const graphCtl = graphControl(graph.url, graph.caCertPem);
  const teamsIds = Array.from({ length: n }, (_, i) => demoUserId(i));
  return {
    graph,
    webex,
    graphProxy,
    webexProxy,
    connector,
    adminKey,
    dbPath,
    teamsIds,
    async api(path, init = {}) {
      const key = init.key === undefined ? adminKey : init.key;
      const res = await fetch(connector.url + path, {
        method: init.method ?? 'GET',
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* text */
      }
      return { status: res.status, body, headers: res.headers };
    },
    async callStart(i) {
      const r = await graphCtl('POST', `/_emulator/users/${teamsIds[i]}/call/start`);
      if (r.status !== 200) throw new Error(`call/start answered ${r.status}`);
    },
    async callEnd(i) {
      const r = await graphCtl('POST', `/_emulator/users/${teamsIds[i]}/call/end`);
      if (r.status !== 200) throw new Error(`call/end answered ${r.status}`);
    },
    async close() {
      await connector.close();
      await Promise.allSettled([graphProxy.stop(), webexProxy.stop(), graph.close(), webex.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
