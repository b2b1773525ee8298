import { describe, expect, it } from 'vitest';
import type { CcState } from '../../server/domain/agent.js';
import { decide, SKIP_REASONS, type DecisionInput } from '../../server/domain/decide.js';
import type { MappingProfile } from '../../server/domain/mapping.js';
import type { Presence } from '../../server/domain/presence.js';

const NOW = 1_000_000;
const profile: MappingProfile = {
  id: 'p',
  name: 'P',
  rules: [
    { teamsState: 'DoNotDisturb', idleCodeId: 'dnd' },
    { teamsState: 'Presenting', idleCodeId: 'present' },
    { teamsState: 'InACall', idleCodeId: 'call' },
  ],
  settleDelayMs: 3000,
  syncMode: 'teams-to-cc',
  releaseOnDisable: true,
};

const CALL: Presence = { availability: 'Busy', activity: 'InACall' };
const PRESENTING: Presence = { availability: 'DoNotDisturb', activity: 'Presenting' };
const DND: Presence = { availability: 'DoNotDisturb', activity: 'DoNotDisturb' };
const FREE: Presence = { availability: 'Available', activity: 'Available' };
const MEETING: Presence = { availability: 'Busy', activity: 'InAMeeting' };

const cc = (state: CcState['state'], origin: CcState['origin'] = 'agent', idleCodeId?: string): CcState => ({
  state,
  origin,
  changedAt: NOW - 10_000,
  ...(idleCodeId ? { idleCodeId } : {}),
});

function input(over: Partial<DecisionInput>): DecisionInput {
  return {
    trigger: 'presence',
    now: NOW,
    connectorActive: true,
    teamSyncEnabled: true,
    matched: true,
    pausedUntil: null,
    cc: cc('Available'),
    presence: CALL,
    profile,
    pendingIdleCodeId: null,
    releaseDueAt: null,
    overridePresence: null,
    inFlight: null,
    commandTimeoutMs: 15_000,
    echo: null,
    releaseOnStale: true,
    ...over,
  };
}

type Row = [string, Partial<DecisionInput>, string, string, Record<string, unknown>?];

