import type { Logger } from '../logger.js';
import type { Clock, PresenceSource, Publisher } from '../ports.js';
import type { AgentRegistry } from './agent-registry.js';
import type { SyncService } from './sync-service.js';

/**
 * Fail open on stale presence: when Teams presence cannot be read for longer than the limit, agents held idle
 * by the connector are released (per configuration) and widgets say why; when presence is readable again the
 * engine reconciles and sync resumes by itself.
 */
export class PresenceHealthMonitor {
  private timer: { cancel(): void } | null = null;
  private startedAt = 0;

  constructor(
    private readonly d: {
      registry: AgentRegistry;
      sync: SyncService;
      presence: PresenceSource;
      publisher: Publisher;
      clock: Clock;
      logger: Logger;
      staleAfterMs: number;
      checkEveryMs?: number;
    },
  ) {}

  start(): void {
    this.startedAt = this.d.clock.now();
    this.schedule();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private schedule(): void {
    const every = this.d.checkEveryMs ?? Math.max(1000, Math.min(10_000, this.d.staleAfterMs / 4));
    this.timer = this.d.clock.setTimeout(() => {
      this.check();
      if (this.timer) this.schedule();
    }, every);
  }

  /** One check; public for tests and for the admin status. */
  check(): void {
    const { registry, clock } = this.d;
    const now = clock.now();
    const last = this.d.presence.health().lastSuccessAt ?? this.startedAt;
    const stale = now - last > this.d.staleAfterMs;
    if (stale && registry.presenceStaleSince == null) {
      registry.setPresenceStale(last);
      this.d.logger.warn({ lastSuccessAt: last }, 'Teams presence is stale; releasing agents held idle by the connector');
      this.d.sync.reevaluate([...registry.agents.keys()], 'stale-presence');
      this.d.publisher.agentsChanged(registry.agents.keys());
      this.d.publisher.connectorChanged();
    } else if (!stale && registry.presenceStaleSince != null) {
      registry.setPresenceStale(null);
      this.d.logger.info('Teams presence readable again; sync resumes');
      this.d.sync.reevaluate([...registry.agents.keys()], 'reconcile');
      this.d.publisher.agentsChanged(registry.agents.keys());
      this.d.publisher.connectorChanged();
    }
  }
}
