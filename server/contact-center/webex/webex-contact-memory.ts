import type { AgentState } from '../../domain/agent.js';
import type { AgentSnapshot } from '../../ports.js';

/**
 * What Webex's protocol forces the adapter to remember per agent, and nothing more. The agent's contact-center
 * state itself is the engine's (agent registry); whether an event is older than that state is decided by the
 * domain (`applyCcState`), so every state learnt here is reported with its vendor timestamp.
 *
 * - The contact the agent is on: Webex reports a state change made during a contact (an idle code chosen
 *   mid-call) before the contact ends, but applies it only when it ends; and contact events carry no order of
 *   their own, so each contact id keeps the furthest phase seen (a contact only moves forward).
 * - The underlying state (Available / Idle / RONA) the agent returns to when the contact ends: Webex reports the
 *   end of wrap-up without restating it.
 *
 * These records are ordered by the vendor's timestamps among themselves (`seenTs`), so a late delivery cannot
 * put an agent back on a contact it left; that ordering only guards this memory, never what is reported.
 */

/** Phases a contact passes through, in order. */
export const CONTACT_PHASE = { offered: 1, connected: 2, wrapup: 3, ended: 4 } as const;
export type ContactPhase = (typeof CONTACT_PHASE)[keyof typeof CONTACT_PHASE];

/** The contact an agent is on, as the last contact event said. */
export interface OnContact {
  state: 'Engaged' | 'WrapUp';
  contact: AgentSnapshot['contact'];
}

interface Memory {
  seenTs: number;
  /** Vendor time of an underlying change held back during the contact (the engine has not been told it yet). */
  heldTs: number | null;
  onContact: OnContact | null;
  underlying: AgentSnapshot | null;
  /**
   * Furthest phase of the agent's recent contacts, oldest first, as flat pairs [key, phase, key, phase, …] where
   * key is a 30-bit hash of the contact id; created at the agent's first contact (most agents held have none yet).
   * A heap snapshot of a 20-minute soak found the former Map of contact id to phase growing by 1.2 kB per agent at
   * its first contact (its hash table), before the ids it kept: 16 MB at 10,000 agents once all had taken
   * contacts, 80 MB at 50,000. Pairs of small integers cost under 200 bytes per agent and keep no id string.
   */
  phases: number[] | null;
}

/** Contacts whose phase is remembered per agent. */
const RECENT_CONTACTS = 8;

/**
 * A 30-bit FNV-1a hash of a contact id. Two of one agent's eight recent contacts sharing a key (odds about one in
 * 10^8) would only make a late event of the newer one look old and be dropped; reconciliation corrects it.
 */
function contactKey(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 2;
}

const ROUTABLE: ReadonlySet<AgentState> = new Set(['Available', 'Idle', 'RONA']);

function sameUnderlying(a: AgentSnapshot | null, b: AgentSnapshot): boolean {
  return !!a && a.state === b.state && (a.idleCodeId ?? null) === (b.idleCodeId ?? null) && a.origin === b.origin;
}

export class WebexContactMemory {
  private readonly agents = new Map<string, Memory>();

  /** The contact the agent is on, or null. */
  onContact(agentId: string): OnContact | null {
    return this.agents.get(agentId)?.onContact ?? null;
  }

  /** Where the agent returns when its contact ends (null: not known, Available). */
  underlying(agentId: string): AgentSnapshot | null {
    return this.agents.get(agentId)?.underlying ?? null;
  }

  /** The latest vendor timestamp this memory holds for the agent. */
  lastTimestamp(agentId: string): number {
    return this.agents.get(agentId)?.seenTs ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * True when a change the agent made during its contact, held back until the contact ends, is newer than this
   * time: the engine has not been told that change, so only this memory can order a delivery against it.
   */
  olderThanHeld(agentId: string, vendorTs: number | undefined): boolean {
    const held = this.agents.get(agentId)?.heldTs ?? null;
    return vendorTs !== undefined && held !== null && vendorTs < held;
  }

  /**
   * Records a state that is reported (an event, or a snapshot read back); an event older than what this memory
   * holds leaves it as it is. Returns false for a snapshot older than an event this process already received:
   * the activities were read before that event, so the snapshot does not state where the agent is now.
   */
  record(s: AgentSnapshot, vendorTs: number | undefined, readBack = false): boolean {
    const mem = this.memory(s.agentId);
    if (!readBack && vendorTs !== undefined && vendorTs < mem.seenTs) return true;
    if (readBack && mem.seenTs > s.changedAt) return false;
    if (vendorTs !== undefined) mem.seenTs = Math.max(mem.seenTs, vendorTs);
    if (readBack) mem.seenTs = Math.max(mem.seenTs, s.changedAt);
    mem.heldTs = null;
    if (s.state === 'Engaged' || s.state === 'WrapUp') {
      mem.onContact = { state: s.state, contact: s.contact ?? (readBack ? (mem.onContact?.contact ?? null) : null) };
      return true;
    }
    mem.onContact = null;
    if (ROUTABLE.has(s.state)) mem.underlying = s;
    else if (s.state === 'LoggedOut') mem.underlying = null;
    return true;
  }

  /**
   * A state change reported while the agent is on a contact: it becomes the state the agent returns to.
   * Returns false when it is a duplicate or older than what is known.
   */
  recordUnderlying(change: AgentSnapshot, vendorTs: number | undefined): boolean {
    const mem = this.memory(change.agentId);
    if (vendorTs !== undefined && vendorTs < mem.seenTs) return false;
    if (sameUnderlying(mem.underlying, change)) return false;
    if (vendorTs !== undefined) mem.seenTs = Math.max(mem.seenTs, vendorTs);
    if (vendorTs !== undefined && mem.onContact) mem.heldTs = Math.max(mem.heldTs ?? vendorTs, vendorTs);
    mem.underlying = change;
    return true;
  }

  /** The contact ended and the agent is back in its underlying state. */
  leaveContact(agentId: string): void {
    this.memory(agentId).onContact = null;
  }

  /**
   * Contact events carry no reliable order of their own, but a contact only moves forward (connected →
   * wrap-up → ended). Returns false for an event that would move a contact backwards or revive an ended one.
   */
  advanceContact(agentId: string, contactId: string, phase: ContactPhase): boolean {
    const mem = this.memory(agentId);
    const key = contactKey(contactId);
    const list = (mem.phases ??= []);
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] !== key) continue;
      if (list[i + 1]! >= phase) return false;
      list[i + 1] = phase;
      return true;
    }
    list.push(key, phase);
    if (list.length > 2 * RECENT_CONTACTS) list.splice(0, 2);
    return true;
  }

  private memory(agentId: string): Memory {
    let mem = this.agents.get(agentId);
    if (!mem) {
      mem = { seenTs: Number.NEGATIVE_INFINITY, heldTs: null, onContact: null, underlying: null, phases: null };
      this.agents.set(agentId, mem);
    }
    return mem;
  }
}
