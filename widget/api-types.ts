/**
 * Shapes of the supervisor and admin HTTP API as the components read them. The socket events have their typed
 * contract in `server/gateway/contract.ts`; these HTTP answers are parsed defensively instead (optional fields
 * may be missing on an older server).
 */

export interface IdleCodeDto {
  id: string;
  name: string;
  isSystem: boolean;
  active: boolean;
}

export interface ProfileRuleDto {
  teamsState: string;
  idleCodeId: string;
  idleCodeName?: string;
}

export interface ProfileDto {
  id: string;
  name: string;
  description?: string;
  rules: ProfileRuleDto[];
  settleDelayMs: number;
  syncMode: string;
  releaseOnDisable: boolean;
  teams?: string[];
}

export interface TeamDto {
  id: string;
  name: string;
  profileId: string | null;
  syncEnabled: boolean;
}

export interface DryRunAnswer {
  decision: { action: string; reason: string; [key: string]: unknown };
  text: string;
  current: { state: string; idleCodeName: string | null };
  /** `at`: a release waits for the settle delay; `afterContact`: the idle is held until the contact ends. */
  wouldBecome: { state: string; idleCodeName: string | null; at?: number; afterContact?: boolean } | null;
}

export type Lifecycle = 'unconfigured' | 'active' | 'inactive' | 'deleted';

export interface ConnectorHealth {
  tokenAcquiredAt: number | string | null;
  lastGraphSuccessAt: number | string | null;
  lastCcSuccessAt: number | string | null;
  subscriptionExpiresAt: number | string | null;
  pollIntervalMs: number | null;
  pollLagMs: number | null;
  throttled429: number;
  presenceStale: boolean;
  staleSince: number | string | null;
}

export interface PermissionCheck {
  permission: string;
  ok: boolean;
  detail?: string;
}

export interface UnmatchedAgent {
  agentId: string;
  name: string;
  email: string;
}

export interface AdminStatus {
  lifecycle: Lifecycle;
  health: Partial<ConnectorHealth>;
  permissions: PermissionCheck[];
  adminConsentUrl: string | null;
  unmatchedAgents: UnmatchedAgent[];
  counts: { agents: number; matched: number; connectorIdle: number };
  presenceMode: string;
}

/**
 * `connector:status` pushes and `/api/admin/status` answers are accepted only when they look like a full status;
 * action answers such as `{lifecycle, permissions}` are not one.
 */
export function isAdminStatus(value: unknown): value is AdminStatus {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { lifecycle?: unknown; health?: unknown };
  return typeof v.lifecycle === 'string' && typeof v.health === 'object' && v.health !== null;
}

export interface AdminTeamDto {
  id: string;
  name: string;
  syncEnabled: boolean;
  profileId?: string | null;
  profileName?: string | null;
  agents?: number;
}
