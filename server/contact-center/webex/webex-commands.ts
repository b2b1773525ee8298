import { buildMarkedReason, parseMarker } from '../../domain/command-marker.js';
import { invalid } from '../../errors.js';
import type { AgentState } from '../../domain/agent.js';
import type { AgentSnapshot, StateCommand } from '../../ports.js';
import type { CommandIds } from '../command-ids.js';
import type { Priority } from '../command-scheduler.js';
import type { CommandRecord, WebexCommandLedger } from './webex-command-ledger.js';
import type { WebexConfigClient } from './webex-config-client.js';
import type { WebexHttpClient } from './webex-http-client.js';

/**
 * State commands (`PUT /v1/agents/session/state`, 202 with the result arriving later) and the recognition of
 * their results. The connector makes the command id itself (signed, see command-ids), writes it to the ledger
 * **before** the request leaves, sends it as the `TrackingId` header and as the marker at the start of
 * `lastStateChangeReason` (≤ 128 characters), which Webex records and echoes in agent events and activities.
 *
 * A command goes out through the budget with its priority — (1) idle an agent who is not idle, (2) return to
 * Available, (3) switch the code of an idle — and is coalesced per agent: a newer command for the same agent
 * replaces one still waiting for budget (the older caller gets a SupersededError).
 */

export interface OwnClaim {
  trackingId?: string;
  commandId?: string;
}

/** The engine's current state of an agent (null: not one it keeps); the adapter keeps no copy of its own. */
export type AgentStateRead = (agentId: string) => { state: AgentState } | null;

type CommandWithId = StateCommand & { commandId?: string; priority?: Priority };

export class WebexCommands {
  constructor(
    private readonly http: WebexHttpClient,
    private readonly ledger: WebexCommandLedger,
    private readonly ids: CommandIds,
    private readonly states: { read: AgentStateRead },
    private readonly config: WebexConfigClient,
  ) {}

  newId(target: { agentId: string; state: 'Available' | 'Idle'; idleCodeId?: string }): string {
    return this.ids.create({ agentId: target.agentId, state: target.state, idleCodeId: target.state === 'Idle' ? target.idleCodeId : undefined });
  }

  async send(cmd: CommandWithId): Promise<{ trackingId: string; commandId: string }> {
    if (!cmd.agentId) throw invalid('agentId is required', 'agentId');
    if (cmd.state !== 'Available' && cmd.state !== 'Idle') throw invalid('state must be Available or Idle', 'state');
    if (cmd.state === 'Idle' && !cmd.idleCodeId) throw invalid('an idle code is required to set Idle', 'idleCodeId');
    const code = cmd.state === 'Idle' ? this.config.cachedIdleCode(cmd.idleCodeId!) : undefined;
    if (code?.isSystem) throw invalid(`idle code "${code.name}" is a system code and cannot be set`, 'idleCodeId');
    const target = { agentId: cmd.agentId, state: cmd.state, idleCodeId: cmd.state === 'Idle' ? cmd.idleCodeId : undefined };
    const commandId = cmd.commandId ?? this.ids.create(target);
    const trackingId = commandId;
    // Ledger first: the result can overtake the HTTP answer, and a crash mid-request must not forget the command.
    this.ledger.record({ commandId, trackingId, agentId: cmd.agentId, state: cmd.state, ...(target.idleCodeId ? { idleCodeId: target.idleCodeId } : {}) });
    await this.http.request('set agent state', {
      method: 'PUT',
      path: '/v1/agents/session/state',
      headers: { TrackingId: trackingId },
      body: {
        state: cmd.state,
        auxCodeId: cmd.state === 'Available' ? '0' : cmd.idleCodeId,
        lastStateChangeReason: buildMarkedReason(commandId, cmd.reason),
        agentId: cmd.agentId,
      },
      priority: cmd.priority ?? this.priorityOf(cmd),
      key: cmd.agentId,
    });
    return { trackingId, commandId };
  }

  /**
   * Whether a reported change is this connector's own: the result of a command in the ledger (by tracking id),
   * or a reason marker whose command is in the ledger, or — the ledger lost with the database — whose signed id
   * was made by this connector for exactly this agent and state. The state must be what the command asked for.
   */
  claim(change: AgentSnapshot, trackingId: string | undefined): OwnClaim | null {
    const tracked = this.ledger.resolve(trackingId);
    if (tracked && asked(tracked, change)) return { trackingId: tracked.trackingId, commandId: tracked.commandId };
    const markerId = parseMarker(change.reason);
    if (!markerId) return null;
    const rec = this.ledger.resolve(markerId);
    if (rec) return asked(rec, change) ? { trackingId: rec.trackingId, commandId: rec.commandId } : null;
    if (change.state !== 'Available' && change.state !== 'Idle') return null;
    return this.ids.verify(markerId, { agentId: change.agentId, state: change.state, idleCodeId: change.idleCodeId }) ? { commandId: markerId } : null;
  }

  private priorityOf(cmd: StateCommand): Priority {
    if (cmd.state === 'Available') return 2;
    const now = this.states.read(cmd.agentId);
    return now?.state === 'Idle' ? 3 : 1;
  }
}

function asked(rec: CommandRecord, s: AgentSnapshot): boolean {
  if (rec.agentId !== s.agentId) return false;
  if (rec.state === 'Available') return s.state === 'Available';
  return s.state === 'Idle' && (s.idleCodeId ?? null) === (rec.idleCodeId ?? null);
}
