import { randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import express from 'express';
import { startGraphEmulator, type GraphEmulator } from '../emulators/graph/index.js';
import { demoAgents, startWebexEmulator, type WebexEmulator } from '../emulators/webex-cc/index.js';
import { loadConfig, type Config } from '../server/config.js';
import type { Connector } from '../server/connector.js';
import type { Logger } from '../server/logger.js';
import type { HttpHandler } from '../server/ports.js';
import { migrateGraphStore } from '../server/store/graph-store.js';
import type { Db } from '../server/store/db.js';
import { sandboxControlOriginCheck, sandboxHostCheck, sandboxPagePolicy } from './sandbox-guard.js';
import { sandboxPage } from './sandbox-page.js';
import { sandboxDirectory } from './sandbox-options.js';
import { freePort, sandboxServiceAccounts } from './sandbox-service-accounts.js';

export interface SandboxInfo {
  adminKey: string;
  supervisorKey: string;
  agents: { id: string; name: string; email: string; teamName: string; token: string }[];
  graphUrl: string;
  webexUrl: string;
}

export interface Sandbox {
  config: Config;
  caCertPem: string;
  extraMigrations: ((db: Db) => void)[];
  /** The sandbox page, its info and the control panel's proxy to the emulators (an Express router). */
  routes: HttpHandler;
  /** Creates the sandbox keys, activates the connector and (unless `announce` is false) prints the URLs. */
  ready(connector: Connector, opts?: { announce?: boolean }): Promise<void>;
  info(): SandboxInfo;
  close(): Promise<void>;
}

/**
 * The one-command sandbox: both emulators on loopback with demo data, the connector pointed at them through
 * configuration only (same code paths as production), keys for every role, and a page with the three
 * components plus a control panel that drives the emulators.
 */
export async function startSandbox(base: Config, logger: Logger, options: { agents?: number } = {}): Promise<Sandbox> {
  const agents = options.agents ?? 8;
  const serviceAccounts = await sandboxServiceAccounts(base);
  const graph: GraphEmulator = await startGraphEmulator({ quiet: true, users: sandboxDirectory(agents), ...serviceAccounts.emulator });
  // Webex on its documented defaults; the one flag is delivery to the connector's loopback webhook (Webex delivers
  // only to https on port 443), so the connector's port is fixed before it listens.
  const webex: WebexEmulator = await startWebexEmulator({ quiet: true, agents: demoAgents(agents), inventions: { loopbackWebhooks: true } });
  const port = serviceAccounts.port === 0 ? await freePort() : serviceAccounts.port;
  const config = loadConfig(
    {},
    {
      mode: 'sandbox',
      // The sandbox serves demo keys at /sandbox/info: it only ever listens on loopback.
      host: '127.0.0.1',
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      dbPath: base.dbPath,
      logLevel: base.logLevel,
      'sync.reconcileIntervalMs': 30_000,
      'sync.stalePresenceMs': base.sync.stalePresenceMs,
      'graph.tenantId': graph.tenantId,
      'graph.clientId': graph.clientId,
      'graph.clientSecret': graph.clientSecret,
      'graph.authorityHost': graph.url,
      'graph.graphBaseUrl': graph.url,
      ...serviceAccounts.overrides,
      'graph.minPollIntervalMs': 1000,
      'webex.baseUrl': webex.url,
      // People API and OAuth live on their own origin, as webexapis.com does.
      'webex.identityBaseUrl': webex.identityUrl,
      'webex.orgId': webex.orgId,
      // A supervisor changes agents' states; the administrator registers the webhook (supervisors may not).
      'webex.accessToken': webex.supervisorToken,
      'webex.adminAccessToken': webex.integrationToken,
      'webex.events': 'webhook',
      'webex.webhookSecret': randomBytes(24).toString('hex'),
      'security.allowedOrigins': base.security.allowedOrigins,
    },
  );
  let info: SandboxInfo | null = null;

  const forward = async (target: 'graph' | 'webex', path: string, method: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    if (target === 'webex') {
      const res = await fetch(`${webex.url}/_emulator/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    }
    return new Promise((resolve, reject) => {
      const url = new URL(`${graph.url}/_emulator/${path}`);
      const req = httpsRequest(url, { method, ca: graph.caCertPem, headers: { 'content-type': 'application/json' } }, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, body: data ? JSON.parse(data) : null }));
      });
      req.on('error', reject);
      if (method !== 'GET') req.end(JSON.stringify(body ?? {}));
      else req.end();
    });
  };

  return {
    config,
    caCertPem: graph.caCertPem,
    extraMigrations: [migrateGraphStore],
    routes: routes((router) => {
      router.use(sandboxHostCheck(() => port));
      router.get('/', (_req, res) => {
        const html = sandboxPage();
        res.setHeader('Content-Security-Policy', sandboxPagePolicy(html, config.security.allowedOrigins));
        res.type('html').send(html);
      });
      router.get('/sandbox/info', (_req, res) => {
        res.json(info);
      });
      // The control panel drives the emulators' /_emulator/ surfaces through here (same origin, no CORS).
      router.all(/^\/sandbox\/control\/(graph|webex)\/(.+)$/, sandboxControlOriginCheck, express.json({ limit: '64kb' }), (req, res) => {
        const m = /^\/sandbox\/control\/(graph|webex)\/(.+)$/.exec(req.path)!;
        forward(m[1] as 'graph' | 'webex', m[2]!, req.method, req.body)
          .then((r) => res.status(r.status).json(r.body))
          .catch((err: unknown) => res.status(502).json({ error: { code: 'upstream', message: (err as Error).message } }));
      });
    }),
    async ready(connector, opts = {}) {
      const now = Date.now();
      // Keys of earlier sandbox runs stop working; the new ones are marked sandbox-only (refused in live mode).
      connector.stores.keys.revokeSandboxKeys(now);
      const admin = connector.stores.keys.create('sandbox admin', 'admin', null, now);
      const supervisor = connector.stores.keys.create('sandbox supervisor', 'supervisor', null, now);
      for (const k of [admin, supervisor]) connector.stores.keys.markSandboxOnly(k.record.id);
      const adminKey = admin.key;
      const supervisorKey = supervisor.key;
      if (connector.services.registry.lifecycle !== 'active') {
        try {
          await connector.services.lifecycle.activate();
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'sandbox: activation failed');
        }
      }
      const teams = new Map(webex.agents().map((a) => [a.id, a.teamName]));
      info = {
        adminKey,
        supervisorKey,
        agents: webex.agents().slice(0, 8).map((a) => ({ id: a.id, name: a.name, email: a.email, teamName: teams.get(a.id) ?? '', token: webex.agentToken(a.id) })),
        graphUrl: graph.url,
        webexUrl: webex.url,
      };
      if (opts.announce === false) return;
      const u = connector.url;
      const first = info.agents[0];
      process.stdout.write(
        [
          '',
          'Teams Presence Connector — sandbox (emulated Microsoft Graph and Webex Contact Center, demo agents)',
          `  Sandbox page (all three components + control panel): ${u}/`,
          `  Agent widget:      ${u}/?view=agent${first ? `&agent=${first.id}` : ''}`,
          `  Supervisor page:   ${u}/?view=supervisor`,
          `  Admin page:        ${u}/?view=admin`,
          ...(config.graph.presenceMode === 'subscribe' ? [`  Subscribe mode: sign the service accounts in on the admin page (password Passw0rd!, then approve the MFA prompt)`] : []),
          `  Supervisor console: ${u}/?view=console`,
          `  API (OpenAPI):     ${u}/api/openapi.json`,
          `  Sandbox API keys (admin, supervisor) and agent tokens: ${u}/sandbox/info`,
          `  Graph emulator:    ${graph.url}/_emulator/   Webex CC emulator: ${webex.url}/_emulator/`,
          '',
        ].join('\n') + '\n',
      );
    },
    info() {
      if (!info) throw new Error('sandbox not ready');
      return info;
    },
    async close() {
      await Promise.allSettled([graph.close(), webex.close()]);
    },
  };
}

function routes(build: (router: express.Router) => void): HttpHandler {
  const router = express.Router();
  build(router);
  return router;
}

