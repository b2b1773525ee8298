import type { Origin } from '../../domain/agent.js';
import type { AgentEvent, AgentSnapshot, Clock } from '../../ports.js';
import { CONTACT_PHASE, type ContactPhase, type WebexContactMemory } from './webex-contact-memory.js';
import type { WebexCommandLedger } from './webex-command-ledger.js';
import { contactOf, num, obj, str, type IdleCodeLookup } from './webex-payload.js';

/** Whether a reported change is the connector's own: its tracking id, or its marker in the reason text. */
export type ClaimCheck = (change: AgentSnapshot, trackingId: string | undefined) => { trackingId?: string; commandId?: string } | null;

/**
 * Turns Webex Contact Center notifications (`{type, orgId, trackingId, data}` frames of the agent event
 * stream, or `agent:*` webhooks) into the port's `AgentEvent`s.
 *
 * Origin: the connector's own change is recognised only from what Webex gives back — the tracking id of a
 * command in the ledger, or the connector's marker in `lastStateChangeReason` (see `ClaimCheck`). `changedBy`
 * AGENT → agent; SUPERVISOR / SYSTEM (not documented, harmless: never the connector) → supervisor / system;
 * anything else, null included → unknown, which the engine never releases. `changedById` is never used: the
 * connector acts as a supervisor user, whose own Desktop changes carry the same id. An Idle with the system
 * code RONA is reported as state RONA with origin system.
 *
 * Order: a state change is ordered by the later of `lastStateChangeTimestamp` and
 * `lastIdleCodeChangeTimestamp` (an idle-code switch keeps the state timestamp); every state is reported with
 * that time and the domain (`applyCcState`) drops the older ones and the repeats. Contacts: an offer
 * (`AgentOfferContact`, ringing) already puts the agent on the contact, so a mapped idle waits as pending;
 * `ContactEnded` (with `agentsPendingWrapUp`), `AgentContactUnassigned`, `AgentWrappedUp` end it.
 */
