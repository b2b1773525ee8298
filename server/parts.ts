import type { Config } from './config.js';
import type { ConnectorParts } from './connector.js';
import { createWebexAdapter } from './contact-center/webex/webex-adapter.js';
import { createGraphSide } from './graph/index.js';
import { createGraphWebhookRouter } from './http/graph-webhook-router.js';
import { createSignInCallbackRouter } from './http/service-account-router.js';
import { createWebexWebhookRouter } from './http/webex-webhook-router.js';
import type { Logger } from './logger.js';
import { systemClock, type HttpHandler } from './ports.js';
import { WriteBackService } from './services/write-back-service.js';
import type { Db } from './store/db.js';
import { migrateGraphStore } from './store/graph-store.js';

/** Tables the adapters own, created before the core opens its stores. */
export const extraMigrations = [migrateGraphStore];

/** The real adapters: Microsoft Graph (poll or subscribe) and Webex Contact Center. */
export async function buildParts(config: Config, db: Db, logger: Logger, caCertPem?: string): Promise<ConnectorParts> {
  const clock = systemClock;
  const graph = await createGraphSide(config.graph, {
    db,
    clock,
    logger: logger.child({ component: 'graph' }),
    ...(caCertPem ? { caCertPem } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  const webhookSecret = config.webex.webhookSecret;
  const w = config.webex;
  const cc = createWebexAdapter({
    baseUrl: w.baseUrl!,
    orgId: w.orgId!,
    identityBaseUrl: w.identityBaseUrl,
    ...(w.accessToken ? { accessToken: w.accessToken } : {}),
    ...(w.clientId && w.clientSecret && w.refreshToken ? { oauth: { clientId: w.clientId, clientSecret: w.clientSecret, refreshToken: w.refreshToken } } : {}),
    ...(w.adminAccessToken || w.adminRefreshToken ? { admin: { ...(w.adminAccessToken ? { accessToken: w.adminAccessToken } : {}), ...(w.adminRefreshToken ? { refreshToken: w.adminRefreshToken } : {}) } } : {}),
    budgetPerMinute: w.budgetPerMinute,
    ...(w.commandKey ? { commandKey: w.commandKey } : {}),
    events: w.events,
    clock,
    logger,
    ...(config.webex.events === 'webhook' && config.publicUrl && webhookSecret
      ? { webhook: { destinationUrl: `${config.publicUrl}/webhooks/webex`, secret: webhookSecret } }
      : {}),
  });
  const writeBack = new WriteBackService({ writer: graph.writer, clock, logger: logger.child({ component: 'write-back' }), echoWindowMs: config.sync.echoWindowMs });
  const webhooks: [string, HttpHandler][] = [];
  if (graph.webhookIntake) webhooks.push(['/', createGraphWebhookRouter(graph.webhookIntake, { logger: logger.child({ component: 'graph-webhook' }) })]);
  const serviceAccounts = graph.connection.serviceAccountAuth;
  if (serviceAccounts) webhooks.push(['/', createSignInCallbackRouter(serviceAccounts, logger)]);
  if (config.webex.events === 'webhook' && webhookSecret) webhooks.push(['/', createWebexWebhookRouter(cc, webhookSecret, { logger })]);
  return {
    cc,
    presence: graph.presenceSource,
    directory: graph.directory,
    graphAdmin: graph.admin,
    writeBack,
    webhooks,
    extraTables: ['graph_subscriptions', 'notification_inbox', 'graph_token_cache', 'graph_service_accounts'],
    serviceAccounts,
    close: () => graph.close(),
  };
}
