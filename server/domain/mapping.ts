import { classifyPresence, type Presence, type TeamsState } from './presence.js';

/** Direction of synchronisation for agents under a profile (the XPhone "sync modes"). */
export const SYNC_MODES = ['off', 'teams-to-cc', 'cc-to-teams', 'both'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export interface MappingRule {
  teamsState: TeamsState;
  /** Contact-center idle (aux) code id to set while this Teams state holds. */
  idleCodeId: string;
}

export interface MappingProfile {
  id: string;
  name: string;
  description?: string;
  /** Ordered by precedence: the first rule whose Teams state the presence belongs to wins. */
  rules: MappingRule[];
  /** How long presence must stay free before a connector-held idle is released (absorbs Teams flicker). */
  settleDelayMs: number;
  syncMode: SyncMode;
  /** On deactivation or sync disable: return connector-idled agents to Available (true) or leave them (false). */
  releaseOnDisable: boolean;
}

export interface MappingMatch {
  teamsState: TeamsState;
  idleCodeId: string;
}

/** First rule, in the profile's precedence order, whose Teams state the presence belongs to. */
export function lookupMapping(profile: Pick<MappingProfile, 'rules'>, presence: Presence | undefined): MappingMatch | null {
  if (!presence) return null;
  const states = classifyPresence(presence);
  if (states.length === 0) return null;
  for (const rule of profile.rules) {
    if (states.includes(rule.teamsState)) return { teamsState: rule.teamsState, idleCodeId: rule.idleCodeId };
  }
  return null;
}

export const pullsTeamsToCc = (mode: SyncMode): boolean => mode === 'teams-to-cc' || mode === 'both';
export const pushesCcToTeams = (mode: SyncMode): boolean => mode === 'cc-to-teams' || mode === 'both';
