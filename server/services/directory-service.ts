import { SearchQuota } from './search-quota.js';
import type { Logger } from '../logger.js';
import type { Clock, ContactCenter, Directory, DirectoryEntry, PresenceSource } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { Stores } from '../store/index.js';
import type { AgentRegistry } from './agent-registry.js';

/**
 * Keeps the agent list in step with the contact center and matches each agent to a Teams user by email /
 * user principal name; the presence source then watches exactly the matched users.
 */
export class DirectoryService {
  lastRefreshAt: number | null = null;
  lastError: string | null = null;

  constructor(
    private readonly d: {
      stores: Stores;
      registry: AgentRegistry;
      cc: ContactCenter;
      directory: Directory;
      presence: PresenceSource;
      clock: Clock;
      logger: Logger;
      /** Directory searches per user per minute (config security.searchesPerMinute). */
      searchesPerMinute?: number;
    },
  ) {
    this.quota = new SearchQuota(d.searchesPerMinute ?? 30, () => d.clock.now());
  }

  private readonly quota: SearchQuota;

  /** Pulls teams, agents and idle codes from the contact center, then matches agents to Teams users. */
  async refresh(): Promise<{ agents: number; matched: number }> {
    const { stores, registry, cc, clock } = this.d;
    try {
      const [teams, agents, codes] = await Promise.all([cc.listTeams(), cc.listAgents(), cc.listIdleCodes()]);
      const now = clock.now();
      stores.connector.replaceIdleCodes(codes, now);
      registry.setIdleCodes(codes);
      stores.profiles.upsertTeams(teams, registry.profiles.has('default') ? 'default' : null);
      registry.reloadTeams();
      registry.upsertDirectory(agents.map((a) => ({ id: a.id, name: a.name, email: a.email, teamId: a.teamId || null })));
      const matched = await this.match([...registry.agents.values()]);
      this.lastRefreshAt = clock.now();
      this.lastError = null;
      return { agents: registry.agents.size, matched };
    } catch (err) {
      this.lastError = (err as Error).message;
      this.d.logger.warn({ err: this.lastError }, 'directory refresh failed');
      throw err;
    }
  }

  private async match(agents: readonly Readonly<AgentRecord>[]): Promise<number> {
    const { stores, registry } = this.d;
    const users = await this.d.directory.findUsersByEmail(agents.map((a) => a.email));
    let matched = 0;
    stores.transaction(() => {
      for (const a of agents) {
        const user = users.get(a.email.toLowerCase());
        const teamsUserId = user?.id ?? null;
        if (teamsUserId) matched++;
        if (teamsUserId === a.teamsUserId) continue;
        registry.updateAgent(a.id, { teamsUserId, ...(teamsUserId ? {} : { presence: null, presenceAt: null }) });
      }
    });
    this.d.presence.watch([...registry.agents.values()].flatMap((a) => (a.teamsUserId ? [a.teamsUserId] : [])));
    return matched;
  }

  unmatched(): { agentId: string; name: string; email: string }[] {
    return [...this.d.registry.agents.values()]
      .filter((a) => !a.teamsUserId)
      .map((a) => ({ agentId: a.id, name: a.name, email: a.email }));
  }

  /** `user` (who is searching) is held to the per-user search quota; internal callers (readiness) pass none. */
  search(query: string, limit = 20, user?: string): Promise<DirectoryEntry[]> {
    if (user !== undefined) this.quota.take(user);
    return this.d.directory.search(query, limit);
  }
}