export class WebexEventTranslator {
  constructor(
    private readonly memory: WebexContactMemory,
    private readonly ledger: WebexCommandLedger,
    private readonly idleCodes: IdleCodeLookup,
    private readonly claim: ClaimCheck,
    private readonly clock: Clock,
    /**
     * How long the end of a contact waits before reporting where the agent went. Webex applies an idle code
     * chosen during the contact when it ends and reports it in a separate state change that may follow the
     * contact-ended frame; reporting "Available" in between would invite the connector to set its own idle
     * over the agent's choice. 0 reports at once.
     */
    private readonly contactEndGraceMs = 0,
    private readonly onLate: (events: AgentEvent[]) => void = () => {},
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
      case 'AgentOfferContact':
      case 'AgentOfferConsult':
        return this.contactState(data, 'Engaged', CONTACT_PHASE.offered);
      case 'AgentContactAssigned':
        return this.contactState(data, 'Engaged');
      case 'AgentWrapup':
        return this.contactState(data, 'WrapUp');
      case 'ContactEnded':
        return this.contactEndedForAll(data);
      case 'AgentWrappedUp':
      case 'AgentContactEnded':
      case 'AgentContactUnassigned':
      case 'AgentOfferContactRejected':
        return this.contactEnded(data);
      default:
        return [];
    }
  }

  private stateChanged(d: Record<string, unknown>, trackingId: string | undefined, overall: boolean): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = changeTime(d);
    const auxCodeId = str(d.auxCodeId);
    const available = (str(d.subStatus) ?? str(d.status) ?? '').toLowerCase() === 'available' || auxCodeId === '0';
    let origin = this.originOf(str(d.changedBy));
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
    const own = state === 'RONA' ? null : this.claim(change, trackingId);
    if (own) change.origin = 'connector';
    if (own?.commandId) change.commandId = own.commandId;
    const eventTrackingId = own?.trackingId ?? trackingId;
    if (!overall && this.memory.onContact(agentId)) {
      // Applied by Webex when the contact ends; the contact-ended event reports it.
      this.memory.recordUnderlying(change, ts);
      return [];
    }
    // Older than a change held back during the contact, which only this memory knows of yet.
    if (this.memory.olderThanHeld(agentId, ts)) return [];
    this.memory.record(change, ts);
    return [{ kind: 'state', ...change, ...(eventTrackingId ? { trackingId: eventTrackingId } : {}) }];
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
    const ts = changeTime(d);
    const auxCodeId = str(d.auxCodeId);
    const available = (str(d.subStatus) ?? '').toLowerCase() === 'available' || auxCodeId === '0';
    // Agents land in Idle (the default idle code) when they sign in.
    return this.emit({
      agentId,
      state: available ? 'Available' : 'Idle',
      ...(available || !auxCodeId ? {} : { idleCodeId: auxCodeId }),
      origin: this.originOf(str(d.changedBy), 'agent'),
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
      origin: this.originOf(by, 'agent'),
      changedAt: ts ?? this.clock.now(),
      ...(str(d.logoutReason) ? { reason: str(d.logoutReason) } : {}),
      contact: null,
    }, ts);
  }

  private rona(d: Record<string, unknown>): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = num(d.eventTime);
    const offered = contactOf(d);
    if (offered && !this.memory.advanceContact(agentId, offered.id, CONTACT_PHASE.ended)) return [];
    const codeId = this.idleCodes.ronaCodeId() ?? str(d.auxCodeId);
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

  private contactState(d: Record<string, unknown>, state: 'Engaged' | 'WrapUp', offered?: ContactPhase): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const ts = num(d.eventTime);
    const contact = contactOf(d) ?? this.memory.onContact(agentId)?.contact ?? null;
    const phase = offered ?? (state === 'Engaged' ? CONTACT_PHASE.connected : CONTACT_PHASE.wrapup);
    if (contact && !this.memory.advanceContact(agentId, contact.id, phase)) return [];
    return this.emit({ agentId, state, origin: 'system', changedAt: ts ?? this.clock.now(), contact }, ts);
  }

  /**
   * `ContactEnded` (SDK `TaskManager`): agents listed in `agentsPendingWrapUp` go to wrap-up, the owner and
   * any other agent on the contact are done with it.
   */
  private contactEndedForAll(d: Record<string, unknown>): AgentEvent[] {
    const pending = Array.isArray(d.agentsPendingWrapUp) ? d.agentsPendingWrapUp.filter((x): x is string => typeof x === 'string') : [];
    const agentId = str(d.agentId) ?? str(d.owner) ?? str(obj(d.interaction).owner);
    if (!agentId) return [];
    if (pending.includes(agentId)) return this.contactState({ ...d, agentId }, 'WrapUp');
    return this.contactEnded({ ...d, agentId });
  }

  /** The contact is over: the agent is back in the state underneath it (Available unless an idle was chosen). */
  private contactEnded(d: Record<string, unknown>): AgentEvent[] {
    const agentId = str(d.agentId);
    if (!agentId) return [];
    const current = this.memory.onContact(agentId);
    const ended = contactOf(d);
    // A contact the agent is not on (an offer that was never accepted, a consult leg) changes nothing.
    if (!current || (ended && current.contact && ended.id !== current.contact.id)) return [];
    const fresh = this.stateCarried(d, agentId);
    if (fresh) this.memory.recordUnderlying(fresh.change, fresh.ts);
    const endedId = ended?.id ?? current.contact?.id;
    if (endedId && !this.memory.advanceContact(agentId, endedId, CONTACT_PHASE.ended)) return [];
    const ts = num(d.eventTime);
    const settle = (): AgentEvent[] => {
      const now = this.memory.onContact(agentId);
      // Superseded meanwhile: logged out, RONA'd, or already on the next contact.
      if (!now || (endedId && now.contact && now.contact.id !== endedId)) return [];
      const base = this.memory.underlying(agentId);
      const at = Math.max(base?.changedAt ?? 0, ts ?? this.clock.now());
      const next: AgentSnapshot = base
        ? { ...base, changedAt: at, contact: null }
        : { agentId, state: 'Available', origin: 'system', changedAt: at, contact: null };
      return this.emit(next, undefined);
    };
    if (this.contactEndGraceMs <= 0) return settle();
    this.clock.setTimeout(() => this.onLate(settle()), this.contactEndGraceMs);
    return [];
  }

  /**
   * Some contact frames restate the agent's session (`subStatus`, `auxCodeId`, `changedBy`,
   * `lastStateChangeTimestamp`). When that state is newer than anything known (an idle code chosen during the
   * contact and applied at its end), it is where the agent goes next.
   */
  private stateCarried(d: Record<string, unknown>, agentId: string): { change: AgentSnapshot; ts: number } | null {
    const ts = changeTime(d);
    const sub = (str(d.subStatus) ?? '').toLowerCase();
    if (ts === undefined || (sub !== 'available' && sub !== 'idle') || ts <= this.memory.lastTimestamp(agentId)) return null;
    const auxCodeId = str(d.auxCodeId);
    const available = sub === 'available' || auxCodeId === '0';
    const rona = !available && this.idleCodes.isRona(auxCodeId);
    const change: AgentSnapshot = {
      agentId,
      state: available ? 'Available' : rona ? 'RONA' : 'Idle',
      ...(available || !auxCodeId ? {} : { idleCodeId: auxCodeId }),
      origin: rona ? 'system' : this.originOf(str(d.changedBy)),
      changedAt: ts,
      ...(str(d.lastStateChangeReason) ? { reason: str(d.lastStateChangeReason) } : {}),
      contact: null,
    };
    const own = rona ? null : this.claim(change, undefined);
    if (own) change.origin = 'connector';
    if (own?.commandId) change.commandId = own.commandId;
    return { ts, change };
  }

  private emit(change: AgentSnapshot, ts: number | undefined): AgentEvent[] {
    if (this.memory.olderThanHeld(change.agentId, ts)) return [];
    this.memory.record(change, ts);
    return [{ kind: 'state', ...change }];
  }

  private originOf(changedBy: string | undefined, fallback: Origin = 'unknown'): Origin {
    switch ((changedBy ?? '').toUpperCase()) {
      case 'AGENT':
        return 'agent';
      case 'SUPERVISOR':
        return 'supervisor';
      case 'SYSTEM':
        return 'system';
      case '':
        return fallback;
      default:
        return 'unknown';
    }
  }
}

/** When a state change happened: the later of the state and idle-code timestamps (a code switch keeps the state's). */
export function changeTime(d: Record<string, unknown>): number | undefined {
  const a = num(d.lastStateChangeTimestamp);
  const b = num(d.lastIdleCodeChangeTimestamp);
  const latest = a !== undefined && b !== undefined ? Math.max(a, b) : (a ?? b);
  return latest ?? num(d.eventTime);
}