// [case, input overrides, expected action, expected reason, expected fields of decision or memory]
const TABLE: Row[] = [
  // Gates (rule 1)
  ['connector inactive', { connectorActive: false }, 'skip', 'connector-inactive'],
  ['team sync disabled', { teamSyncEnabled: false }, 'skip', 'sync-disabled'],
  ['profile sync mode CC→Teams only', { profile: { ...profile, syncMode: 'cc-to-teams' } }, 'skip', 'sync-disabled'],
  ['profile sync mode off', { profile: { ...profile, syncMode: 'off' } }, 'skip', 'sync-disabled'],
  ['agent logged out', { cc: cc('LoggedOut', 'agent') }, 'skip', 'agent-logged-out'],
  ['agent unmatched', { matched: false }, 'skip', 'agent-unmatched'],
  ['agent paused', { pausedUntil: NOW + 60_000 }, 'skip', 'sync-paused'],
  ['pause expired acts again', { pausedUntil: NOW - 1 }, 'set-idle', 'presence-busy', { idleCodeId: 'call' }],
  ['no presence read yet', { presence: null }, 'skip', 'no-presence-yet'],
  ['presence stale: what is stored is not evidence', { presenceStale: true, presence: CALL }, 'skip', 'presence-stale'],
  ['no mapping profile applies', { profile: null }, 'skip', 'no-profile'],
  ['no mapping profile, even on deactivate', { profile: null, trigger: 'deactivate', cc: cc('Idle', 'connector', 'call') }, 'skip', 'no-profile'],
  // Rule 2: presence maps
  ['Available + Teams call → idle call', {}, 'set-idle', 'presence-busy', { idleCodeId: 'call', teamsState: 'InACall' }],
  ['Available + conference call → idle call', { presence: { availability: 'Busy', activity: 'InAConferenceCall' } }, 'set-idle', 'presence-busy', { idleCodeId: 'call' }],
  ['Available + presenting → idle presenting', { presence: PRESENTING }, 'set-idle', 'presence-busy', { idleCodeId: 'present', teamsState: 'Presenting' }],
  ['Available + DND → idle dnd', { presence: DND }, 'set-idle', 'presence-busy', { idleCodeId: 'dnd' }],
  ['Available + Focusing → idle dnd', { presence: { availability: 'DoNotDisturb', activity: 'Focusing' } }, 'set-idle', 'presence-busy', { idleCodeId: 'dnd' }],
  ['case-insensitive values', { presence: { availability: 'busy', activity: 'inacall' } }, 'set-idle', 'presence-busy', { idleCodeId: 'call' }],
  ['connector idle with another code → switch', { cc: cc('Idle', 'connector', 'dnd') }, 'set-idle', 'idle-code-switch', { idleCodeId: 'call' }],
  ['connector idle with the same code → nothing', { cc: cc('Idle', 'connector', 'call') }, 'skip', 'already-idle-with-code'],
  ['same code cancels a scheduled release', { cc: cc('Idle', 'connector', 'call'), releaseDueAt: NOW + 1000 }, 'skip', 'already-idle-with-code', { releaseDueAt: null }],
  ['idle chosen by the agent wins', { cc: cc('Idle', 'agent', 'break') }, 'skip', 'idle-set-by-agent'],
  ['idle set by a supervisor wins', { cc: cc('Idle', 'supervisor', 'coaching') }, 'skip', 'idle-set-by-supervisor'],
  ['idle set by the system wins', { cc: cc('Idle', 'system', 'channel-failure') }, 'skip', 'idle-set-by-system'],
  ['idle of unknown origin wins', { cc: cc('Idle', 'unknown', 'x') }, 'skip', 'idle-set-by-unknown'],
  ['RONA is the contact center’s', { cc: cc('RONA', 'system', 'rona') }, 'skip', 'agent-in-rona'],
  ['Engaged → pending idle', { cc: cc('Engaged', 'system') }, 'hold-pending', 'agent-engaged', { idleCodeId: 'call', pendingIdleCodeId: 'call' }],
  ['WrapUp → pending idle', { cc: cc('WrapUp', 'system') }, 'hold-pending', 'agent-in-wrapup', { pendingIdleCodeId: 'call' }],
  ['Engaged with the same pending → nothing new', { cc: cc('Engaged', 'system'), pendingIdleCodeId: 'call' }, 'skip', 'pending-unchanged'],
  ['Engaged, presence changes code → pending updated', { cc: cc('Engaged', 'system'), pendingIdleCodeId: 'dnd' }, 'hold-pending', 'agent-engaged', { pendingIdleCodeId: 'call' }],
  ['contact ended, presence still maps → pending applied', { trigger: 'agent-state', cc: cc('Available', 'system'), previousCc: cc('WrapUp', 'system'), pendingIdleCodeId: 'call' }, 'set-idle', 'pending-applied', { idleCodeId: 'call', pendingIdleCodeId: null }],
  ['unmapped busy state (meeting) is free for this profile', { presence: MEETING, cc: cc('Available') }, 'skip', 'presence-free-nothing-to-release'],
  // Rule 3: presence no longer maps
  ['free + connector idle → schedule release after settle delay', { presence: FREE, cc: cc('Idle', 'connector', 'call') }, 'schedule-release', 'settle-delay', { at: NOW + 3000, releaseDueAt: NOW + 3000 }],
  ['free + release already scheduled → wait', { presence: FREE, cc: cc('Idle', 'connector', 'call'), releaseDueAt: NOW + 500 }, 'skip', 'release-scheduled'],
  ['settle timer due → Available', { trigger: 'settle-timer', presence: FREE, cc: cc('Idle', 'connector', 'call'), releaseDueAt: NOW }, 'set-available', 'presence-free', { releaseDueAt: null }],
  ['settle delay 0 → Available at once', { presence: FREE, cc: cc('Idle', 'connector', 'call'), profile: { ...profile, settleDelayMs: 0 } }, 'set-available', 'presence-free'],
  ['free + idle by the agent → kept', { presence: FREE, cc: cc('Idle', 'agent', 'lunch') }, 'skip', 'presence-unmapped-state-kept'],
  ['free + RONA → kept', { presence: FREE, cc: cc('RONA', 'system', 'rona') }, 'skip', 'presence-unmapped-state-kept'],
  ['free + Engaged with pending → pending dropped', { presence: FREE, cc: cc('Engaged', 'system'), pendingIdleCodeId: 'call' }, 'skip', 'pending-dropped', { pendingIdleCodeId: null }],
  ['free + Available → nothing', { presence: FREE }, 'skip', 'presence-free-nothing-to-release'],
  // Races
  ['presence changes while a command is in flight → wait for its answer', { inFlight: { action: 'set-idle', idleCodeId: 'dnd', sentAt: NOW - 100 } }, 'skip', 'command-in-flight'],
  ['in-flight command past its timeout is treated as lost', { inFlight: { action: 'set-idle', idleCodeId: 'dnd', sentAt: NOW - 20_000 } }, 'set-idle', 'presence-busy'],
  ['agent goes Available by hand right after the connector idled them → respected', { trigger: 'agent-state', cc: cc('Available', 'agent'), previousCc: cc('Idle', 'connector', 'call') }, 'skip', 'manual-available-respected', { overridePresence: CALL }],
  ['supervisor makes them Available right after → respected', { trigger: 'agent-state', cc: cc('Available', 'supervisor'), previousCc: cc('Idle', 'connector', 'call') }, 'skip', 'manual-available-respected'],
  ['override holds while presence is unchanged', { cc: cc('Available', 'agent'), overridePresence: CALL, trigger: 'reconcile' }, 'skip', 'manual-available-respected'],
  ['override ends when Teams presence changes', { cc: cc('Available', 'agent'), overridePresence: CALL, presence: PRESENTING }, 'set-idle', 'presence-busy', { idleCodeId: 'present' }],
  ['agent chooses another idle right after the connector → theirs now', { trigger: 'agent-state', cc: cc('Idle', 'agent', 'break'), previousCc: cc('Idle', 'connector', 'call') }, 'skip', 'idle-set-by-agent'],
  ['agent logs in (Available) while Teams busy → idle', { trigger: 'agent-state', cc: cc('Available', 'agent'), previousCc: cc('Idle', 'agent', 'login') }, 'set-idle', 'presence-busy'],
  // Echo suppression
  ['own write-back session echo ignored', { echo: { presence: CALL, until: NOW + 1000 }, cc: cc('WrapUp', 'system') }, 'skip', 'echo-of-connector-session'],
  ['echo window over → real presence', { echo: { presence: CALL, until: NOW - 1 } }, 'set-idle', 'presence-busy'],
  ['different presence than the echo is real', { echo: { presence: CALL, until: NOW + 1000 }, presence: PRESENTING }, 'set-idle', 'presence-busy', { idleCodeId: 'present' }],
  // Rule 5: leaving sync
  ['deactivate releases connector idle', { trigger: 'deactivate', connectorActive: false, cc: cc('Idle', 'connector', 'call') }, 'set-available', 'released-on-disable'],
  ['an idle confirmed after deactivation is released too', { trigger: 'command-result', connectorActive: false, cc: cc('Idle', 'connector', 'call') }, 'set-available', 'released-on-disable'],
  ['an idle confirmed after deactivation stays with "leave" configured', { trigger: 'command-result', connectorActive: false, cc: cc('Idle', 'connector', 'call'), profile: { ...profile, releaseOnDisable: false } }, 'skip', 'connector-inactive'],
  ['deactivate leaves agent idle alone', { trigger: 'deactivate', connectorActive: false, cc: cc('Idle', 'agent', 'lunch') }, 'skip', 'disable-leaves-state'],
  ['deactivate with "leave" configured', { trigger: 'deactivate', cc: cc('Idle', 'connector', 'call'), profile: { ...profile, releaseOnDisable: false } }, 'skip', 'disable-leaves-state'],
  ['team sync disabled releases connector idle', { trigger: 'sync-disabled', cc: cc('Idle', 'connector', 'dnd') }, 'set-available', 'released-on-disable'],
  ['deactivate drops a pending idle', { trigger: 'deactivate', cc: cc('Engaged', 'system'), pendingIdleCodeId: 'call' }, 'skip', 'disable-leaves-state', { pendingIdleCodeId: null }],
  // Stale presence (fail open)
  ['stale presence releases connector idle', { trigger: 'stale-presence', cc: cc('Idle', 'connector', 'call') }, 'set-available', 'stale-presence-released'],
  ['stale presence with fail-open off keeps it', { trigger: 'stale-presence', cc: cc('Idle', 'connector', 'call'), releaseOnStale: false }, 'skip', 'stale-presence-kept'],
  ['stale presence never touches human idle', { trigger: 'stale-presence', cc: cc('Idle', 'agent', 'lunch') }, 'skip', 'stale-presence-kept'],
];

