/** Contact-center agent states as the connector reasons about them, vendor-neutral. */
export const AGENT_STATES = ['LoggedOut', 'Available', 'Idle', 'Engaged', 'WrapUp', 'RONA'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Who made the last agent-state change. */
export const ORIGINS = ['agent', 'supervisor', 'system', 'connector', 'unknown'] as const;
export type Origin = (typeof ORIGINS)[number];

export interface CcState {
  state: AgentState;
  /** Idle (aux) code id while Idle or RONA. */
  idleCodeId?: string;
  origin: Origin;
  changedAt: number;
}

export interface IdleCode {
  id: string;
  name: string;
  /** System codes (RONA, errors) exist but are not selectable. */
  isSystem: boolean;
  active: boolean;
  isDefault?: boolean;
}

/** The idle-code problems a mapping can have, named so the API can point at the bad rule. */
export function idleCodeProblem(code: IdleCode | undefined, id: string): string | null {
  if (!code) return `idle code "${id}" does not exist in the contact center`;
  if (code.isSystem) return `idle code "${code.name}" (${id}) is a system code and cannot be selected`;
  if (!code.active) return `idle code "${code.name}" (${id}) is inactive`;
  return null;
}
