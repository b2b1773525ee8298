import { describeDecision } from '../domain/describe.js';
import type { Presence } from '../domain/presence.js';
import { invalid } from '../errors.js';
import type { AgentRegistry } from './agent-registry.js';
import type { SyncService } from './sync-service.js';
import type { DryRunAnswer } from './view-types.js';

/**
 * The supervisor's dry run: what the rule would decide for an agent if Teams showed `presence`, and the state that
 * would follow, without any effect.
 */
export class DryRunService {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly sync: SyncService,
  ) {}

  preview(agentId: string, presence: Presence): DryRunAnswer {
    const agent = this.registry.agents.get(agentId);
    if (!agent) throw invalid(`agent "${agentId}" not found`, 'agentId');
    const name = this.registry.idleCodeName;
    const d = this.sync.dryRun(agent, presence).decision;
    const current = { state: agent.cc.state, idleCodeName: agent.cc.idleCodeId ? name(agent.cc.idleCodeId) : null };
    const wouldBecome =
      d.action === 'set-idle'
        ? { state: 'Idle', idleCodeName: name(d.idleCodeId) }
        : d.action === 'set-available'
          ? { state: 'Available', idleCodeName: null }
          : d.action === 'schedule-release'
            ? { state: 'Available', idleCodeName: null, at: d.at }
            : d.action === 'hold-pending'
              ? { state: 'Idle', idleCodeName: name(d.idleCodeId), afterContact: true }
              : null;
    return { decision: d, text: describeDecision(d, name), current, wouldBecome };
  }
}
