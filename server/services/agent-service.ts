import { invalid, notFound } from '../errors.js';
import type { Clock } from '../ports.js';
import type { Stores } from '../store/index.js';
import type { AgentRegistry } from './agent-registry.js';
import type { SyncService } from './sync-service.js';

/** What an agent may do for themselves: pause sync for a while, and resume it. */
export class AgentService {
  constructor(
    private readonly d: { stores: Stores; registry: AgentRegistry; sync: SyncService; clock: Clock; maxPauseMinutes: number },
  ) {}

  pause(agentId: string, minutes: unknown): void {
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > this.d.maxPauseMinutes) {
      throw invalid(`minutes must be a whole number from 1 to ${this.d.maxPauseMinutes}`, 'minutes');
    }
    this.require(agentId);
    this.d.registry.updateAgent(agentId, { pausedUntil: this.d.clock.now() + minutes * 60_000 });
    this.d.sync.reevaluate([agentId], 'sync-disabled');
    // Resume by itself when the pause ends.
    this.d.clock.setTimeout(() => this.resumeIfDue(agentId), minutes * 60_000 + 10);
  }

  resume(agentId: string): void {
    this.require(agentId);
    this.d.registry.updateAgent(agentId, { pausedUntil: null });
    this.d.sync.reevaluate([agentId], 'sync-enabled');
  }

  private resumeIfDue(agentId: string): void {
    const agent = this.d.registry.agents.get(agentId);
    if (agent?.pausedUntil != null && agent.pausedUntil <= this.d.clock.now()) this.resume(agentId);
  }

  private require(agentId: string) {
    const agent = this.d.registry.agents.get(agentId);
    if (!agent) throw notFound(`agent "${agentId}" not found`);
    return agent;
  }
}
