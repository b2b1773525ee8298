import { describe, expect, it } from 'vitest';
import type { CcState } from '../../server/domain/agent.js';
import { buildMarkedReason, parseMarker, REASON_MAX_CHARS } from '../../server/domain/command-marker.js';
import { OWNERSHIP_REASONS, reconcileOrigin, type CommandRef, type ObservedState, type OwnershipInput } from '../../server/domain/ownership.js';

const NOW = 5_000_000;
const SKEW = 2_000;
const known: CcState = { state: 'Available', origin: 'agent', changedAt: NOW - 60_000 };
const idleCmd: CommandRef = { id: '41', action: 'set-idle', idleCodeId: 'call', sentAt: NOW - 1_000 };
const availCmd: CommandRef = { id: '42', action: 'set-available', sentAt: NOW - 1_000 };
const idle = (over: Partial<ObservedState> = {}): ObservedState => ({ state: 'Idle', idleCodeId: 'call', origin: 'unknown', changedAt: NOW - 500, ...over });

function input(over: Partial<OwnershipInput>): OwnershipInput {
  return { observed: idle(), known, ledger: { inFlight: idleCmd }, clockSkewMs: SKEW, ...over };
}

type Row = [string, Partial<OwnershipInput>, CcState['origin'], string];

// [case, input overrides, expected origin, expected reason]
const TABLE: Row[] = [
  // The marker, matched against the ledger and the timestamps
  ['our marker, the command in flight, the state it asked for', { observed: idle({ reason: 'tpc:41 In a Teams call' }) }, 'connector', 'marker-matches-command'],
  ['our marker on the applied command after a restart', { observed: idle({ reason: 'tpc:41' }), ledger: { inFlight: null, applied: idleCmd } }, 'connector', 'marker-matches-command'],
  ['our marker on a release', { observed: { state: 'Available', origin: 'unknown', changedAt: NOW, reason: 'tpc:42 free' }, ledger: { inFlight: availCmd } }, 'connector', 'marker-matches-command'],
  ['the command id the adapter parsed from the marker', { observed: idle({ commandId: '41' }) }, 'connector', 'marker-matches-command'],
  ['marker wins over a changedBy the adapter mapped to agent', { observed: idle({ reason: 'tpc:41', origin: 'agent' }) }, 'connector', 'marker-matches-command'],
  ['a marker the ledger does not know is not ours', { observed: idle({ reason: 'tpc:7' }) }, 'unknown', 'marker-unknown-command'],
  ['a marker the ledger does not know keeps a human origin', { observed: idle({ reason: 'tpc:7', origin: 'agent' }) }, 'agent', 'marker-unknown-command'],
  ['a marker the ledger lost (database lost) whose signed id the adapter verified', { observed: idle({ reason: 'tpc:7', origin: 'connector', commandId: '7' }), ledger: {} }, 'connector', 'marker-signed-by-connector'],
  ['our marker but another idle code (reason carried over)', { observed: idle({ reason: 'tpc:41', idleCodeId: 'lunch' }) }, 'unknown', 'marker-state-differs'],
  ['our marker but a state the command did not ask for', { observed: { state: 'Available', origin: 'unknown', changedAt: NOW, reason: 'tpc:41' } }, 'unknown', 'marker-state-differs'],
  ['our marker on a change older than the command', { observed: idle({ reason: 'tpc:41', changedAt: idleCmd.sentAt - SKEW - 1 }) }, 'unknown', 'marker-predates-command'],
  ['clock skew within the tolerance is accepted', { observed: idle({ reason: 'tpc:41', changedAt: idleCmd.sentAt - SKEW }) }, 'connector', 'marker-matches-command'],
  ['a marker-like text in the middle is not a marker', { observed: idle({ reason: 'lunch tpc:41' }), ledger: {} }, 'unknown', 'no-evidence'],
  // No marker
  ['the adapter tied the result to its own tracking id', { observed: idle({ origin: 'connector' }) }, 'connector', 'tracked-by-adapter'],
  ['a human origin the adapter reported', { observed: idle({ origin: 'supervisor' }) }, 'supervisor', 'reported-by-adapter'],
  ['RONA reported by the system', { observed: { state: 'RONA', origin: 'system', changedAt: NOW } }, 'system', 'reported-by-adapter'],
  ['unchanged state keeps the stored origin (restart)', { observed: idle(), known: { state: 'Idle', idleCodeId: 'call', origin: 'connector', changedAt: NOW - 500 }, ledger: {} }, 'connector', 'unchanged-since-known'],
  ['same state set again later by someone unnamed', { observed: idle({ changedAt: NOW }), known: { state: 'Idle', idleCodeId: 'call', origin: 'connector', changedAt: NOW - 10_000 }, ledger: {} }, 'unknown', 'changed-again-since-known'],
  ['exactly the state in flight, after it was sent', { observed: idle() }, 'connector', 'matches-command-in-flight'],
  ['the state in flight, but older than the command', { observed: idle({ changedAt: idleCmd.sentAt - SKEW - 1 }) }, 'unknown', 'no-evidence'],
  ['the applied command alone proves nothing without a marker', { observed: idle(), ledger: { applied: idleCmd } }, 'unknown', 'no-evidence'],
  ['an idle nobody can explain is unknown (never released)', { observed: idle({ idleCodeId: 'lunch' }) }, 'unknown', 'no-evidence'],
];

describe('reconcileOrigin() — who owns an observed state', () => {
  it.each(TABLE)('%s', (_name, over, origin, why) => {
    expect(reconcileOrigin(input(over))).toEqual({ origin, why });
  });

  it('every ownership reason has a row in the table', () => {
    const covered = new Set(TABLE.map((r) => r[3]));
    expect(OWNERSHIP_REASONS.filter((r) => !covered.has(r))).toEqual([]);
  });
});

describe('the reason marker', () => {
  it.each([
    ['41', 'In a Teams call: set to idle', 'tpc:41 In a Teams call: set to idle'],
    ['cmd_7-x', '  spaced \n text ', 'tpc:cmd_7-x spaced text'],
    ['9', '', 'tpc:9'],
  ])('builds %s + %j as %j and parses the id back', (id, text, expected) => {
    const reason = buildMarkedReason(id, text);
    expect(reason).toBe(expected);
    expect(parseMarker(reason)).toBe(id);
  });

  it('keeps the marker whole when the text is cut to the vendor limit', () => {
    const reason = buildMarkedReason('123456', 'x'.repeat(300));
    expect(reason.length).toBe(REASON_MAX_CHARS);
    expect(parseMarker(reason)).toBe('123456');
  });

  it.each([null, undefined, '', 'Lunch', 'tpc:', 'tpc: 41', 'tpc:41x!', 'xtpc:41', `tpc:${'a'.repeat(41)}`])('finds no marker in %j', (reason) => {
    expect(parseMarker(reason)).toBeNull();
  });

  it('refuses a command id that could not be parsed back', () => {
    expect(() => buildMarkedReason('a b', 'x')).toThrow(/command id "a b"/);
  });
});