describe('decide() — the sync rule', () => {
  it.each(TABLE)('%s', (_name, over, action, reason, expected) => {
    const { decision, memory } = decide(input(over));
    expect(decision.action).toBe(action);
    expect(decision.reason).toBe(reason);
    for (const [key, value] of Object.entries(expected ?? {})) {
      const actual = key in decision ? (decision as Record<string, unknown>)[key] : (memory as Record<string, unknown>)[key];
      expect(actual, key).toEqual(value);
    }
  });

  it('every skip reason has a row in the table', () => {
    const covered = new Set(TABLE.filter((r) => r[2] === 'skip').map((r) => r[3]));
    expect(SKIP_REASONS.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('precedence: the first rule in the profile wins for a presence in several states', () => {
    const busyFirst: MappingProfile = { ...profile, rules: [{ teamsState: 'Busy', idleCodeId: 'busy' }, { teamsState: 'InACall', idleCodeId: 'call' }] };
    expect(decide(input({ profile: busyFirst })).decision).toMatchObject({ action: 'set-idle', idleCodeId: 'busy' });
    const callFirst: MappingProfile = { ...profile, rules: [{ teamsState: 'InACall', idleCodeId: 'call' }, { teamsState: 'Busy', idleCodeId: 'busy' }] };
    expect(decide(input({ profile: callFirst })).decision).toMatchObject({ action: 'set-idle', idleCodeId: 'call' });
  });

  it('is pure: the same input gives the same output and the input is not modified', () => {
    const i = input({ presence: FREE, cc: cc('Idle', 'connector', 'call') });
    const copy = structuredClone(i);
    expect(decide(i)).toEqual(decide(i));
    expect(i).toEqual(copy);
  });
});
