import type { CcState } from './agent.js';
import type { Trigger } from './decide.js';
import { commandConfirmed, type CommandRef } from './ownership.js';

/**
 * What a contact-center state (an event or a reconciliation snapshot, its origin already established by
 * reconcileOrigin) does to the agent the engine keeps: whether it is stored at all, what becomes of the command in
 * flight, and with which trigger decide() runs next. Pure; the sync service carries out the answer.
 */

export interface CcStateInput {
  known: CcState;
  observed: CcState;
  via: 'event' | 'reconcile';
  /** The adapter tied this event to the command in flight by its own tracking id. */
  trackedAsInFlight: boolean;
  inFlight: CommandRef | null;
  /** An event's contact is the one already known (false: the agent moved to another contact). Default true. */
  sameContact?: boolean;
  now: number;
  commandTimeoutMs: number;
}

export const CC_STATE_OUTCOMES = [
  'out-of-order', // an event older than the stored state: it never overwrites a newer one
  'no-command', // nothing in flight: store and decide
  'command-confirmed', // the state our command asked for, by us: the command is settled
  'command-pending', // not (yet) the command's result: store, keep waiting for it
  'command-timed-out', // a snapshot after the command timeout: the state read back supersedes the command
  'command-superseded', // someone else changed the state first
  'repeat', // an event saying again what is stored (at-least-once delivery, a contact restated): nothing to do
] as const;
export type CcStateOutcome = (typeof CC_STATE_OUTCOMES)[number];

export interface CcStateResult {
  outcome: CcStateOutcome;
  /** Store the observed state as the agent's current one. */
  store: boolean;
  /** The command in flight is settled (confirmed or superseded) and leaves the ledger. */
  settle: 'confirmed' | 'superseded' | null;
  /** Audit detail for a superseded command. */
  detail?: string;
  /** decide() runs again with this trigger, or not at all. */
  decideWith: Trigger | null;
}

export function applyCcState(i: CcStateInput): CcStateResult {
  // Deliveries are at-least-once and unordered; a snapshot is read back on purpose and always wins.
  if (i.via === 'event' && i.observed.changedAt < i.known.changedAt) {
    return { outcome: 'out-of-order', store: false, settle: null, decideWith: null };
  }
  const trigger: Trigger = i.via === 'reconcile' ? 'reconcile' : 'agent-state';
  const cmd = i.inFlight;
  const confirms = !!cmd && (i.trackedAsInFlight || (i.observed.origin === 'connector' && commandConfirmed(cmd, i.observed)));
  // A repeat changes nothing, whatever its timestamp, unless it is the result our command waits for.
  if (i.via === 'event' && !confirms && i.sameContact !== false && sameCcState(i.known, i.observed)) {
    return { outcome: 'repeat', store: false, settle: null, decideWith: null };
  }
  if (!cmd) return { outcome: 'no-command', store: true, settle: null, decideWith: trigger };
  if (confirms) {
    return { outcome: 'command-confirmed', store: true, settle: 'confirmed', decideWith: 'command-result' };
  }
  if (i.via === 'reconcile') {
    // A snapshot can predate the command: wait for its result until the command times out.
    if (i.now - cmd.sentAt < i.commandTimeoutMs) return { outcome: 'command-pending', store: true, settle: null, decideWith: null };
    return {
      outcome: 'command-timed-out',
      store: true,
      settle: 'superseded',
      detail: 'no result within the command timeout; state read back from the contact center',
      decideWith: 'reconcile',
    };
  }
  if (i.observed.origin !== 'connector') {
    return { outcome: 'command-superseded', store: true, settle: 'superseded', detail: `agent state changed by ${i.observed.origin} first`, decideWith: 'agent-state' };
  }
  // The connector's, but not this command's result (an earlier command's late echo): keep waiting.
  return { outcome: 'command-pending', store: true, settle: null, decideWith: null };
}

function sameCcState(a: CcState, b: CcState): boolean {
  return a.state === b.state && (a.idleCodeId ?? null) === (b.idleCodeId ?? null) && a.origin === b.origin;
}
