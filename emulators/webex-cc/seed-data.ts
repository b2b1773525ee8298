/**
 * Deterministic demo data for the Webex Contact Center emulator: the "Contoso Care" org, its teams, agents,
 * aux codes (idle + wrap-up), work types and desktop (agent) profile. Ids are stable GUID-like strings derived
 * from an index so that test fixtures and mapping presets can rely on them across restarts.
 */

export const DEFAULT_ORG_ID = 'c0a7c0de-0000-4000-8000-00000000c0de';
export const ORG_NAME = 'Contoso Care';
export const SITE_ID = '5173c0de-0000-4000-8000-000000000001';
export const SITE_NAME = 'Contoso Main Site';
export const AGENT_PROFILE_ID = 'a9f1c0de-0000-4000-8000-000000000001';
export const NO_SYNC_PROFILE_ID = 'a9f1c0de-0000-4000-8000-000000000002';
export const IDLE_WORK_TYPE_ID = '3017c0de-0000-4000-8000-000000000001';
export const WRAP_UP_WORK_TYPE_ID = '3017c0de-0000-4000-8000-000000000002';
/** Created/updated timestamps of seeded config entities (fixed so responses are reproducible). */
export const SEED_TIME = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface SeedAgent {
  id?: string;
  name: string;
  email: string;
  teamId?: string;
  loggedIn?: boolean;
  state?: 'Available' | 'Idle';
  idleCodeId?: string;
}

export interface TeamSeed {
  id: string;
  name: string;
}

export type WorkTypeCode = 'IDLE_CODE' | 'WRAP_UP_CODE';

/** Shape of `AuxiliaryCodeDTO` in the Webex CC configuration API. */
export interface AuxCode {
  organizationId: string;
  id: string;
  version: number;
  name: string;
  description: string;
  defaultCode: boolean;
  active: boolean;
  isSystemCode: boolean;
  workTypeId: string;
  workTypeCode: WorkTypeCode;
  burnoutInclusion: 'NOT_APPLICABLE' | 'EXCLUDED' | 'INCLUDED';
  systemDefault: boolean;
  createdTime: number;
  lastUpdatedTime: number;
}

const hex12 = (n: number): string => n.toString(16).padStart(12, '0');

export const agentIdFor = (index: number): string => `a6e17c0d-0000-4000-8000-${hex12(index)}`;
export const teamIdFor = (index: number): string => `7ea40000-0000-4000-8000-${hex12(index)}`;
const auxIdFor = (index: number): string => `a0c0de00-0000-4000-8000-${hex12(index)}`;

/** Selectable idle codes, by exact name; mapping presets refer to these names. */
export const IDLE_CODE_NAMES = [
  'Teams Call',
  'Teams Meeting',
  'Presenting',
  'Do Not Disturb',
  'Busy',
  'Away',
  'Be Right Back',
  'Out Of Office',
  'Offline',
  'Break',
  'Lunch',
  'Training',
  'Meeting',
] as const;
export const DEFAULT_IDLE_CODE_NAME = 'Break';
export const INACTIVE_IDLE_CODE_NAME = 'Legacy Huddle';
/** System idle codes by their real names (cc-store ERROR_TRIGGERING_IDLE_CODES). */
export const SYSTEM_IDLE_CODE_NAMES = ['RONA', 'Channel_Failure', 'Invalid_Number', 'Agent_Busy', 'Agent_Declined', 'Agent_Unavailable'] as const;
export const WRAP_UP_CODE_NAMES = ['Resolved', 'Follow-up Required'] as const;

