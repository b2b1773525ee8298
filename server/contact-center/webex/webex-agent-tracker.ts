import type { AgentState } from '../../domain/agent.js';
import type { AgentSnapshot } from '../../ports.js';

/**
 * Per-agent memory of what the contact center last said, so that duplicated and out-of-order deliveries
 * change nothing. Webex does not guarantee order or uniqueness for either the event stream after a reconnect
 * or the webhooks, so every change is ordered by the vendor's own timestamp (`lastStateChangeTimestamp`,
 * `eventTime`): an older change is dropped; a change with the same timestamp is dropped when it says the same
 * thing again; a change that says the same thing as the current state is dropped whatever its timestamp. A change
 * without a vendor timestamp is never used to order others.
 *
 * It also keeps the agent's "underlying" state (Available / Idle / RONA) across a contact, because Webex
 * reports the end of wrap-up without restating where the agent goes next.
 */

interface Memory {
  lastTs: number;
  current: AgentSnapshot | null;
  /** Available/Idle/RONA the agent returns to when the contact in progress ends. */
  base: AgentSnapshot | null;
  /** Furthest phase seen per recent contact id. */
  contacts: Map<string, ContactPhase>;
}

/** Phases a contact passes through, in order. */
export const CONTACT_PHASE = { offered: 1, connected: 2, wrapup: 3, ended: 4 } as const;
export type ContactPhase = (typeof CONTACT_PHASE)[keyof typeof CONTACT_PHASE];

const ROUTABLE: ReadonlySet<AgentState> = new Set(['Available', 'Idle', 'RONA']);

export function inContact(s: AgentSnapshot | null | undefined): boolean {
  return !!s && (s.state === 'Engaged' || s.state === 'WrapUp');
}

function sameChange(a: AgentSnapshot | null, b: AgentSnapshot): boolean {
  return (
    !!a &&
    a.state === b.state &&
    (a.idleCodeId ?? null) === (b.idleCodeId ?? null) &&
    a.origin === b.origin &&
    (a.contact?.id ?? null) === (b.contact?.id ?? null)
  );
}

export class WebexAgentTracker {
  private readonly agents = new Map<string, Memory>();

  current(agentId: string): AgentSnapshot | null {
    return this.agents.get(agentId)?.current ?? null;
  }

  base(agentId: string): AgentSnapshot | null {
    return this.agents.get(agentId)?.base ?? null;
  }

  /**
   * Orders one change; returns it when it is new, or null when it is older than what is known or says nothing
   * new. `confirmsCommand` (the result of one of our commands) is reported even when it changes nothing, so
   * the engine can settle the command.
   */
  apply(change: AgentSnapshot, vendorTs: number | undefined, confirmsCommand = false): AgentSnapshot | null {
    const mem = this.memory(change.agentId);
    if (vendorTs !== undefined && vendorTs < mem.lastTs) return null;
    if (sameChange(mem.current, change) && !(confirmsCommand && vendorTs !== mem.lastTs)) {
      if (vendorTs !== undefined) mem.lastTs = Math.max(mem.lastTs, vendorTs);
      return null;
    }
    if (vendorTs !== undefined) mem.lastTs = Math.max(mem.lastTs, vendorTs);
    mem.current = change;
    if (ROUTABLE.has(change.state)) mem.base = change;
    else if (change.state === 'LoggedOut') mem.base = null;
    return change;
  }

  /**
   * A state change reported while the agent is on a contact (an idle code chosen mid-call is applied when the
   * contact ends): it becomes the state the agent returns to, and is not reported as the current state.
   * Returns false when it is a duplicate or older than what is known.
   */
  applyUnderlying(change: AgentSnapshot, vendorTs: number | undefined): boolean {
    const mem = this.memory(change.agentId);
    if (vendorTs !== undefined && vendorTs < mem.lastTs) return false;
    if (sameChange(mem.base, change)) return false;
    if (vendorTs !== undefined) mem.lastTs = Math.max(mem.lastTs, vendorTs);
    mem.base = change;
    return true;
  }

  /**
   * Merges a reconciliation snapshot: the snapshot wins unless an event newer than it is already known; an
   * unchanged state keeps the origin learnt from events (activities do not say who made a change).
   */
  reconcile(snap: AgentSnapshot): AgentSnapshot {
    const mem = this.memory(snap.agentId);
    const known = mem.current;
    if (known && known.state === snap.state && (known.idleCodeId ?? null) === (snap.idleCodeId ?? null)) {
      const merged: AgentSnapshot = {
        ...snap,
        origin: snap.origin === 'unknown' ? known.origin : snap.origin,
        reason: snap.reason ?? known.reason,
        contact: snap.contact ?? known.contact ?? null,
      };
      mem.current = merged;
      return merged;
    }
    if (known && mem.lastTs > snap.changedAt) return known;
    mem.current = snap;
    mem.lastTs = Math.max(mem.lastTs, snap.changedAt);
    if (ROUTABLE.has(snap.state)) mem.base = snap;
    return snap;
  }

  lastTimestamp(agentId: string): number {
    return this.agents.get(agentId)?.lastTs ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * Contact events carry no reliable order of their own, but a contact only moves forward (connected →
   * wrap-up → ended). Returns false for an event that would move a contact backwards or revive an ended one.
   */
  advanceContact(agentId: string, contactId: string, phase: ContactPhase): boolean {
    const mem = this.memory(agentId);
    const known = mem.contacts.get(contactId);
    if (known !== undefined && known >= phase) return false;
    mem.contacts.set(contactId, phase);
    if (mem.contacts.size > 8) mem.contacts.delete(mem.contacts.keys().next().value!);
    return true;
  }

  private memory(agentId: string): Memory {
    let mem = this.agents.get(agentId);
    if (!mem) {
      mem = { lastTs: Number.NEGATIVE_INFINITY, current: null, base: null, contacts: new Map() };
      this.agents.set(agentId, mem);
    }
    return mem;
  }
}
