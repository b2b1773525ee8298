import { connectorOwnsIdle } from '../domain/decide.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { Clock, ContactCenter, GraphAdmin, PermissionCheck, PresenceSource, Publisher } from '../ports.js';
import type { Lifecycle } from '../store/connector-store.js';
import type { Stores } from '../store/index.js';
import type { AgentRegistry } from './agent-registry.js';
import type { DirectoryService } from './directory-service.js';
import type { SyncService } from './sync-service.js';

/** Graph permissions each presence mode needs (write-back adds Presence.ReadWrite.All). */
export function neededPermissions(writeBack: boolean): string[] {
  return ['Presence.Read.All', 'User.Read.All', ...(writeBack ? ['Presence.ReadWrite.All'] : [])];
}

/**
 * Unconfigured → (verified against both sides) → Active ⇄ Inactive → Deleted. Deactivation releases the agents
 * the connector holds idle (per profile); delete is refused unless inactive.
 */
export class LifecycleService {
  lastPermissionChecks: PermissionCheck[] = [];

  constructor(
    private readonly d: {
      stores: Stores;
      registry: AgentRegistry;
      sync: SyncService;
      directory: DirectoryService;
      cc: ContactCenter;
      graph: GraphAdmin;
      presence: PresenceSource;
      publisher: Publisher;
      clock: Clock;
      /** Tables owned by adapters that delete must empty (subscriptions, inbox). */
      extraTables: readonly string[];
    },
  ) {}

  get lifecycle(): Lifecycle {
    return this.d.registry.lifecycle;
  }

  private writeBackUsed(): boolean {
    return [...this.d.registry.profiles.values()].some((p) => p.syncMode === 'cc-to-teams' || p.syncMode === 'both');
  }

  /** Checks each needed permission with a real call, and the contact center with a real call. */
  async verify(): Promise<PermissionCheck[]> {
    const checks = await this.d.graph.checkPermissions(neededPermissions(this.writeBackUsed()));
    try {
      await this.d.cc.listIdleCodes();
      checks.push({ permission: `${this.d.cc.vendor} contact center API`, ok: true, detail: 'idle codes listed' });
    } catch (err) {
      checks.push({ permission: `${this.d.cc.vendor} contact center API`, ok: false, detail: (err as Error).message });
    }
    // The credential must be allowed to change agents of every synced team ("Change Agent States" reach).
    if (this.d.cc.checkTeams) checks.push(await this.d.cc.checkTeams([...this.d.registry.teams.values()].filter((t) => t.syncEnabled)));
    this.lastPermissionChecks = checks;
    return checks;
  }

  async activate(): Promise<PermissionCheck[]> {
    const current = this.lifecycle;
    if (current === 'active') throw conflict('the connector is already active');
    if (current === 'deleted') throw conflict('the connector was deleted; configure it again before activating');
    const checks = await this.verify();
    const failed = checks.filter((c) => !c.ok);
    if (failed.length) {
      throw new AppError('conflict', `cannot activate: ${failed.map((c) => `${c.permission} (${c.detail})`).join('; ')}`, undefined, checks);
    }
    await this.d.directory.refresh();
    this.setLifecycle('active');
    this.d.sync.reevaluate(this.d.registry.agents.keys(), 'activate');
    await this.d.sync.reconcile();
    return checks;
  }

  deactivate(): void {
    if (this.lifecycle !== 'active') throw conflict(`the connector is ${this.lifecycle}, not active`);
    // Decide the releases while still able to say why, then mark inactive.
    const held = [...this.d.registry.agents.values()].filter((a) => connectorOwnsIdle(a.cc)).map((a) => a.id);
    this.setLifecycle('inactive');
    this.d.sync.reevaluate(held, 'deactivate');
  }

  async remove(): Promise<{ deleted: true; note: string }> {
    if (this.lifecycle === 'active') throw conflict('deactivate the connector before deleting it');
    if (this.lifecycle === 'deleted') throw notFound('the connector is already deleted');
    await this.d.presence.stop();
    this.d.stores.connector.wipe(this.d.clock.now(), this.d.extraTables);
    this.d.registry.load();
    this.d.publisher.connectorChanged();
    return {
      deleted: true,
      note: 'Mappings, credentials and subscriptions were removed. The Azure app registration must be removed by the Azure administrator.',
    };
  }

  setTeamSync(teamId: string, enabled: boolean): void {
    const team = this.d.registry.teams.get(teamId);
    if (!team) throw notFound(`team "${teamId}" not found`);
    this.d.stores.profiles.setTeamSync(teamId, enabled);
    this.d.registry.reloadTeams();
    const members = [...this.d.registry.agents.values()].filter((a) => a.teamId === teamId).map((a) => a.id);
    this.d.sync.reevaluate(members, enabled ? 'sync-enabled' : 'sync-disabled');
  }

  private setLifecycle(lifecycle: Lifecycle): void {
    this.d.registry.setLifecycle(lifecycle);
    this.d.publisher.connectorChanged();
  }
}
