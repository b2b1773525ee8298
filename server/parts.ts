import type { Config } from './config.js';
import type { ConnectorParts } from './connector.js';
import { createWebexAdapter } from './contact-center/webex/webex-adapter.js';
import { createHash } from 'node:crypto';
import { createGraphSide } from './graph/index.js';
import { parseTokenCacheKey, TokenCacheCipher } from './graph/service-account-cipher.js';
import { createGraphWebhookRouter } from './http/graph-webhook-router.js';
import { createSignInCallbackRouter } from './http/service-account-router.js';
import { createWebexWebhookRouter } from './http/webex-webhook-router.js';
import type { Logger } from './logger.js';
import { systemClock, type HttpHandler } from './ports.js';
import { WriteBackService } from './services/write-back-service.js';
import type { Db } from './store/db.js';
import { migrateGraphStore } from './store/graph-store.js';
import { TokenCacheStore } from './store/token-cache-store.js';

/** Tables the adapters own, created before the core opens its stores. */
export const extraMigrations = [migrateGraphStore];

/**
 * Keeps the Webex refresh token the identity service rotated, encrypted at rest like the Graph token cache (same key,
 * `graph.tokenCacheKey`; without a key nothing is stored, never plaintext). The stored token is used only while the
 * configured one is unchanged (its hash is kept beside it), so an operator who configures a new token wins.
 */
export function webexRefreshKeeper(db: Db, tokenCacheKey: string | undefined, configured: string, logger: Logger, id = 'webex-refresh') {
  const cipher = tokenCacheKey ? new TokenCacheCipher(parseTokenCacheKey(tokenCacheKey)) : null;
  const store = new TokenCacheStore(db);
  const configuredHash = createHash('sha256').update(configured).digest('hex');
  return {
    /** The refresh token to start with: the rotated one when kept for this configured token, else the configured one. */
    current(): string {
      const blob = cipher ? store.readCache(id) : null;
      if (!cipher || !blob) return configured;
      try {
        const kept = JSON.parse(cipher.open(blob)) as { configuredHash?: string; refreshToken?: string };
        return kept.configuredHash === configuredHash && kept.refreshToken ? kept.refreshToken : configured;
      } catch (err) {
        logger.warn({ reason: (err as Error).message }, 'the kept Webex refresh token cannot be read; using the configured one');
        return configured;
      }
    },
    save(refreshToken: string): void {
      if (!cipher) return void logger.warn('Webex rotated the refresh token; set graph.tokenCacheKey to keep it across restarts');
      store.writeCache(cipher.seal(JSON.stringify({ configuredHash, refreshToken })), systemClock.now(), id);
    },
  };
}

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
  const kept = w.refreshToken ? webexRefreshKeeper(db, config.graph.tokenCacheKey, w.refreshToken, logger) : null;
  const cc = createWebexAdapter({
    baseUrl: w.baseUrl!,
    orgId: w.orgId!,
    identityBaseUrl: w.identityBaseUrl,
    ...(w.accessToken ? { accessToken: w.accessToken } : {}),
    ...(w.clientId && w.clientSecret && kept ? { oauth: { clientId: w.clientId, clientSecret: w.clientSecret, refreshToken: kept.current() }, onRefreshToken: (t: string) => kept.save(t) } : {}),
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
