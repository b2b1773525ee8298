import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SIGN_IN_CALLBACK_PATH, type Clock, type Directory, type GraphAdmin, type PresenceSource, type TeamsPresenceWriter } from '../ports.js';
import type { Db } from '../store/db.js';
import { GraphStore } from '../store/graph-store.js';
import { TokenCacheStore } from '../store/token-cache-store.js';
import { parseTokenCacheKey, TokenCacheCipher } from './service-account-cipher.js';
import { GraphAdminChecks } from './graph-admin.js';
import { createGraphConnection, type GraphCertificateCredential, type GraphConnection } from './graph-client.js';
import { searchPresenceBudget } from './search-budget.js';
import { GraphDirectory } from './graph-directory.js';
import { GraphPresenceWriter } from './graph-writer.js';
import type { WebhookIntake } from './notification-schema.js';
import { PollPresenceSource } from './poll-presence-source.js';
import { SubscribePresenceSource } from './subscribe-presence-source.js';

export { migrateGraphStore } from '../store/graph-store.js';
export { GRAPH_WEBHOOK_PATHS } from './subscribe-presence-source.js';

/**
 * The Microsoft side assembled from configuration: identity + Graph client, the presence source of the
 * configured mode, directory, write-back writer and admin checks. Real Microsoft endpoints unless the
 * configuration names others (the emulator) — the code path is the same.
 */

export interface GraphSideDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** CA to trust for authority and Graph hosts (overrides config.caCertPath). */
  caCertPem?: string;
  /** Public HTTPS base URL of the connector; required in subscribe mode. */
  publicUrl?: string;
  /** Subscribe mode: full reconcile poll period (default 5 minutes). */
  reconcileIntervalMs?: number;
}

export interface GraphSide {
  presenceSource: PresenceSource;
  directory: Directory;
  writer: TeamsPresenceWriter;
  admin: GraphAdmin;
  /** Subscribe mode: takes the notifications http/ receives at `/webhooks/graph/*`; undefined in poll mode. */
  webhookIntake: WebhookIntake | undefined;
  connection: GraphConnection;
  close(): Promise<void>;
}

function certificateCredential(config: Config['graph']): GraphCertificateCredential | undefined {
  if (!config.certificatePath) return undefined;
  const certificatePem = readFileSync(config.certificatePath, 'utf8');
  // A single PEM file may hold both the certificate and its key.
  const privateKeyPem = config.privateKeyPath ? readFileSync(config.privateKeyPath, 'utf8') : certificatePem;
  return { certificatePem, privateKeyPem };
}

/** Service accounts without passwords sign in interactively; their token cache needs the encryption key. */
function serviceAccountSignIn(config: Config['graph'], deps: GraphSideDeps) {
  if (config.serviceAccountAuth !== 'authorization-code' || config.serviceAccounts.length === 0) return undefined;
  if (!config.tokenCacheKey) throw new AppError('invalid', 'graph.tokenCacheKey is required to keep signed-in service accounts', 'graph.tokenCacheKey');
  const redirectUri = config.redirectUri ?? (deps.publicUrl ? `${deps.publicUrl.replace(/\/+$/, '')}${SIGN_IN_CALLBACK_PATH}` : undefined);
  return {
    store: new TokenCacheStore(deps.db),
    cipher: new TokenCacheCipher(parseTokenCacheKey(config.tokenCacheKey)),
    usernames: config.serviceAccounts.map((a) => a.username),
    redirectUri,
  };
}

export function createGraphSide(config: Config['graph'], deps: GraphSideDeps): GraphSide {
  const { clock, logger } = deps;
  if (!config.tenantId || !config.clientId) throw new AppError('invalid', 'graph.tenantId and graph.clientId are required', 'graph.tenantId');
  const certificate = certificateCredential(config);
  if (!certificate && !config.clientSecret) throw new AppError('invalid', 'graph.clientSecret or graph.certificatePath is required', 'graph.clientSecret');
  const caCertPem = deps.caCertPem ?? (config.caCertPath ? readFileSync(config.caCertPath, 'utf8') : undefined);
  const serviceAccounts = serviceAccountSignIn(config, deps);
  const connection = createGraphConnection({
    tenantId: config.tenantId,
    clientId: config.clientId,
    ...(certificate ? { certificate } : { clientSecret: config.clientSecret }),
    authorityHost: config.authorityHost,
    graphBaseUrl: config.graphBaseUrl,
    ...(caCertPem ? { caCertPem } : {}),
    ...(serviceAccounts ? { serviceAccounts } : {}),
    clock,
    logger: logger.child({ component: 'graph' }),
  });
  const budget = {
    throttleLimit: config.throttleLimit,
    throttleWindowMs: config.throttleWindowMs,
    budgetShare: config.budgetShare,
    minPollIntervalMs: config.minPollIntervalMs,
  };

  let presenceSource: PresenceSource;
  let webhookIntake: WebhookIntake | undefined;
  if (config.presenceMode === 'subscribe') {
    if (!deps.publicUrl) throw new AppError('invalid', 'publicUrl is required for subscribe mode', 'publicUrl');
    if (config.serviceAccounts.length === 0) throw new AppError('invalid', 'subscribe mode needs at least one service account', 'graph.serviceAccounts');
    const source = new SubscribePresenceSource({
      connection,
      store: new GraphStore(deps.db),
      clock,
      logger: logger.child({ component: 'graph-subscribe' }),
      serviceAccounts: config.serviceAccounts,
      publicUrl: deps.publicUrl,
      ...budget,
      reconcileIntervalMs: deps.reconcileIntervalMs ?? config.subscribeReconcileMs,
      ...(caCertPem ? { caCertPem } : {}),
    });
    connection.serviceAccountAuth?.onSignedIn((username) => source.manager.retryAccount(username));
    presenceSource = source;
    webhookIntake = source.intake;
  } else {
    presenceSource = new PollPresenceSource({ client: connection.app, clock, logger: logger.child({ component: 'graph-poll' }), ...budget });
  }

  return {
    presenceSource,
    directory: new GraphDirectory(connection.app, clock, searchPresenceBudget(budget)),
    writer: new GraphPresenceWriter(connection.app, config.clientId),
    admin: new GraphAdminChecks(connection),
    webhookIntake,
    connection,
    async close() {
      await presenceSource.stop();
      connection.close();
    },
  };
}
