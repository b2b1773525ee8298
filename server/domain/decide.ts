import type { CcState, Origin } from './agent.js';
import { lookupMapping, pullsTeamsToCc, type MappingMatch, type MappingProfile } from './mapping.js';
import { samePresence, type Presence, type TeamsState } from './presence.js';

/**
 * The sync rule (Teams → contact center) as one pure function. Every call returns exactly one decision: an
 * action to send to the contact center, or a skip, always with a named reason, plus the per-agent memory the
 * engine must keep afterwards (pending idle, scheduled release, manual override).
 */

export const TRIGGERS = [
  'presence', // Teams presence of the agent changed
  'agent-state', // the contact center reported a new agent state
  'command-result', // a command the connector sent was answered (accepted or failed)
  'settle-timer', // a scheduled release came due
  'reconcile', // periodic or start-up reconciliation
  'activate', // connector activated or reactivated
  'deactivate', // connector deactivated
  'sync-enabled', // sync enabled for the agent's team, or the agent resumed after a pause
  'sync-disabled', // sync disabled for the agent's team
  'profile-changed', // the agent's mapping profile was edited or reassigned
  'stale-presence', // presence could not be read for longer than the configured limit
] as const;
export type Trigger = (typeof TRIGGERS)[number];

export interface InFlightCommand {
  action: 'set-idle' | 'set-available';
  idleCodeId?: string;
  sentAt: number;
}

export interface DecisionInput {
  trigger: Trigger;
  now: number;
  connectorActive: boolean;
  /** Sync enabled for the agent's team. The profile's sync mode is checked here too. */
  teamSyncEnabled: boolean;
  /** The agent is matched to a Teams user. */
  matched: boolean;
  pausedUntil?: number | null;
  cc: CcState;
  /** State before the change when trigger is 'agent-state'. */
  previousCc?: CcState | null;
  presence?: Presence | null;
  /** Presence could not be read for longer than the configured limit: what is stored is no longer evidence. */
  presenceStale?: boolean;
  /** The profile that governs the agent (their team's, else the default), or null when none applies. */
  profile: MappingProfile | null;
  pendingIdleCodeId?: string | null;
  releaseDueAt?: number | null;
  /** Presence at which the agent overrode the connector by going Available by hand; respected until it changes. */
  overridePresence?: Presence | null;
  inFlight?: InFlightCommand | null;
  /** A command unanswered for longer than this is treated as lost. */
  commandTimeoutMs: number;
  /** Presence the connector itself wrote to Teams (write-back) and until when an observation of it is an echo. */
  echo?: { presence: Presence; until: number } | null;
  /** Fail open when presence is stale: release connector-held agents. */
  releaseOnStale: boolean;
}

