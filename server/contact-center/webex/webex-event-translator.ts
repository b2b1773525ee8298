import type { Origin } from '../../domain/agent.js';
import type { AgentEvent, AgentSnapshot, Clock } from '../../ports.js';
import { inContact, type WebexAgentTracker } from './webex-agent-tracker.js';
import type { WebexCommandLedger } from './webex-command-ledger.js';
import { contactOf, num, obj, str, type IdleCodeLookup } from './webex-payload.js';

/**
 * Turns Webex Contact Center notifications (`{type, orgId, trackingId, data}` frames of the agent event
 * stream, or `agent:*` webhooks) into the port's `AgentEvent`s.
 *
 * Origin: `changedBy` AGENT → agent, SUPERVISOR → supervisor, SYSTEM → system; a change carrying one of our
 * tracking ids or made by the integration user (changedById) → connector; INTEGRATION by a user that is not
 * ours → unknown (another integration must not be mistaken for this connector, or the connector would
 * release an idle it did not set); anything else → unknown. An Idle with the system code named RONA is
 * reported as state RONA with origin system.
 */
export class WebexEventTranslator {
  constructor(
    private readonly tracker: WebexAgentTracker,
    private readonly ledger: WebexCommandLedger,
    private readonly idleCodes: IdleCodeLookup,
    private readonly clock: Clock,
  ) {}

  /**
   * One event-stream frame. Unknown or malformed frames translate to nothing. `overall` marks a frame that
   * states the agent's whole current state (a webhook): a state change then also ends a contact in progress,
   * where on the event stream the contact events say that.
   */
  translateFrame(frame: unknown, overall = false): AgentEvent[] {
    const f = obj(frame);
    const data = obj(f.data);
    const outer = str(f.type);
    const inner = str(data.type) ?? outer;
    const trackingId = str(data.trackingId) ?? str(f.trackingId);
    switch (inner) {
      case 'AgentStateChangeSuccess':
        return this.stateChanged(data, trackingId, overall);
      case 'AgentStateChangeFailed':
        return this.commandFailed(data, trackingId);
      case 'AgentStationLoginSuccess':
      case 'AgentReloginSuccess':
        return this.loggedIn(data);
      case 'AgentLogoutSuccess':
        return this.loggedOut(data);
      case 'AgentOfferContactRona':
        return this.rona(data);
      case 'AgentContactAssigned':
        return this.contactState(data, 'Engaged');
      case 'AgentWrapup':
        return this.contactState(data, 'WrapUp');
      case 'AgentWrappedUp':
      case 'AgentContactEnded':
        return this.contactEnded(data);
      default:
        return [];
    }
  }