export function buildAuxCodes(orgId: string): AuxCode[] {
  const codes: AuxCode[] = [];
  let n = 0;
  const add = (name: string, workTypeCode: WorkTypeCode, extra: Partial<AuxCode>): void => {
    n += 1;
    const idle = workTypeCode === 'IDLE_CODE';
    codes.push({
      organizationId: orgId,
      id: auxIdFor(n),
      version: 1,
      name,
      description: '',
      defaultCode: false,
      active: true,
      isSystemCode: false,
      workTypeId: idle ? IDLE_WORK_TYPE_ID : WRAP_UP_WORK_TYPE_ID,
      workTypeCode,
      burnoutInclusion: idle ? 'INCLUDED' : 'NOT_APPLICABLE',
      systemDefault: false,
      createdTime: SEED_TIME,
      lastUpdatedTime: SEED_TIME,
      ...extra,
    });
  };
  for (const name of IDLE_CODE_NAMES) add(name, 'IDLE_CODE', { defaultCode: name === DEFAULT_IDLE_CODE_NAME });
  add(INACTIVE_IDLE_CODE_NAME, 'IDLE_CODE', { active: false, description: 'Retired code kept for reporting' });
  const system = (name: string): void => add(name, 'IDLE_CODE', { isSystemCode: true, systemDefault: true, burnoutInclusion: 'EXCLUDED', description: 'System-assigned' });
  // The first three keep the ids they had before the other three were added after the wrap-up codes.
  SYSTEM_IDLE_CODE_NAMES.slice(0, 3).forEach(system);
  WRAP_UP_CODE_NAMES.forEach((name, i) => add(name, 'WRAP_UP_CODE', { defaultCode: i === 0 }));
  SYSTEM_IDLE_CODE_NAMES.slice(3).forEach(system);
  return codes;
}

/** Demo agents `agent1@contoso.example`…; all logged in and Available at start. */
export function demoAgents(count = 8): SeedAgent[] {
  const agents: SeedAgent[] = [];
  for (let i = 1; i <= count; i++) {
    agents.push({ id: agentIdFor(i), name: `Alex Agent ${i}`, email: `agent${i}@contoso.example`, loggedIn: true, state: 'Available' });
  }
  return agents;
}

/** "Billing" and "Tech Support", plus "Care Team N" so that no team holds more than 250 agents. */
export function buildTeams(agentCount: number): TeamSeed[] {
  const count = Math.max(2, Math.ceil(agentCount / 250));
  const teams: TeamSeed[] = [];
  for (let i = 1; i <= count; i++) {
    const name = i === 1 ? 'Billing' : i === 2 ? 'Tech Support' : `Care Team ${i}`;
    teams.push({ id: teamIdFor(i), name });
  }
  return teams;
}

/** Consecutive blocks of agents per team, so agents 1–4 of 8 are in Billing and 5–8 in Tech Support. */
export function teamIndexFor(agentIndex: number, agentCount: number, teamCount: number): number {
  const perTeam = Math.max(1, Math.ceil(agentCount / teamCount));
  return Math.min(teamCount - 1, Math.floor(agentIndex / perTeam));
}

export function workTypes(orgId: string): Record<string, unknown>[] {
  const base = { organizationId: orgId, active: true, systemDefault: true, description: '', createdTime: SEED_TIME, lastUpdatedTime: SEED_TIME };
  return [
    { ...base, id: IDLE_WORK_TYPE_ID, name: 'Idle Code', workTypeCode: 'IDLE_CODE' },
    { ...base, id: WRAP_UP_WORK_TYPE_ID, name: 'Wrap Up Code', workTypeCode: 'WRAP_UP_CODE' },
  ];
}

/** `AgentProfileDTO` (desktop profile) with the Microsoft Teams connector toggles. */
export function agentProfiles(orgId: string): Record<string, unknown>[] {
  const base = {
    organizationId: orgId,
    version: 1,
    parentType: 'ORGANIZATION',
    active: true,
    accessIdleCode: 'ALL',
    idleCodes: [],
    accessWrapUpCode: 'ALL',
    wrapUpCodes: [],
    autoAnswer: false,
    agentAvailableAfterOutdial: false,
    showUserDetailsWebex: false,
    stateSynchronizationWebex: false,
    createdTime: SEED_TIME,
    lastUpdatedTime: SEED_TIME,
  };
  return [
    { ...base, id: AGENT_PROFILE_ID, name: 'Contoso Agent Profile', description: 'Teams presence sync on', showUserDetailsMS: true, stateSynchronizationMS: true },
    { ...base, id: NO_SYNC_PROFILE_ID, name: 'Contoso Back Office', description: 'Teams presence sync off', showUserDetailsMS: false, stateSynchronizationMS: false },
  ];
}
