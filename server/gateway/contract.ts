/**
 * The wire contract, one module for both sides (like socket.io's `common/events.ts`): socket events and acks,
 * the HTTP answers the components read, and the Teams state names. Type-only: the widgets import it with
 * `import type`, so their bundle takes nothing at run time from the server (test/unit/architecture-boundaries
 * keeps it so).
 */

export type { TeamsState } from '../domain/presence.js';
export type { Insights, ImpactPreview } from '../services/insights-service.js';

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } };

/**
 * A reason as a stable code with parameters; components render the words in the reader's language
 * (`widget/messages/reason-messages.ts`). Parameters: `teamsState` is a Teams state code (`InACall`, ...),
 * `idleCode` an idle-code name as the contact center names it, `time` an epoch-millisecond instant.
 */
export interface ReasonCode {
  code: string;
  params: Record<string, string | number>;
}

export interface PresenceView {
  availability: string;
  activity: string;
  outOfOffice?: boolean;
  /** Words, e.g. "In a Teams call" (English; components render `teamsState` in the reader's language). */
  label: string;
  /** The Teams state the connector classifies this presence as (`InACall`, ...), `Available`, or null when unknown. */
  teamsState?: string | null;
  observedAt: number;
}

export interface DecisionView {
  id: number;
  at: number;
  trigger: string;
  action: string;
  reason: string;
  /** The reason in English words, for logs and API clients without a catalog. */
  text: string;
  /** The reason as a code with parameters, rendered in the reader's language by the components. */
  reasonCode?: ReasonCode;
  result: string;
}

export interface AgentView {
  agentId: string;
  name: string;
  email: string;
  teamId: string;
  teamName: string;
  teamsUserId: string | null;
  state: string;
  idleCodeId: string | null;
  idleCodeName: string | null;
  origin: string;
  stateChangedAt: number;
  /** True when the current idle was set by the connector. */
  setByConnector: boolean;
  presence: PresenceView | null;
  pendingIdleCodeName: string | null;
  releaseDueAt: number | null;
  pausedUntil: number | null;
  syncEnabled: boolean;
  lastDecision: DecisionView | null;
  /** Why sync is not acting right now, in words (stale presence, connector inactive...), or null. */
  notice: string | null;
  /** The same notice as a code with parameters (`notice.presence-stale` ...), or null. */
  noticeCode?: ReasonCode | null;
}

export interface DirectoryEntryView {
  id: string;
  displayName: string;
  department: string | null;
  jobTitle: string | null;
  phone: string;
  presence: PresenceView | null;
}

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
