import type { Decision, DecisionInput, Trigger } from '../domain/decide.js';
import { decisionReason } from '../domain/describe.js';
import type { DecisionView } from './view-types.js';
import type { Stores } from '../ports.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { AuditResult } from '../store/audit-store.js';
import type { AgentRegistry } from './agent-registry.js';

/**
 * Writes every decision, applied or skipped, to the audit trail with its inputs, its reason and the command it
 * sends (PRODUCT "The sync rule", item 5), and keeps the decision the agent sees in step with it.
 */
export class DecisionRecorder {
  constructor(private readonly d: { stores: Stores; registry: AgentRegistry }) {}

  /**
   * Adds the audit entry; returns its id and, unless it is a mere re-check after a command result, the view the
   * agent should see now (the caller stores it with the agent's other changes in one write).
   */
  record(agent: Readonly<AgentRecord>, trigger: Trigger, decision: Decision, input: DecisionInput, text: string, now: number): { auditId: number; view: DecisionView | null } {
    const result: AuditResult =
      decision.action === 'skip' ? 'skipped' : decision.action === 'set-idle' || decision.action === 'set-available' ? 'sent' : 'recorded';
    const inputs = {
      presence: input.presence ?? null,
      cc: input.cc,
      profileId: input.profile?.id ?? null,
      pendingIdleCodeId: input.pendingIdleCodeId ?? null,
      releaseDueAt: input.releaseDueAt ?? null,
      pausedUntil: input.pausedUntil ?? null,
      connectorActive: input.connectorActive,
      teamSyncEnabled: input.teamSyncEnabled,
      presenceStale: input.presenceStale ?? false,
      echo: input.echo ? true : false,
    };
    const name = this.d.registry.idleCodeName;
    const command =
      decision.action === 'set-idle'
        ? { state: 'Idle', idleCodeId: decision.idleCodeId, idleCodeName: name(decision.idleCodeId) }
        : decision.action === 'set-available'
          ? { state: 'Available' }
          : undefined;
    const reasonCode = decisionReason(decision, name);
    const id = this.d.stores.audit.add({
      at: now,
      agentId: agent.id,
      trigger,
      action: decision.action,
      reason: decision.reason,
      text,
      reasonParams: reasonCode.params,
      teamsState: 'teamsState' in decision ? (decision.teamsState ?? null) : null,
      inputs,
      command,
      result,
    });
    // The re-check after the contact center confirms a command is audited, but the agent keeps seeing the
    // decision that caused the change ("Free in Teams again: returned to Available"), not "nothing to do".
    const visible = !(trigger === 'command-result' && decision.action === 'skip');
    return { auditId: id, view: visible ? { id, at: now, trigger, action: decision.action, reason: decision.reason, text, reasonCode, result } : null };
  }

  /** A command's outcome, in the audit trail and in the agent's view of the decision that sent it. */
  result(agentId: string, auditId: number, result: AuditResult, detail: string | null, now: number): void {
    this.d.stores.audit.result(auditId, result, detail, now);
    this.d.registry.setDecisionResult(agentId, auditId, result);
  }
}