export const SKIP_REASONS = [
  'no-profile',
  'connector-inactive',
  'sync-disabled',
  'agent-logged-out',
  'agent-unmatched',
  'sync-paused',
  'command-in-flight',
  'echo-of-connector-session',
  'no-presence-yet',
  'presence-stale',
  'already-idle-with-code',
  'idle-set-by-agent',
  'idle-set-by-supervisor',
  'idle-set-by-system',
  'idle-set-by-unknown',
  'agent-in-rona',
  'pending-unchanged',
  'manual-available-respected',
  'release-scheduled',
  'pending-dropped',
  'presence-free-nothing-to-release',
  'presence-unmapped-state-kept',
  'disable-leaves-state',
  'stale-presence-kept',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type ActionReason =
  | 'presence-busy'
  | 'idle-code-switch'
  | 'pending-applied'
  | 'presence-free'
  | 'released-on-disable'
  | 'stale-presence-released';

export type Decision =
  | { action: 'set-idle'; reason: ActionReason; idleCodeId: string; teamsState: TeamsState }
  | { action: 'set-available'; reason: ActionReason }
  | { action: 'schedule-release'; reason: 'settle-delay'; at: number }
  | { action: 'hold-pending'; reason: 'agent-engaged' | 'agent-in-wrapup'; idleCodeId: string; teamsState: TeamsState }
  | { action: 'skip'; reason: SkipReason; teamsState?: TeamsState };

/** What the engine must remember for the agent after this decision. `undefined` means unchanged. */
export interface DecisionMemory {
  pendingIdleCodeId?: string | null;
  releaseDueAt?: number | null;
  overridePresence?: Presence | null;
}

export interface DecisionResult {
  decision: Decision;
  memory: DecisionMemory;
}

const skip = (reason: SkipReason, memory: DecisionMemory = {}, teamsState?: TeamsState): DecisionResult => ({
  decision: teamsState ? { action: 'skip', reason, teamsState } : { action: 'skip', reason },
  memory,
});

const clearAll: DecisionMemory = { pendingIdleCodeId: null, releaseDueAt: null, overridePresence: null };

export const connectorOwnsIdle = (cc: CcState): boolean => cc.state === 'Idle' && cc.origin === 'connector';

function idleSetBy(origin: Origin): SkipReason {
  switch (origin) {
    case 'agent':
      return 'idle-set-by-agent';
    case 'supervisor':
      return 'idle-set-by-supervisor';
    case 'system':
      return 'idle-set-by-system';
    default:
      return 'idle-set-by-unknown';
  }
}

function releaseDecision(input: DecisionInput, reason: ActionReason): DecisionResult {
  return { decision: { action: 'set-available', reason }, memory: clearAll };
}

export function decide(input: DecisionInput): DecisionResult {
  const { cc, now, profile } = input;

  // Without a mapping profile there is no rule to apply, whatever the trigger.
  if (!profile) return skip('no-profile');

  // Rule 5: leaving sync releases what the connector holds, and touches nothing else.
  if (input.trigger === 'deactivate' || input.trigger === 'sync-disabled') {
    if (connectorOwnsIdle(cc) && profile.releaseOnDisable) return releaseDecision(input, 'released-on-disable');
    return skip('disable-leaves-state', clearAll);
  }

  // A command in flight when the connector was deactivated, confirmed afterwards: it is released like the others.
  if (!input.connectorActive && input.trigger === 'command-result' && connectorOwnsIdle(cc) && profile.releaseOnDisable) {
    return releaseDecision(input, 'released-on-disable');
  }

  // Rule 1: gates. Nothing happens unless every one is open.
  if (!input.connectorActive) return skip('connector-inactive', clearAll);
  if (!input.teamSyncEnabled || !pullsTeamsToCc(profile.syncMode)) return skip('sync-disabled', clearAll);
  if (cc.state === 'LoggedOut') return skip('agent-logged-out', clearAll);
  if (!input.matched) return skip('agent-unmatched', clearAll);
  if (input.pausedUntil != null && input.pausedUntil > now) return skip('sync-paused', { releaseDueAt: null });

  // Fail open on stale presence: the connector cannot justify an idle it can no longer observe.
  if (input.trigger === 'stale-presence') {
    if (connectorOwnsIdle(cc) && input.releaseOnStale) return releaseDecision(input, 'stale-presence-released');
    return skip('stale-presence-kept');
  }

  // One command at a time per agent; the engine re-decides when the answer arrives.
  if (input.inFlight && now - input.inFlight.sentAt < input.commandTimeoutMs) return skip('command-in-flight');

  // Stale presence is no presence: deciding on it would re-idle agents the fail-open just released.
  if (input.presenceStale) return skip('presence-stale');
  const presence = input.presence;
  if (!presence) return skip('no-presence-yet');

  // Echo suppression: presence that only mirrors the connector's own write-back session says nothing about
  // the person. Acting on it would idle every agent right after each contact-center call.
  if (input.echo && now < input.echo.until && samePresence(presence, input.echo.presence)) {
    return skip('echo-of-connector-session');
  }

  const match = lookupMapping(profile, presence);
  return match ? decideMapped(input, presence, match) : decideFree(input, profile);
}

function decideMapped(input: DecisionInput, presence: Presence, match: MappingMatch): DecisionResult {
  const { cc, previousCc } = input;
  const setIdle = (reason: ActionReason): DecisionResult => ({
    decision: { action: 'set-idle', reason, idleCodeId: match.idleCodeId, teamsState: match.teamsState },
    memory: clearAll,
  });

  switch (cc.state) {
    case 'Available': {
      if (input.pendingIdleCodeId) return setIdle('pending-applied');
      // An agent or supervisor who takes the agent out of a connector idle by hand overrides the connector
      // until Teams presence changes; fighting them would flip the state back and forth.
      const overrodeNow =
        input.trigger === 'agent-state' &&
        previousCc != null &&
        connectorOwnsIdle(previousCc) &&
        (cc.origin === 'agent' || cc.origin === 'supervisor');
      if (overrodeNow) return skip('manual-available-respected', { overridePresence: presence, releaseDueAt: null }, match.teamsState);
      if (input.overridePresence && samePresence(input.overridePresence, presence)) {
        return skip('manual-available-respected', {}, match.teamsState);
      }
      return setIdle('presence-busy');
    }
    case 'Idle':
      if (cc.origin !== 'connector') return skip(idleSetBy(cc.origin), clearAll, match.teamsState);
      if (cc.idleCodeId === match.idleCodeId) return skip('already-idle-with-code', { releaseDueAt: null }, match.teamsState);
      return setIdle('idle-code-switch');
    case 'RONA':
      return skip('agent-in-rona', clearAll, match.teamsState);
    case 'Engaged':
    case 'WrapUp':
      if (input.pendingIdleCodeId === match.idleCodeId) return skip('pending-unchanged', {}, match.teamsState);
      return {
        decision: {
          action: 'hold-pending',
          reason: cc.state === 'Engaged' ? 'agent-engaged' : 'agent-in-wrapup',
          idleCodeId: match.idleCodeId,
          teamsState: match.teamsState,
        },
        memory: { pendingIdleCodeId: match.idleCodeId, releaseDueAt: null },
      };
    default:
      return skip('agent-logged-out', clearAll);
  }
}

function decideFree(input: DecisionInput, profile: MappingProfile): DecisionResult {
  const { cc, now } = input;
  if (connectorOwnsIdle(cc)) {
    const due = input.releaseDueAt;
    if (profile.settleDelayMs <= 0 || (due != null && now >= due)) return releaseDecision(input, 'presence-free');
    if (due != null) return skip('release-scheduled');
    const at = now + profile.settleDelayMs;
    return { decision: { action: 'schedule-release', reason: 'settle-delay', at }, memory: { releaseDueAt: at, overridePresence: null } };
  }
  if (input.pendingIdleCodeId) return skip('pending-dropped', clearAll);
  if (cc.state === 'Idle' || cc.state === 'RONA') return skip('presence-unmapped-state-kept', clearAll);
  return skip('presence-free-nothing-to-release', clearAll);
}
