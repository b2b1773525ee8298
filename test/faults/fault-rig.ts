import { mkdtempSync, rmSync } from 'node:fs';
import { createWebexWebhookRouter } from '../../server/http/webex-webhook-router.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD, DEMO_SERVICE_ACCOUNTS, demoUserId, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { demoAgents, startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { buildAuxCodes } from '../../emulators/webex-cc/seed-data.js';
import { loadConfig } from '../../server/config.js';
import { startConnector, type Connector, type ConnectorParts } from '../../server/connector.js';
import { createWebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import { createGraphSide, migrateGraphStore } from '../../server/graph/index.js';
import { createGraphWebhookRouter } from '../../server/http/graph-webhook-router.js';
import { silentLogger } from '../../server/logger.js';
import { systemClock, type HttpHandler } from '../../server/ports.js';
import type { AuditEntry } from '../../server/store/audit-store.js';
import { freePort, graphControl, http, waitFor } from '../bench/processes.js';

/**
 * The connector in-process with the real adapters (msal-node + Graph client, undici + ws) against both
 * emulators on loopback, with short timings so a fault and its recovery fit in seconds. Agents 1…n exist on
 * both sides (`agentN@contoso.example`); Teams activity is a Teams call started/ended in the Graph emulator.
 */

export interface RigOptions {
  agents?: number;
  /** Config overrides by path (`sync.stalePresenceMs`, `graph.presenceMode`...). */
  config?: Record<string, unknown>;
  dbPath?: string;
  /** Adapter retry timings (defaults: fast). */
  webexHttp?: { retries?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Subscribe mode with the emulator's delegated service accounts; webhooks on a fixed loopback port. */
  subscribe?: boolean;
  /** Lifetime of the Graph emulator's tokens; below msal's 5-minute renewal margin every call asks for one. */
  tokenLifetimeSec?: number;
}

export interface Rig {
  graph: GraphEmulator;
  webex: WebexEmulator;
  connector: Connector;
  dbPath: string;
  agentIds: string[];
  teamsIds: string[];
  graphCtl: ReturnType<typeof graphControl>;
  webexCtl(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  callStart(i: number): Promise<void>;
  callEnd(i: number): Promise<void>;
  /** Waits until agents in `busy` are Idle(Teams Call) set by the connector and all others Available. */
  converged(busy: ReadonlySet<number>, timeoutMs?: number): Promise<void>;
  /** The whole audit trail, oldest first. */
  audit(): AuditEntry[];
  stopConnector(): Promise<void>;
  startConnector(): Promise<Connector>;
  close(): Promise<void>;
}

const WEBHOOK_SECRET = 'fault-rig-webhook-secret-0123456789abcdef';

export const TEAMS_CALL_CODE = buildAuxCodes('c0a7c0de-0000-4000-8000-00000000c0de').find((c) => c.name === 'Teams Call')!.id;

export async function startRig(o: RigOptions = {}): Promise<Rig> {
  const n = o.agents ?? 4;
  const graph = await startGraphEmulator({ quiet: true, users: demoUsers(12), ...(o.tokenLifetimeSec ? { tokenLifetimeSec: o.tokenLifetimeSec } : {}) });
  // Webex on its documented defaults (webhooks, a supervisor acting on agents, 300/min); the one flag is delivery to the
  // connector's loopback webhook, since Webex delivers only to https on port 443.
  const webex = await startWebexEmulator({
    quiet: true,
    agents: demoAgents(8),
    stateChangeDelayMs: 5,
    inventions: { loopbackWebhooks: true },
  });
  const dir = mkdtempSync(join(tmpdir(), 'tpc-fault-'));
  const dbPath = o.dbPath ?? join(dir, 'connector.db');
  const graphCtl = graphControl(graph.url, graph.caCertPem);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const subscribe = o.subscribe
    ? {
        port,
        publicUrl: `http://127.0.0.1:${port}`,
        'graph.presenceMode': 'subscribe',
        'graph.serviceAccountAuth': 'password',
        'graph.serviceAccounts': DEMO_SERVICE_ACCOUNTS.map((username) => ({ username, password: DEMO_PASSWORD })),
      }
    : {};
  const config = loadConfig(
    {},
    {
      mode: 'live',
      port,
      publicUrl,
      dbPath,
      logLevel: 'silent',
      'sync.reconcileIntervalMs': 1_000,
      'sync.commandTimeoutMs': 3_000,
      'graph.tenantId': graph.tenantId,
      'graph.clientId': graph.clientId,
      'graph.clientSecret': graph.clientSecret,
      'graph.authorityHost': graph.url,
      'graph.graphBaseUrl': graph.url,
      'graph.minPollIntervalMs': 150,
      'graph.matchRefreshMs': 0,
      'webex.baseUrl': webex.url,
      'webex.identityBaseUrl': webex.identityUrl,
      'webex.orgId': webex.orgId,
      'webex.accessToken': webex.supervisorToken,
      'webex.events': 'webhook',
      'webex.webhookSecret': WEBHOOK_SECRET,
      ...subscribe,
      ...o.config,
    },
  );
  const parts = async (db: Parameters<typeof migrateGraphStore>[0]): Promise<ConnectorParts> => {
    const side = createGraphSide(config.graph, { db, clock: systemClock, logger: silentLogger, caCertPem: graph.caCertPem, ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}), reconcileIntervalMs: 2_000 });
    const cc = createWebexAdapter({
      baseUrl: webex.url,
      identityBaseUrl: webex.identityUrl,
      orgId: webex.orgId,
      accessToken: webex.supervisorToken,
      admin: { accessToken: webex.integrationToken },
      events: 'webhook',
      webhook: { destinationUrl: `${publicUrl}/webhooks/webex`, secret: WEBHOOK_SECRET },
      http: { retries: 4, baseDelayMs: 50, maxDelayMs: 400, ...o.webexHttp },
      stream: { keepaliveMs: 2_000, reconnectBaseMs: 50, reconnectMaxMs: 400 },
    });
    const webhooks: [string, HttpHandler][] = side.webhookIntake ? [['/', createGraphWebhookRouter(side.webhookIntake)]] : [];
    webhooks.push(['/', createWebexWebhookRouter(cc, WEBHOOK_SECRET)]);
    return { cc, presence: side.presenceSource, directory: side.directory, graphAdmin: side.admin, webhooks, extraTables: ['graph_subscriptions', 'notification_inbox'], close: () => side.close() };
  };

  const boot = async (): Promise<Connector> => {
    const c = await startConnector({ config, logger: silentLogger, clock: systemClock, presetsDir: 'mappings', extraMigrations: [migrateGraphStore], parts });
    if (c.services.registry.lifecycle !== 'active') await c.services.lifecycle.activate();
    // A short settle delay keeps releases within the test's time.
    const profile = c.services.profiles.export('default');
    if (profile.settleDelayMs !== 200) c.services.profiles.update('default', { ...profile, settleDelayMs: 200 });
    await waitFor('agents matched', () => [...c.services.registry.agents.values()].filter((a) => a.teamsUserId).length >= n, 10_000, 50);
    return c;
  };

  const agentIds = webex.agents().slice(0, n).map((a) => a.id);
  const teamsIds = Array.from({ length: n }, (_, i) => demoUserId(i));
  let connector: Connector | null = await boot();
  const rig: Rig = {
    graph,
    webex,
    get connector() {
      if (!connector) throw new Error('the connector is stopped');
      return connector;
    },
    dbPath,
    agentIds,
    teamsIds,
    graphCtl,
    webexCtl: (method, path, body) => http(method, `${webex.url}${path}`, body),
    async callStart(i) {
      const r = await graphCtl('POST', `/_emulator/users/${teamsIds[i]}/call/start`);
      if (r.status !== 200) throw new Error(`call/start answered ${r.status}`);
    },
    async callEnd(i) {
      const r = await graphCtl('POST', `/_emulator/users/${teamsIds[i]}/call/end`);
      if (r.status !== 200) throw new Error(`call/end answered ${r.status}`);
    },
    async converged(busy, timeoutMs = 15_000) {
      let last: unknown = null;
      await waitFor(
        'every agent in the state Teams asks for',
        async () => {
          const list = (await http('GET', `${webex.url}/_emulator/agents`)).body as { id: string; currentState: string; auxCodeId: string }[];
          const byId = new Map(list.map((a) => [a.id, a]));
          last = agentIds.map((id) => { const m = connector?.services.registry.agents.get(id); return { cc: byId.get(id)?.currentState, connector: m?.cc, presence: m?.presence, due: m?.releaseDueAt, inFlight: m?.inFlight, last: connector?.services.registry.lastDecision(id) }; });
          const known = connector?.services.registry.agents;
          return agentIds.every((id, i) => {
            const a = byId.get(id)!;
            const state = a.currentState.toLowerCase();
            const inCc = busy.has(i) ? state === 'idle' && a.auxCodeId === TEAMS_CALL_CODE : state === 'available';
            // The connector's own memory of the agent agrees with the contact center, with nothing in flight.
            const mine = known?.get(id);
            const agrees = !known || (mine?.cc.state === (busy.has(i) ? 'Idle' : 'Available') && !mine.inFlight);
            return inCc && agrees;
          });
        },
        timeoutMs,
        50,
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
    async startConnector() {
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

/**
 * The audit invariants every fault case ends with: no command left without a final result, and for each agent
 * the newest command is confirmed and matches where Teams left the agent.
 */
export function auditProblems(entries: readonly AuditEntry[], agentIds: readonly string[], busy: ReadonlySet<number>): string[] {
  const problems: string[] = [];
  for (const e of entries) if (e.result === 'sent' || e.result === 'accepted') problems.push(`entry ${e.id} (${e.agentId} ${e.action}) still ${e.result}`);
  agentIds.forEach((id, i) => {
    const commands = entries.filter((e) => e.agentId === id && (e.action === 'set-idle' || e.action === 'set-available'));
    const lastConfirmed = commands.filter((e) => e.result === 'confirmed').at(-1);
    const want = busy.has(i) ? 'set-idle' : 'set-available';
    if (!lastConfirmed) {
      if (commands.length > 0 || want === 'set-idle') problems.push(`${id}: no confirmed command`);
    }
    else if (lastConfirmed.action !== want) problems.push(`${id}: last confirmed command is ${lastConfirmed.action}, expected ${want}`);
  });
  return problems;
}
