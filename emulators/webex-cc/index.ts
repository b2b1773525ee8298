/**
 * Loopback emulator of the Webex Contact Center APIs the presence connector uses: configuration (aux codes,
 * teams, users, agent profiles), agent session commands answered 202 with asynchronous results on the
 * notification WebSocket, webhooks, the activities API, plus a `/_emulator/` control surface for contacts, RONA
 * and fault injection. HTTP and WebSocket share one server bound to 127.0.0.1. See README.md in this folder.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerActivityRoutes } from './activity-routes.js';
import { registerAgentRoutes } from './agent-routes.js';
import { AgentRegistry } from './agent-registry.js';
import { registerConfigRoutes } from './config-routes.js';
import { ContactSimulator } from './contact-simulator.js';
import { registerControlRoutes } from './control-routes.js';
import { EventHub } from './event-hub.js';
import { EmulatorStats, FaultInjector } from './fault-injector.js';
import { Router } from './http-kit.js';
import { registerNotificationRoutes } from './notification-routes.js';
import { buildAuxCodes, DEFAULT_ORG_ID, demoAgents, type SeedAgent } from './seed-data.js';
import { StateEngine } from './state-engine.js';
import { TokenBook } from './token-book.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

export { demoAgents, type SeedAgent };

export interface WebexEmulatorOptions {
  /** Default 0 (any free port); HTTP and WebSocket on 127.0.0.1. */
  port?: number;
  orgId?: string;
  /** Default demoAgents(8). */
  agents?: SeedAgent[];
  /** Default RONA timeout of an offered contact (default 8 s); each offer may override it. */
  ronaTimeoutSec?: number;
  /** Delay between the 202 of a session command and its result frame (default 20 ms). */
  stateChangeDelayMs?: number;
  /** No log lines on stderr. */
  quiet?: boolean;
  /** Socket dropped after this long without `{"keepalive":"true"}` when keepalive is enabled (default 16,000). */
  keepaliveTimeoutMs?: number;
  /** Activity periods kept per agent for the activities API (default 50). */
  historyPerAgent?: number;
}

export interface WebexEmulator {
  /** 'http://127.0.0.1:<port>' */
  url: string;
  orgId: string;
  /** Token of the connector's integration user (administrator; may act on any agent). */
  integrationToken: string;
  /** A supervisor of all teams. */
  supervisorToken: string;
  /** Each agent's own desktop token. */
  agentToken(agentId: string): string;
  agents(): { id: string; name: string; email: string; teamId: string; teamName: string }[];
  idleCodes(): { id: string; name: string; isSystemCode: boolean; active: boolean; defaultCode: boolean }[];
  close(): Promise<void>;
}

export async function startWebexEmulator(opts: WebexEmulatorOptions = {}): Promise<WebexEmulator> {
  const orgId = opts.orgId ?? DEFAULT_ORG_ID;
  const log = opts.quiet ? (): void => {} : (msg: string): void => void process.stderr.write(`[webex-cc-emulator] ${msg}\n`);
  const stats = new EmulatorStats();
  const faults = new FaultInjector();
  const reg = new AgentRegistry(orgId, opts.agents ?? demoAgents(8), buildAuxCodes(orgId), opts.historyPerAgent ?? 50, Date.now());
  const tokens = new TokenBook((id) => reg.agent(id));
  const hub = new EventHub(orgId, faults, stats, opts.keepaliveTimeoutMs ?? 16_000, log);
  const webhooks = new WebhookDispatcher(orgId, faults, stats);
  const engine = new StateEngine(reg, hub, webhooks, stats);
  const contacts = new ContactSimulator(engine, opts.ronaTimeoutSec ?? 8);
  const router = new Router(tokens, faults, stats);
  let url = '';

  registerConfigRoutes(router, reg);
  registerAgentRoutes(router, engine, opts.stateChangeDelayMs ?? 20);
  registerActivityRoutes(router, engine);
  registerNotificationRoutes(router, hub, webhooks, () => url.replace(/^http/, 'ws'));
  registerControlRoutes(router, { engine, contacts, hub, faults, stats, log });

  const server = http.createServer((req, res) => router.handle(req, res));
  server.on('upgrade', (req, socket, head) => {
    if (!hub.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log(`listening on ${url} (org ${orgId}, ${reg.agents.length} agents)`);

  return {
    url,
    orgId,
    integrationToken: tokens.integrationToken,
    supervisorToken: tokens.supervisorToken,
    agentToken: (agentId) => tokens.agentToken(agentId),
    agents: () => reg.agents.map((a) => ({ id: a.id, name: a.name, email: a.email, teamId: a.teamId, teamName: reg.team(a.teamId)?.name ?? '' })),
    idleCodes: () =>
      reg.auxCodes
        .filter((c) => c.workTypeCode === 'IDLE_CODE')
        .map((c) => ({ id: c.id, name: c.name, isSystemCode: c.isSystemCode, active: c.active, defaultCode: c.defaultCode })),
    async close() {
      contacts.close();
      hub.close();
      webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
