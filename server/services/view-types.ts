import type { ReasonCode } from '../domain/describe.js';

/**
 * The views the services produce for agents, supervisors and administrators. The wire contract
 * (server/gateway/contract.ts) re-exports them for the widgets; the services never import the gateway.
 *
 * A `ReasonCode` is a stable code with parameters; components render the words in the reader's language
 * (`widget/messages/reason-messages.ts`). Parameters: `teamsState` is a Teams state code (`InACall`, ...),
 * `idleCode` an idle-code name as the contact center names it, `time` an epoch-millisecond instant.
 */
export type { ReasonCode };

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

/** The supervisor's dry run (POST /api/dry-run). */
export interface DryRunAnswer {
  decision: { action: string; reason: string; [key: string]: unknown };
  text: string;
  current: { state: string; idleCodeName: string | null };
  /** `at`: a release waits for the settle delay; `afterContact`: the idle is held until the contact ends. */
  wouldBecome: { state: string; idleCodeName: string | null; at?: number; afterContact?: boolean } | null;
}