  private stateChanged(d: Record<string, unknown>, trackingId: string | undefined, overall: boolean): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = num(d.lastStateChangeTimestamp) ?? num(d.eventTime);
    const auxCodeId = str(d.auxCodeId);
    const available = (str(d.subStatus) ?? str(d.status) ?? '').toLowerCase() === 'available' || auxCodeId === '0';
    const own = this.ledger.resolve(trackingId);
    let origin = this.originOf(str(d.changedBy), str(d.changedById), !!own);
    let state: AgentSnapshot['state'] = available ? 'Available' : 'Idle';
    if (!available && this.idleCodes.isRona(auxCodeId)) {
      state = 'RONA';
      origin = 'system';
    }
    const change: AgentSnapshot = {
      agentId,
      state,
      ...(available || !auxCodeId ? {} : { idleCodeId: auxCodeId }),
      origin,
      changedAt: ts ?? this.clock.now(),
      ...(str(d.lastStateChangeReason) ? { reason: str(d.lastStateChangeReason) } : {}),
      contact: null,
    };
    const eventTrackingId = own?.trackingId ?? trackingId;
    if (!overall && inContact(this.tracker.current(agentId))) {
      // Applied by Webex when the contact ends; the contact-ended event reports it.
      this.tracker.applyUnderlying(change, ts);
      return [];
    }
    const accepted = this.tracker.apply(change, ts);
    if (!accepted) return [];
    return [{ kind: 'state', ...accepted, ...(eventTrackingId ? { trackingId: eventTrackingId } : {}) }];
  }

  private commandFailed(d: Record<string, unknown>, trackingId: string | undefined): AgentEvent[] {
    const own = this.ledger.resolve(trackingId);
    if (!own) return [];
    this.ledger.forget(own);
    const code = num(d.reasonCode);
    const reason = `${str(d.reason) ?? 'state change refused'}${code !== undefined ? ` (reasonCode ${code})` : ''}`;
    return [{ kind: 'command-failed', agentId: str(d.agentId) ?? own.agentId, trackingId: own.trackingId, reason, at: this.clock.now() }];
  }

  private loggedIn(d: Record<string, unknown>): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = num(d.lastStateChangeTimestamp) ?? num(d.eventTime);
    const auxCodeId = str(d.auxCodeId);
    const available = (str(d.subStatus) ?? '').toLowerCase() === 'available' || auxCodeId === '0';
    // Agents land in Idle (the default idle code) when they sign in.
    return this.emit({
      agentId,
      state: available ? 'Available' : 'Idle',
      ...(available || !auxCodeId ? {} : { idleCodeId: auxCodeId }),
      origin: this.originOf(str(d.changedBy), str(d.changedById), false, 'agent'),
      changedAt: ts ?? this.clock.now(),
      contact: null,
    }, ts);
  }

  private loggedOut(d: Record<string, unknown>): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = num(d.lastStateChangeTimestamp) ?? num(d.eventTime);
    const by = str(d.loggedOutBy) ?? str(d.changedBy);
    return this.emit({
      agentId,
      state: 'LoggedOut',
      origin: this.originOf(by, str(d.changedById), false, 'agent'),
      changedAt: ts ?? this.clock.now(),
      ...(str(d.logoutReason) ? { reason: str(d.logoutReason) } : {}),
      contact: null,
    }, ts);
  }

  private rona(d: Record<string, unknown>): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = num(d.eventTime);
    const codeId = str(d.auxCodeId) ?? this.idleCodes.ronaCodeId();
    return this.emit({
      agentId,
      state: 'RONA',
      ...(codeId ? { idleCodeId: codeId } : {}),
      origin: 'system',
      changedAt: ts ?? this.clock.now(),
      reason: str(d.reason) ?? 'RONA',
      contact: null,
    }, ts);
  }

  private contactState(d: Record<string, unknown>, state: 'Engaged' | 'WrapUp'): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = num(d.eventTime);
    const previous = this.tracker.current(agentId);
    return this.emit({
      agentId,
      state,
      origin: 'system',
      changedAt: ts ?? this.clock.now(),
      contact: contactOf(d) ?? previous?.contact ?? null,
    }, ts);
  }

  /** The contact is over: the agent is back in the state underneath it (Available unless an idle was chosen). */
  private contactEnded(d: Record<string, unknown>): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const current = this.tracker.current(agentId);
    const ended = contactOf(d);
    // A contact the agent is not on (an offer that was never accepted, a consult leg) changes nothing.
    if (!inContact(current) || (ended && current?.contact && ended.id !== current.contact.id)) return [];
    const ts = num(d.eventTime);
    const base = this.tracker.base(agentId);
    const next: AgentSnapshot = base
      ? { ...base, changedAt: ts ?? this.clock.now(), contact: null }
      : { agentId, state: 'Available', origin: 'system', changedAt: ts ?? this.clock.now(), contact: null };
    return this.emit(next, ts);
  }

  private emit(change: AgentSnapshot, ts: number | undefined): AgentEvent[] {
    const accepted = this.tracker.apply(change, ts);
    return accepted ? [{ kind: 'state', ...accepted }] : [];
  }

  private originOf(changedBy: string | undefined, changedById: string | undefined, ownTracking: boolean, fallback: Origin = 'unknown'): Origin {
    if (ownTracking || this.ledger.isIntegrationUser(changedById)) return 'connector';
    switch ((changedBy ?? '').toUpperCase()) {
      case 'AGENT':
        return 'agent';
      case 'SUPERVISOR':
        return 'supervisor';
      case 'SYSTEM':
        return 'system';
      case 'INTEGRATION':
        // Our own user id unknown (people/me failed) or not given: the integration is most likely us.
        return changedById && this.ledger.getIntegrationUserId() ? 'unknown' : 'connector';
      case '':
        return fallback;
      default:
        return 'unknown';
    }
  }
}
