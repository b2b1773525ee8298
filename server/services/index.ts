import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Clock, ContactCenter, Directory, GraphAdmin, PresenceSource, Publisher, WriteBack } from '../ports.js';
import type { SqliteStores, Stores } from '../store/index.js';
import { AgentRegistry } from './agent-registry.js';
import { AgentService } from './agent-service.js';
import { DirectoryService } from './directory-service.js';
import { DryRunService } from './dry-run-service.js';
import { InsightsService } from './insights-service.js';
import { LifecycleService } from './lifecycle-service.js';
import { LatencyRecorder } from './metrics.js';
import { PresenceHealthMonitor } from './presence-health-monitor.js';
import { ProfileService } from './profile-service.js';
import { ReadService } from './read-service.js';
import { SyncService } from './sync-service.js';
import { ViewService } from './view-service.js';
import type { ServiceAccountSignIn } from '../graph/service-account-port.js';

export interface ServiceDeps {
  config: Config;
  stores: Stores;
  cc: ContactCenter;
  presence: PresenceSource;
  directory: Directory;
  graphAdmin: GraphAdmin;
  writeBack?: WriteBack;
  clock: Clock;
  logger: Logger;
  /** Late-bound: the gateway exists only once the HTTP server does. */
  publisher: Publisher;
  extraTables?: readonly string[];
  /** Interactive sign-in of the delegated Graph service accounts (subscribe mode), when configured. */
  serviceAccounts?: ServiceAccountSignIn | null;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(d: ServiceDeps) {
  const registry = new AgentRegistry(d.stores, d.clock);
  d.writeBack?.useAudit?.(d.stores.audit);
  const metrics = new LatencyRecorder();
  registry.load();
  const sync = new SyncService({
    stores: d.stores,
    registry,
    cc: d.cc,
    clock: d.clock,
    logger: d.logger,
    publisher: d.publisher,
    config: d.config.sync,
    metrics,
    ...(d.writeBack ? { writeBack: d.writeBack } : {}),
  });
  const directory = new DirectoryService({ stores: d.stores, registry, cc: d.cc, directory: d.directory, presence: d.presence, clock: d.clock, logger: d.logger, searchesPerMinute: d.config.security.searchesPerMinute });
  const lifecycle = new LifecycleService({
    stores: d.stores,
    registry,
    sync,
    directory,
    cc: d.cc,
    graph: d.graphAdmin,
    presence: d.presence,
    publisher: d.publisher,
    clock: d.clock,
    extraTables: d.extraTables ?? [],
  });
  const profiles = new ProfileService(d.stores, registry, d.clock, (profileId) => {
    const affected = [...registry.agents.values()].filter((a) => registry.profileFor(a)?.id === profileId || profileId === 'default');
    sync.reevaluate(affected.map((a) => a.id), 'profile-changed');
  });
  const agents = new AgentService({ stores: d.stores, registry, sync, clock: d.clock, maxPauseMinutes: d.config.sync.maxPauseMinutes });
  const views = new ViewService(registry);
  const reads = new ReadService(registry, d.stores);
  const dryRun = new DryRunService(registry, sync);
  const insights = new InsightsService({ registry, stores: d.stores, clock: d.clock, commandTimeoutMs: d.config.sync.commandTimeoutMs });
  const monitor = new PresenceHealthMonitor({
    registry,
    sync,
    presence: d.presence,
    publisher: d.publisher,
    clock: d.clock,
    logger: d.logger,
    staleAfterMs: d.config.sync.stalePresenceMs,
  });

  function status() {
    const ph = d.presence.health();
    const cch = d.cc.health();
    const all = [...registry.agents.values()];
    return {
      lifecycle: registry.lifecycle,
      presenceMode: d.presence.mode,
      health: {
        tokenAcquiredAt: d.graphAdmin.tokenAcquiredAt(),
        lastGraphSuccessAt: ph.lastSuccessAt,
        lastGraphError: ph.lastError,
        lastCcSuccessAt: cch.lastSuccessAt,
        lastCcError: cch.lastError,
        ccEventStreamUp: cch.streamUp,
        subscriptionExpiresAt: ph.subscriptionExpiresAt ?? null,
        subscriptions: ph.subscriptions ?? null,
        /** Users Graph refuses (deleted, unknown), kept out of subscriptions and reads; the admin page lists them. */
        isolatedUsers: ph.isolatedUsers ?? [],
        presenceCatches: ph.catches ?? null,
        pollIntervalMs: ph.pollIntervalMs ?? null,
        pollLagMs: ph.pollLagMs ?? null,
        throttled429: ph.throttledCount,
        graphCalls: ph.graphCalls,
        presenceStale: registry.presenceStaleSince != null,
        staleSince: registry.presenceStaleSince,
        lastDirectoryRefreshAt: directory.lastRefreshAt,
      },
      /** Whether the store takes writes, and how many the engine holds in memory until it does (store/write-journal.ts). */
      storage: (d.stores as Partial<SqliteStores>).journal?.status() ?? null,
      permissions: lifecycle.lastPermissionChecks,
      adminConsentUrl: d.graphAdmin.adminConsentUrl(),
      unmatchedAgents: directory.unmatched(),
      contactCenter: d.cc.details?.() ?? null,
      counts: {
        agents: all.length,
        matched: all.filter((a) => a.teamsUserId).length,
        connectorIdle: all.filter((a) => a.cc.state === 'Idle' && a.cc.origin === 'connector').length,
      },
    };
  }

  return { metrics, registry, reads, sync, dryRun, directory, lifecycle, profiles, agents, views, insights, monitor, status, stores: d.stores, cc: d.cc, presence: d.presence, serviceAccounts: d.serviceAccounts ?? null };
}
