/**
 * The wire contract, one module for both sides (like socket.io's `common/events.ts`): socket events and acks,
 * the HTTP answers the components read, and the Teams state names. Type-only: the widgets import it with
 * `import type`, so their bundle takes nothing at run time from the server (test/unit/architecture-boundaries
 * keeps it so).
 */

export type { TeamsState } from '../domain/presence.js';
export type { AdminAuditEntry } from '../store/admin-audit-store.js';
export type { Insights, ImpactPreview } from '../services/insights-service.js';
export type { AgentView, DecisionView, DirectoryEntryView, DryRunAnswer, PresenceView, ReasonCode } from '../services/view-types.js';
import type { AgentView, DirectoryEntryView } from '../services/view-types.js';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } };

export interface ServerToClientEvents {
  'agent:view': (view: AgentView) => void;
  'agents:changed': (views: AgentView[]) => void;
  'connector:status': (status: unknown) => void;
}

export interface ClientToServerEvents {
  'agent:get': (ack: (res: Ack<AgentView>) => void) => void;
  'agent:pause': (body: { minutes: number }, ack: (res: Ack<AgentView>) => void) => void;
  'agent:resume': (ack: (res: Ack<AgentView>) => void) => void;
  'directory:search': (body: { query: string }, ack: (res: Ack<DirectoryEntryView[]>) => void) => void;
  'supervisor:agents': (ack: (res: Ack<AgentView[]>) => void) => void;
  'admin:status': (ack: (res: Ack<unknown>) => void) => void;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP answers as the components read them. Parsed defensively: optional fields may be missing on an older server.

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

export interface PermissionCheckDto {
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
  permissions: PermissionCheckDto[];
  adminConsentUrl: string | null;
  unmatchedAgents: UnmatchedAgent[];
  counts: { agents: number; matched: number; connectorIdle: number };
  presenceMode: string;
}

export interface AdminTeamDto {
  id: string;
  name: string;
  syncEnabled: boolean;
  profileId?: string | null;
  profileName?: string | null;
  agents?: number;
}
