import type { Decision } from './decide.js';
import type { TeamsState } from './presence.js';

/** Human words for Teams states, as agents see them in Teams. */
export const TEAMS_STATE_LABEL: Record<TeamsState, string> = {
  DoNotDisturb: 'Do not disturb',
  InACall: 'In a Teams call',
  Presenting: 'Presenting in Teams',
  InAMeeting: 'In a Teams meeting',
  Busy: 'Busy in Teams',
  Away: 'Away in Teams',
  BeRightBack: 'Be right back in Teams',
  OutOfOffice: 'Out of office',
  Offline: 'Offline in Teams',
};

const SKIP_TEXT: Record<string, string> = {
  'no-profile': 'No mapping profile applies to this agent.',
  'connector-inactive': 'The connector is not active.',
  'sync-disabled': 'Presence sync is disabled for this agent’s team.',
  'agent-logged-out': 'The agent is logged out.',
  'agent-unmatched': 'The agent is not matched to a Teams user.',
  'sync-paused': 'The agent paused presence sync.',
  'command-in-flight': 'A previous state change is still being applied; decided again when it completes.',
  'echo-of-connector-session': 'Teams only shows the call status the connector set; ignored.',
  'no-presence-yet': 'Teams presence has not been read yet.',
  'presence-stale': 'Teams presence could not be read for too long; nothing is decided on an old reading.',
  'already-idle-with-code': 'Already idle with the mapped code.',
  'idle-set-by-agent': 'The agent chose this idle state; the connector leaves it alone.',
  'idle-set-by-supervisor': 'A supervisor set this idle state; the connector leaves it alone.',
  'idle-set-by-system': 'The contact center set this idle state; the connector leaves it alone.',
  'idle-set-by-unknown': 'Idle of origin unknown: the connector cannot show it set it, so it leaves it alone.',
  'agent-in-rona': 'The agent is in RONA; the contact center owns this state.',
  'pending-unchanged': 'Idle already pending for when the contact ends.',
  'manual-available-respected': 'The agent went Available by hand; respected until Teams presence changes.',
  'release-scheduled': 'Return to Available already scheduled.',
  'pending-dropped': 'Teams is free again; the pending idle was dropped.',
  'presence-free-nothing-to-release': 'Teams is free; nothing to release.',
  'presence-unmapped-state-kept': 'Teams state is not mapped; the current state was not set by the connector and is kept.',
  'disable-leaves-state': 'Sync stopped; the agent’s state is left as it is.',
  'stale-presence-kept': 'Teams presence is stale; nothing held by the connector.',
};

/** One sentence an agent or supervisor can read: what the connector did or did not do, and why. */
export function describeDecision(decision: Decision, idleCodeName: (id: string) => string): string {
  const state = 'teamsState' in decision && decision.teamsState ? TEAMS_STATE_LABEL[decision.teamsState] : undefined;
  switch (decision.action) {
    case 'set-idle':
      if (decision.reason === 'pending-applied') return `${state}: set to idle “${idleCodeName(decision.idleCodeId)}” after the contact ended.`;
      if (decision.reason === 'idle-code-switch') return `${state}: idle code changed to “${idleCodeName(decision.idleCodeId)}”.`;
      return `${state}: set to idle “${idleCodeName(decision.idleCodeId)}”.`;
    case 'set-available':
      if (decision.reason === 'released-on-disable') return 'Sync stopped: returned to Available because the connector had set the idle.';
      if (decision.reason === 'stale-presence-released') return 'Teams presence could not be read for too long: returned to Available.';
      return 'Free in Teams again: returned to Available.';
    case 'schedule-release':
      return `Free in Teams: returning to Available at ${new Date(decision.at).toISOString()} unless Teams turns busy again.`;
    case 'hold-pending':
      return `${state}: idle “${idleCodeName(decision.idleCodeId)}” will be set when the current contact ends.`;
    case 'skip':
      return (state ? `${state}. ` : '') + (SKIP_TEXT[decision.reason] ?? decision.reason);
  }
}

/** A reason as a stable code with parameters; components render the words in the reader's language. */
export interface ReasonCode {
  code: string;
  params: Record<string, string | number>;
}

/**
 * The decision as `<action>.<reason>` with its parameters: `teamsState` (a Teams state code), `idleCode` (the
 * idle code's name as the contact center names it) and `time` (epoch ms of a scheduled return). Stored with the
 * audit entry, so an old entry still renders in whatever language its reader uses.
 */
export function decisionReason(decision: Decision, idleCodeName: (id: string) => string): ReasonCode {
  const params: Record<string, string | number> = {};
  if ('teamsState' in decision && decision.teamsState) params.teamsState = decision.teamsState;
  if ('idleCodeId' in decision && decision.idleCodeId) params.idleCode = idleCodeName(decision.idleCodeId);
  if (decision.action === 'schedule-release') params.time = decision.at;
  return { code: `${decision.action}.${decision.reason}`, params };
}

export const NOTICE_CODES = ['connector-inactive', 'presence-stale', 'sync-disabled', 'unmatched', 'paused'] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

/** Why sync is not acting for an agent right now, as `notice.<name>` with its instant (`time`) when it has one. */
export function noticeReason(notice: NoticeCode, time?: number): ReasonCode {
  return { code: `notice.${notice}`, params: time === undefined ? {} : { time } };
}
