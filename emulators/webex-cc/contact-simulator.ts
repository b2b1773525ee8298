/**
 * Contacts offered to agents, driven from the control surface: offer → accept → wrapup → end, or offer → RONA
 * when the offer is not accepted within its timeout. A contact never changes `subStatus` by itself; it is
 * reported by the SDK's contact events (`AgentOfferContact`, `AgentContactAssigned`, `ContactEnded` with
 * `agentsPendingWrapUp`, `AgentWrapup`, `AgentWrappedUp`, `AgentContactUnassigned`, `AgentOfferContactRona`).
 * At the end of a contact a pending idle code (selected by the agent during the contact) is applied; RONA sets
 * the system idle code "RONA".
 */
import { randomUUID } from 'node:crypto';
import type { AgentRec, ContactRec } from './agent-registry.js';
import type { StateEngine } from './state-engine.js';

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
      offeredAt: this.engine.clock.now(),
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
    this.engine.webhookTask('task:new', a, c.interactionId, c.mediaType);
    return c;
  }

  accept(c: ContactRec): string | null {
    if (c.phase !== 'offered') return `contact is ${c.phase}, not offered`;
    const a = this.agentOf(c);
    this.clearTimer(c);
    c.phase = 'connected';
    const period = this.engine.reg.openPeriod(a, this.engine.clock.now());
    this.engine.publishContact(a, 'AgentContactAssigned', this.contactData(a, c, 'connected'));
    this.engine.webhookStateChange(a, period);
    this.engine.webhookTask('task:connected', a, c.interactionId, c.mediaType);
    return null;
  }

  wrapup(c: ContactRec): string | null {
    if (c.phase !== 'connected') return `contact is ${c.phase}, not connected`;
    const a = this.agentOf(c);
    c.phase = 'wrapup';
    const period = this.engine.reg.openPeriod(a, this.engine.clock.now());
    if (!this.legacy) this.engine.publishContact(a, 'ContactEnded', { ...this.contactData(a, c, 'wrapUp'), agentsPendingWrapUp: [a.id] });
    this.engine.publishContact(a, 'AgentWrapup', this.contactData(a, c, 'wrapUp'));
    this.engine.webhookStateChange(a, period);
    this.engine.webhookTask('task:ended', a, c.interactionId, c.mediaType);
    return null;
  }

  private get legacy(): boolean {
    return this.engine.inv.legacyContactFrames === true;
  }

  /** The frame that tells the agent the contact is gone, by the phase it ended in. */
  private endFrame(a: AgentRec, c: ContactRec, phase: ContactRec['phase']): void {
    const data = this.contactData(a, c, 'ended');
    if (this.legacy) this.engine.publishContact(a, 'AgentContactEnded', data);
    else if (phase === 'wrapup') this.engine.publishContact(a, 'AgentWrappedUp', data);
    else if (phase === 'offered') this.engine.publishContact(a, 'AgentContactUnassigned', data);
    else this.engine.publishContact(a, 'ContactEnded', { ...data, agentsPendingWrapUp: [] });
  }

  /** Ends the contact from any phase; the agent returns to Available, or to the idle code chosen meanwhile. */
  end(c: ContactRec): void {
    const a = this.agentOf(c);
    const phase = c.phase;
    this.detach(a, c);
    if (this.legacy && phase === 'wrapup') this.engine.publishContact(a, 'AgentWrappedUp', this.contactData(a, c, 'ended'));
    if (phase !== 'wrapup') this.engine.webhookTask('task:ended', a, c.interactionId, c.mediaType);
    const pending = a.pendingIdle;
    if (pending) {
      const period = this.engine.apply(a, 'Idle', pending.auxCodeId, pending.reason, pending.actor);
      this.endFrame(a, c, phase);
      this.engine.publishStateChange(a, randomUUID(), period);
      return;
    }
    const period = this.engine.reg.openPeriod(a, this.engine.clock.now());
    this.endFrame(a, c, phase);
    this.engine.webhookStateChange(a, period);
  }

  /** Offer timed out: the agent goes to the system idle code RONA (any pending idle code is dropped). */
  private rona(c: ContactRec): void {
    c.ronaTimer = null;
    if (c.phase !== 'offered' || !this.contacts.has(c.interactionId)) return;
    const a = this.agentOf(c);
    this.detach(a, c);
    const code = this.engine.reg.auxByName('RONA')!;
    const period = this.engine.apply(a, 'Idle', code.id, 'RONA', this.engine.systemActor());
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

  /** SDK `TaskData`: interaction details, no agent-state fields. */
  private contactData(a: AgentRec, c: ContactRec, state: string): Record<string, unknown> {
    const rona = String(c.ronaTimeoutSec);
    const team = this.engine.reg.team(a.teamId)?.name ?? '';
    const orgId = this.engine.reg.orgId;
    const media = c.mediaType as 'telephony';
    return {
      mediaResourceId: c.mediaResourceId,
      destAgentId: a.id,
      consultMediaResourceId: '',
      interactionId: c.interactionId,
      owner: a.id,
      queueMgr: 'aqm',
      isConferencing: c.conference,
      ronaTimeout: c.ronaTimeoutSec,
      interaction: {
        interactionId: c.interactionId,
        orgId,
        mediaType: media,
        mediaChannel: c.mediaType === 'telephony' ? 'broadcloud' : c.mediaType,
        state,
        isFcManaged: false,
        isTerminated: state === 'ended',
        previousVTeams: [],
        currentVTeam: a.teamId,
        owner: a.id,
        contactDirection: { type: 'INBOUND' },
        createdTimestamp: c.offeredAt,
        isConferenceInProgress: c.conference,
        participants: {
          [a.id]: { id: a.id, pType: 'Agent', type: 'Agent', name: a.name, teamId: a.teamId, teamName: team, hasJoined: c.phase !== 'offered' },
        },
        media: { [c.mediaResourceId]: { mediaResourceId: c.mediaResourceId, mediaType: media, mediaMgr: 'callmm', mType: 'mainCall', isHold: false, holdTimestamp: null, participants: [a.id] } },
        callAssociatedDetails: { ronaTimeout: rona },
        callProcessingDetails: {
          QMgrName: 'aqm', taskToBeSelfServiced: 'false', ani: '', displayAni: '', dnis: '', tenantId: orgId, QueueId: '', vteamId: a.teamId,
          customerName: '', virtualTeamName: team, ronaTimeout: rona, category: '', reason: '', sourceNumber: '', sourcePage: '', appUser: '',
          customerNumber: '', reasonCode: '', IvrPath: '', pathId: '', fromAddress: '', isConferencing: String(c.conference),
        },
        callFlowParams: {},
      },
    };
  }

  close(): void {
    for (const c of this.contacts.values()) this.clearTimer(c);
    this.contacts.clear();
  }
}
