import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SessionGuard } from './gateway/session-guard.js';
import { createApp, opsOptions, type App } from './http/app.js';
import { startAuditPruning } from './audit-pruner.js';
import type { Config } from './config.js';
import type { ServiceAccountSignIn } from './graph/service-account-port.js';
import type { Logger } from './logger.js';
import type { Clock, ContactCenter, Directory, GraphAdmin, HttpHandler, PresenceSource, Principal, WriteBack } from './ports.js';
import { createServices, type Services } from './services/index.js';
import { openDatabase, type Db } from './store/db.js';
import { createStores, type Stores } from './store/index.js';

/** The adapters a connector runs on: real ones in production, emulator-backed in the sandbox, fakes in tests. */
export interface ConnectorParts {
  cc: ContactCenter;
  presence: PresenceSource;
  directory: Directory;
  graphAdmin: GraphAdmin;
  writeBack?: WriteBack;
  webhooks?: [string, HttpHandler][];
  /** Tables owned by adapters that delete must empty. */
  extraTables?: readonly string[];
  /** Interactive sign-in of delegated Graph service accounts (admin page). */
  serviceAccounts?: ServiceAccountSignIn | null;
  close?: () => Promise<void>;
}

export interface ConnectorOptions {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Adapter tables are created by these before the core opens its stores. */
  extraMigrations?: ((db: Db) => void)[];
  parts: (db: Db) => ConnectorParts | Promise<ConnectorParts>;
  /** Folder of mapping presets seeded on first start (mappings/). */
  presetsDir?: string;
  statics?: [string, string][];
  /** Extra routes mounted before the API (the sandbox page and its control panel). */
  extra?: HttpHandler;
}

export interface Connector {
  app: App;
  services: Services;
  stores: Stores;
  parts: ConnectorParts;
  url: string;
  close(): Promise<void>;
}

const AGENT_TOKEN_CACHE_MS = 60_000;

/** Composition: db → stores → adapters → services → app → listen; and the periodic work. */
export async function startConnector(o: ConnectorOptions): Promise<Connector> {
  const { config, logger, clock } = o;
  const db = openDatabase(config.dbPath, o.extraMigrations ?? []);
  const stores = createStores(db);
  if (config.mode === 'live') stores.keys.refuseSandboxKeys();
  const parts = await o.parts(db);

  // Agent desktop tokens are checked against the contact center's identity, cached briefly by hash.
  const agentTokens = new Map<string, { principal: Principal | null; until: number }>();
  const auth = async (token: string): Promise<Principal | null> => {
    const key = stores.keys.verify(token);
    if (key) return { role: key.role, agentId: key.agentId, name: key.name, keyId: key.id };
    if (!parts.cc.verifyAgentToken) return null;
    const h = createHash('sha256').update(token).digest('hex');
    const cached = agentTokens.get(h);
    if (cached && cached.until > clock.now()) return cached.principal;
    const agentId = await parts.cc.verifyAgentToken(token).catch(() => null);
    // Only accepted tokens are cached: a refusal is never remembered, so a token that becomes valid (or a wrong one
    // retried) is checked again; repeated wrong tokens are bounded by the per-source failure limit instead.
    if (!agentId) return null;
    const principal: Principal = { role: 'agent', agentId, name: agentId };
    if (agentTokens.size > 10_000) agentTokens.clear();
    agentTokens.set(h, { principal, until: clock.now() + AGENT_TOKEN_CACHE_MS });
    return principal;
  };

  const app = createApp({
    auth,
    logger,
    ...(parts.webhooks ? { webhooks: parts.webhooks } : {}),
    ...(o.statics ? { statics: o.statics } : {}),
    ...(o.extra ? { extra: o.extra } : {}),
    ops: opsOptions(config.ops, db),
    security: config.security,
  });
  const sessions = new SessionGuard(app.gateway.io, logger, (token) => stores.keys.verify(token) !== null);
  stores.keys.onRevoke((id) => sessions.revokeKey(id));
  sessions.start(config.security.sessionRecheckMs);
  const services = createServices({
    config,
    stores,
    cc: parts.cc,
    presence: parts.presence,
    directory: parts.directory,
    graphAdmin: parts.graphAdmin,
    ...(parts.writeBack ? { writeBack: parts.writeBack } : {}),
    clock,
    logger,
    publisher: app.gateway,
    extraTables: parts.extraTables ?? [],
    serviceAccounts: parts.serviceAccounts ?? null,
  });
  app.attach(services);

  if (stores.profiles.all().length === 0 && o.presetsDir && services.registry.lifecycle !== 'deleted') {
    // Idle codes are needed to resolve presets by name.
    try {
      await services.directory.refresh();
    } catch {
      /* reported in status; presets are seeded on the next start */
    }
    if (services.registry.idleCodes.size > 0) {
      const added = services.profiles.seedPresets(o.presetsDir);
      logger.info({ profiles: added }, 'mapping presets loaded');
      stores.profiles.upsertTeams([...services.registry.teams.values()], 'default');
      services.registry.reloadTeams();
    }
  }
  if (config.bootstrapAdminKey && !stores.keys.all().some((k) => k.role === 'admin')) {
    stores.keys.create('bootstrap admin', 'admin', null, clock.now(), config.bootstrapAdminKey);
  }

  services.sync.recover();
  await parts.presence.start((events) => services.sync.onPresence(events));
  await parts.cc.start((events) => services.sync.onAgentEvents(events), (agentId) => services.registry.agents.get(agentId)?.cc ?? null);
  if (services.registry.lifecycle === 'active') {
    await services.directory.refresh().catch(() => undefined);
  }
  await services.sync.reconcile();
  services.monitor.start();
  const pruning = startAuditPruning(db, config.ops, logger.child({ component: 'audit-retention' }), () => clock.now());

  const timers: { cancel(): void }[] = [];
  const every = (ms: number, fn: () => Promise<unknown>): void => {
    if (ms <= 0) return;
    const tick = (): void => {
      const t = clock.setTimeout(() => {
        fn()
          .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'periodic task failed'))
          .finally(() => {
            if (timers.includes(t)) {
              timers.splice(timers.indexOf(t), 1);
              tick();
            }
          });
      }, ms);
      timers.push(t);
    };
    tick();
  };
  every(config.sync.reconcileIntervalMs, () => services.sync.reconcile());
  every(config.graph.matchRefreshMs, () => (services.registry.lifecycle === 'active' ? services.directory.refresh() : Promise.resolve()));

  await new Promise<void>((resolve, reject) => {
    app.http.once('error', reject);
    app.http.listen(config.port, config.host, () => resolve());
  });
  const { port } = app.http.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;

  let closed = false;
  return {
    app,
    services,
    stores,
    parts,
    url,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers.splice(0)) t.cancel();
      sessions.stop();
      services.monitor.stop();
      services.sync.stop();
      await parts.presence.stop().catch(() => undefined);
      await parts.cc.stop().catch(() => undefined);
      await parts.writeBack?.stop().catch(() => undefined);
      await app.gateway.close();
      await new Promise<void>((resolve) => app.http.close(() => resolve()));
      await parts.close?.();
      await pruning.stop();
      db.close();
    },
  };
}
