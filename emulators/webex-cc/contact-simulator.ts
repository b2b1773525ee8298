/**
 * Contacts offered to agents, driven from the control surface: offer → accept → wrapup → end, or offer → RONA
 * when the offer is not accepted within its timeout. A contact never changes `subStatus` by itself; it is
 * reported by contact frames. At the end of a contact a pending idle code (selected by the agent during the
 * contact) is applied; RONA sets the system idle code "RONA" with changedBy SYSTEM.
 */
import { randomUUID } from 'node:crypto';
import type { AgentRec, ContactRec } from './agent-registry.js';
import { SYSTEM_ACTOR, type StateEngine } from './state-engine.js';

export interface OfferOptions {
  mediaType?: string;
  ronaTimeoutSec?: number;
  conference?: boolean;
}

export class ContactSimulator {
  private readonly contacts = new Map<string, ContactRec>();

  constructor(
    private readonly engine: StateEngine,
    private readonly defaultRonaSec: number,
  ) {}

  get(interactionId: string): ContactRec | undefined {
    return this.contacts.get(interactionId);
  }

  /** Offers a contact; only a logged-in, Available agent without a contact can be offered one. */
  offer(a: AgentRec, opts: OfferOptions): ContactRec | string {
    if (!a.loggedIn) return 'agent is not logged in';
    if (a.contact) return 'agent already has a contact';
    if (a.subStatus !== 'Available') return 'only an Available agent can be offered a contact';
    const c: ContactRec = {
      interactionId: randomUUID(),
      mediaResourceId: randomUUID(),
      agentId: a.id,
      mediaType: opts.mediaType ?? 'telephony',
      conference: opts.conference ?? false,
      phase: 'offered',
      offeredAt: Date.now(),
      ronaTimeoutSec: opts.ronaTimeoutSec ?? this.defaultRonaSec,
      ronaTimer: null,
    };
    this.contacts.set(c.interactionId, c);
    a.contact = c;
    const period = this.engine.reg.openPeriod(a, c.offeredAt);
    c.ronaTimer = setTimeout(() => this.rona(c), c.ronaTimeoutSec * 1000);
    c.ronaTimer.unref();
    this.engine.publishContact(a, 'AgentOfferContact', this.contactData(a, c, 'new'));
    this.engine.webhookStateChange(a, period);
    return c;
  }

  accept(c: ContactRec): string | null {
    if (c.phase !== 'offered') return `contact is ${c.phase}, not offered`;
    const a = this.agentOf(c);
    this.clearTimer(c);
    c.phase = 'connected';
    const period = this.engine.reg.openPeriod(a, Date.now());
    this.engine.publishContact(a, 'AgentContactAssigned', this.contactData(a, c, 'connected'));
    this.engine.webhookStateChange(a, period);
    return null;
  }

  wrapup(c: ContactRec): string | null {
    if (c.phase !== 'connected') return `contact is ${c.phase}, not connected`;
    const a = this.agentOf(c);
    c.phase = 'wrapup';
    const period = this.engine.reg.openPeriod(a, Date.now());
    this.engine.publishContact(a, 'AgentWrapup', this.contactData(a, c, 'wrapUp'));
    this.engine.webhookStateChange(a, period);
    return null;
  }

  /** Ends the contact from any phase; the agent returns to Available, or to the idle code chosen meanwhile. */
  end(c: ContactRec): void {
    const a = this.agentOf(c);
    const wasWrapup = c.phase === 'wrapup';
    this.detach(a, c);
    if (wasWrapup) this.engine.publishContact(a, 'AgentWrappedUp', this.contactData(a, c, 'ended'));
    const pending = a.pendingIdle;
    if (pending) {
      const period = this.engine.apply(a, 'Idle', pending.auxCodeId, pending.reason, pending.actor);
      this.engine.publishContact(a, 'AgentContactEnded', this.contactData(a, c, 'ended'));
      this.engine.publishStateChange(a, randomUUID(), period);
      return;
    }
    const period = this.engine.reg.openPeriod(a, Date.now());
    this.engine.publishContact(a, 'AgentContactEnded', this.contactData(a, c, 'ended'));
    this.engine.webhookStateChange(a, period);
  }

  /** Offer timed out: the agent goes to the system idle code RONA (any pending idle code is dropped). */
  private rona(c: ContactRec): void {
    c.ronaTimer = null;
    if (c.phase !== 'offered' || !this.contacts.has(c.interactionId)) return;
    const a = this.agentOf(c);
    this.detach(a, c);
    const code = this.engine.reg.auxByName('RONA')!;
    const period = this.engine.apply(a, 'Idle', code.id, 'RONA', SYSTEM_ACTOR);
    this.engine.publishContact(a, 'AgentOfferContactRona', { ...this.contactData(a, c, 'ended'), reason: 'RONA', reasonCode: 'RONA' });
    this.engine.publishStateChange(a, randomUUID(), period);
  }

  /** Ends the contact of an agent who is logged out by the system or reset from the control surface. */
  drop(a: AgentRec): void {
    if (a.contact) this.detach(a, a.contact);
  }

  private detach(a: AgentRec, c: ContactRec): void {
    this.clearTimer(c);
    this.contacts.delete(c.interactionId);
    if (a.contact === c) a.contact = null;
  }

  private clearTimer(c: ContactRec): void {
    if (c.ronaTimer) clearTimeout(c.ronaTimer);
    c.ronaTimer = null;
  }

  private agentOf(c: ContactRec): AgentRec {
    return this.engine.reg.agent(c.agentId)!;
  }

  private contactData(a: AgentRec, c: ContactRec, state: string): Record<string, unknown> {
    const rona = String(c.ronaTimeoutSec);
    const team = this.engine.reg.team(a.teamId)?.name ?? '';
    return {
      interactionId: c.interactionId,
      mediaResourceId: c.mediaResourceId,
      isConferencing: c.conference,
      ronaTimeout: c.ronaTimeoutSec,
      interaction: {
        interactionId: c.interactionId,
        orgId: this.engine.reg.orgId,
        mediaType: c.mediaType,
        mediaChannel: c.mediaType === 'telephony' ? 'broadcloud' : c.mediaType,
        state,
        isTerminated: state === 'ended',
        contactDirection: { type: 'INBOUND' },
        createdTimestamp: c.offeredAt,
        isConferenceInProgress: c.conference,
        participants: {
          [a.id]: { id: a.id, pType: 'Agent', type: 'Agent', name: a.name, teamId: a.teamId, teamName: team, hasJoined: c.phase !== 'offered' },
        },
        media: { [c.mediaResourceId]: { mediaResourceId: c.mediaResourceId, mediaType: c.mediaType, mType: 'mainCall', isHold: false, participants: [a.id] } },
        callAssociatedDetails: { ronaTimeout: rona },
        callProcessingDetails: { ronaTimeout: rona, virtualTeamName: team, isConferencing: String(c.conference) },
      },
    };
  }

  close(): void {
    for (const c of this.contacts.values()) this.clearTimer(c);
    this.contacts.clear();
  }
}
