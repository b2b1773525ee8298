import { describe, expect, it } from 'vitest';
import type { CcState } from '../../server/domain/agent.js';
import { applyCcState, CC_STATE_OUTCOMES, type CcStateInput, type CcStateResult } from '../../server/domain/cc-state.js';
import type { CommandRef } from '../../server/domain/ownership.js';

const NOW = 9_000_000;
const TIMEOUT = 15_000;
const known: CcState = { state: 'Available', origin: 'agent', changedAt: NOW - 5_000 };
const cmd: CommandRef = { id: '7', action: 'set-idle', idleCodeId: 'call', sentAt: NOW - 1_000 };
const obs = (over: Partial<CcState> = {}): CcState => ({ state: 'Idle', idleCodeId: 'call', origin: 'connector', changedAt: NOW - 500, ...over });

function input(over: Partial<CcStateInput>): CcStateInput {
  return { known, observed: obs(), via: 'event', trackedAsInFlight: false, inFlight: cmd, now: NOW, commandTimeoutMs: TIMEOUT, ...over };
}

type Row = [string, Partial<CcStateInput>, Partial<CcStateResult>];

// [case, input overrides, expected result fields]
const TABLE: Row[] = [
  ['an event older than the stored state is dropped', { observed: obs({ changedAt: known.changedAt - 1 }) }, { outcome: 'out-of-order', store: false, settle: null, decideWith: null }],
  ['an older snapshot is read back on purpose and wins', { via: 'reconcile', inFlight: null, observed: obs({ changedAt: known.changedAt - 1 }) }, { outcome: 'no-command', store: true, decideWith: 'reconcile' }],
  ['no command in flight: store and decide', { inFlight: null, observed: obs({ origin: 'agent' }) }, { outcome: 'no-command', store: true, settle: null, decideWith: 'agent-state' }],
  ['the state our command asked for, by us', {}, { outcome: 'command-confirmed', settle: 'confirmed', decideWith: 'command-result' }],
  ['tied to the command by its tracking id', { trackedAsInFlight: true, observed: obs({ idleCodeId: 'other', origin: 'unknown' }) }, { outcome: 'command-confirmed', settle: 'confirmed' }],
  ['a snapshot before the command result, within the timeout', { via: 'reconcile', observed: obs({ state: 'Available', origin: 'agent' }) }, { outcome: 'command-pending', store: true, settle: null, decideWith: null }],
  ['a snapshot after the command timeout supersedes it', { via: 'reconcile', now: cmd.sentAt + TIMEOUT, observed: obs({ state: 'Available', origin: 'agent' }) }, { outcome: 'command-timed-out', settle: 'superseded', decideWith: 'reconcile' }],
  ['a supervisor changed the state first', { observed: obs({ idleCodeId: 'coaching', origin: 'supervisor' }) }, { outcome: 'command-superseded', settle: 'superseded', detail: 'agent state changed by supervisor first', decideWith: 'agent-state' }],
  ['an earlier command of ours echoing late: keep waiting', { observed: obs({ state: 'Available' }) }, { outcome: 'command-pending', store: true, settle: null, decideWith: null }],
  ['an event saying again what is stored, even with a newer time, changes nothing', { inFlight: null, observed: { ...known, changedAt: known.changedAt + 10 } }, { outcome: 'repeat', store: false, settle: null, decideWith: null }],
  ['the same state on another contact is not a repeat', { inFlight: null, sameContact: false, observed: { ...known, changedAt: known.changedAt + 10 } }, { outcome: 'no-command', store: true, decideWith: 'agent-state' }],
  ['a repeat that is the result our command waits for settles it', { known: obs({ changedAt: NOW - 900 }) }, { outcome: 'command-confirmed', settle: 'confirmed' }],
  ['a snapshot saying again what is stored is still read back', { via: 'reconcile', inFlight: null, observed: { ...known } }, { outcome: 'no-command', store: true, decideWith: 'reconcile' }],
];

describe('applyCcState() — what a contact-center state does to the agent', () => {
  it.each(TABLE)('%s', (_name, over, expected) => {
    expect(applyCcState(input(over))).toMatchObject(expected);
  });

  it('every outcome has a row in the table', () => {
    const covered = new Set(TABLE.map((r) => r[2].outcome));
    expect(CC_STATE_OUTCOMES.filter((o) => !covered.has(o))).toEqual([]);
  });
});
