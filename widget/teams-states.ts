import type { TeamsState } from '../server/gateway/contract.js';

/**
 * The Teams states a mapping may use, in the order the editor offers them. The widget keeps its own copy (its
 * bundle takes nothing at run time from the server); the compiler checks it against the contract's `TeamsState`
 * both ways, so the two cannot drift apart.
 */
export const TEAMS_STATES = [
  'DoNotDisturb',
  'InACall',
  'Presenting',
  'InAMeeting',
  'Busy',
  'Away',
  'BeRightBack',
  'OutOfOffice',
  'Offline',
] as const satisfies readonly TeamsState[];

type Missing = Exclude<TeamsState, (typeof TEAMS_STATES)[number]>;
/** Fails to compile when the contract gains a Teams state this list lacks. */
export const TEAMS_STATES_COMPLETE: [Missing] extends [never] ? true : never = true;
