import type { AgentState, CcState, Origin } from './agent.js';
import { parseMarker } from './command-marker.js';

/**
 * Who owns an observed contact-center state (PRODUCT "The sync rule", item 4). The connector claims a state only
 * with evidence the contact center really gives back: the marker it wrote into the reason text, matched against
 * its own ledger of commands (in flight and applied), and the timestamps. An idle whose origin cannot be
 * established stays `unknown`, and decide() never releases an unknown idle: the human may have chosen it.
 */

/** A command from the connector's ledger: the one in flight, or the last one applied. */
export interface CommandRef {
  id: string;
  action: 'set-idle' | 'set-available';
  idleCodeId?: string;
  sentAt: number;
}

/** A state as the contact center reports it, before ownership is established. */
export interface ObservedState {
  state: AgentState;
  idleCodeId?: string;
  /** What the adapter could tell on its own: a documented human origin, `connector` for its own tracked command, or `unknown`. */
  origin: Origin;
  changedAt: number;
  /** The reason text recorded with the change (where the marker lives). */
  reason?: string | null;
  /** The command id of the marker, when the adapter already parsed it from the reason text. */
  commandId?: string;
}

export interface OwnershipInput {
  observed: ObservedState;
  /** What the engine last stored for the agent. */
  known: CcState;
  /** The ledger: the command in flight and the last command seen applied. */
  ledger: { inFlight?: CommandRef | null; applied?: CommandRef | null };
  /** How far the contact center's clock may run behind ours. */
  clockSkewMs: number;
}

export const OWNERSHIP_REASONS = [
  'marker-matches-command', // our marker, a command in the ledger, the state it asked for, not older than it
  'marker-unknown-command', // a marker the ledger does not know (expired, another instance): not provably ours
  'marker-signed-by-connector', // a marker the ledger does not know (database lost) whose signed id the adapter verified for this agent and state
  'marker-state-differs', // our marker, but the state is not what that command asked for (reason carried over)
  'marker-predates-command', // the change happened before the command was sent
  'tracked-by-adapter', // the adapter matched the result to a command it sent (its own tracking id)
  'unchanged-since-known', // same state as stored, no newer change: the stored origin still holds
  'changed-again-since-known', // same state as stored but changed again later, by someone the report does not name
  'matches-command-in-flight', // no marker, but exactly the state our command in flight asked for, after it was sent
  'reported-by-adapter', // a human or system origin the adapter reported
  'no-evidence', // nothing establishes who made the change
] as const;
export type OwnershipReason = (typeof OWNERSHIP_REASONS)[number];

export interface Ownership {
  origin: Origin;
  why: OwnershipReason;
}

/** True when the state is exactly what the command asked for (the "command confirmed" check). */
export function commandConfirmed(cmd: Pick<CommandRef, 'action' | 'idleCodeId'> | null | undefined, s: Pick<ObservedState, 'state' | 'idleCodeId'>): boolean {
  if (!cmd) return false;
  if (cmd.action === 'set-available') return s.state === 'Available';
  return s.state === 'Idle' && (s.idleCodeId ?? null) === (cmd.idleCodeId ?? null);
}

const sameState = (a: Pick<ObservedState, 'state' | 'idleCodeId'>, b: Pick<ObservedState, 'state' | 'idleCodeId'>): boolean =>
  a.state === b.state && (a.idleCodeId ?? null) === (b.idleCodeId ?? null);

/** Evidence that is not the connector's own: a human/system origin the adapter reported stays; else unknown. */
const notOurs = (reported: Origin, why: OwnershipReason): Ownership => ({ origin: reported === 'connector' ? 'unknown' : reported, why });

export function reconcileOrigin(input: OwnershipInput): Ownership {
  const { observed, known, clockSkewMs } = input;
  const { inFlight, applied } = input.ledger;
  const commands = [inFlight, applied].filter((c): c is CommandRef => c != null);
  const markerId = observed.commandId ?? parseMarker(observed.reason);

  if (markerId !== null) {
    const cmd = commands.find((c) => c.id === markerId);
    if (!cmd) {
      // The ledger lost with the database: the adapter verified that this connector signed the id for exactly this state.
      if (observed.origin === 'connector' && observed.commandId === markerId) return { origin: 'connector', why: 'marker-signed-by-connector' };
      return notOurs(observed.origin, 'marker-unknown-command');
    }
    if (!commandConfirmed(cmd, observed)) return notOurs(observed.origin, 'marker-state-differs');
    if (observed.changedAt < cmd.sentAt - clockSkewMs) return notOurs(observed.origin, 'marker-predates-command');
    return { origin: 'connector', why: 'marker-matches-command' };
  }
  if (observed.origin === 'connector') return { origin: 'connector', why: 'tracked-by-adapter' };
  if (observed.origin !== 'unknown') return { origin: observed.origin, why: 'reported-by-adapter' };
  // Snapshots (Webex activities) may not say who made a change: an unchanged state keeps what the engine knew,
  // otherwise a restart would forget that the connector owns an idle and never release it.
  if (sameState(observed, known)) {
    if (observed.changedAt > known.changedAt + clockSkewMs) return { origin: 'unknown', why: 'changed-again-since-known' };
    return { origin: known.origin, why: 'unchanged-since-known' };
  }
  if (inFlight && commandConfirmed(inFlight, observed) && observed.changedAt >= inFlight.sentAt - clockSkewMs) {
    return { origin: 'connector', why: 'matches-command-in-flight' };
  }
  return { origin: 'unknown', why: 'no-evidence' };
}
