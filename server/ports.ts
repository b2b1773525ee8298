/**
 * The interfaces the services need from the outside world. Adapters (graph/, contact-center/, store/,
 * gateway/) implement them; tests implement them with hand-written fakes in test/fakes/.
 */
import type { AgentState, IdleCode, Origin } from './domain/agent.js';
import type { Presence } from './domain/presence.js';
import type { AgentStore } from './store/agent-store.js';
import type { AuditStore } from './store/audit-store.js';
import type { ConnectorStore } from './store/connector-store.js';
import type { KeyStore } from './store/key-store.js';
import type { ProfileStore } from './store/profile-store.js';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/**
 * When a presence source observed something: sub-millisecond wall time on the real clock (so latency
 * percentiles below 1 ms mean something), the injected clock's time otherwise (tests stay deterministic).
 */
export const observationTime = (clock: Clock): number => (clock === systemClock ? preciseNow() : clock.now());

/** Where Microsoft's identity platform returns a service account's sign-in (graph/ builds the redirect URI, http/ serves it). */
export const SIGN_IN_CALLBACK_PATH = '/auth/graph/callback';

/** An HTTP request handler built by http/ (an Express router), passed through the composition root, mounted by http/ only. */
export type HttpHandler = (req: never, res: never, next: never) => unknown;

// ---------------------------------------------------------------------------------------------------------
// Callers

export type Role = 'admin' | 'supervisor' | 'agent';

/** Who is calling, once a transport has checked the credential. */
export interface Principal {
  role: Role;
  /** Set for agents: the only agent they may see and act for. */
  agentId: string | null;
  name: string;
  /** The API key's id when the credential is a stored key (revoking it ends its sessions). */
  keyId?: string;
}

/** Resolves a bearer credential: a stored API key, or an agent's contact-center desktop token. `source` is the caller's address. */
export type Authenticator = (token: string, source?: string) => Promise<Principal | null>;

// ---------------------------------------------------------------------------------------------------------
// Storage

/**
 * The connector's storage as the services see it: one store per table group and a unit of work. `transaction`
 * runs `fn` atomically and returns its result; it is synchronous, so `fn` must not await. With 'turn' (the hot
 * path) it commits with the rest of the event-loop turn's; `afterCommit` runs `fn` once that has committed.
 */
export interface Stores {
  transaction<T>(fn: () => T, group?: 'turn'): T;
  afterCommit(fn: () => void): void;
  agents: AgentStore;
  audit: AuditStore;
  connector: ConnectorStore;
  keys: KeyStore;
  profiles: ProfileStore;
}

// ---------------------------------------------------------------------------------------------------------
// Microsoft side

export interface PresenceEvent {
  /** Entra object id of the Teams user. */
  teamsUserId: string;
  presence: Presence;
  /** When the connector observed it (ms epoch). */
  observedAt: number;
  /** How it was observed. */
  via: 'poll' | 'notification' | 'reconcile';
}

export interface PresenceSourceHealth {
  mode: 'poll' | 'subscribe';
  /** Last time presence was read successfully (ms epoch), or null. */
  lastSuccessAt: number | null;
  /** Last failure message, or null. */
  lastError: string | null;
  throttledCount: number;
  /** Poll mode: interval, how late the last cycle ran, share of the Graph budget spent in its window, batches waiting. */
  pollIntervalMs?: number; pollLagMs?: number;
  budgetUse?: number; queued?: number;
  /** Subscribe mode: earliest subscription expiry (ms epoch). */
  subscriptionExpiresAt?: number | null;
  subscriptions?: number;
  /** Users Graph refuses (deleted, unknown), kept out of reads; `catches`: changes by the path that saw them first. */
  isolatedUsers?: { teamsUserId: string; reason: string; since: number; detail: string }[];
  catches?: Record<string, number>;
  graphCalls: number;
}

/**
 * Emits only presence that changed since the last observation of that user. `watch` replaces the set of
 * watched users; the source decides how to batch and pace its calls.
 */
export interface PresenceSource {
  readonly mode: 'poll' | 'subscribe';
  start(onPresence: (events: PresenceEvent[]) => void): Promise<void>;
  stop(): Promise<void>;
  watch(teamsUserIds: readonly string[]): void;
  health(): PresenceSourceHealth;
}

/** A Teams user as the directory returns it. */
export interface TeamsUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string | null;
  department?: string | null;
  jobTitle?: string | null;
  businessPhones?: string[];
}

export interface DirectoryEntry extends TeamsUser {
  presence: Presence | null;
  /** First E.164 business phone. */
  phone: string;
}

export interface Directory {
  /** Users whose mail or UPN equals one of the given addresses (case-insensitive), keyed by the lower-cased address asked for. */
  findUsersByEmail(emails: readonly string[]): Promise<Map<string, TeamsUser>>;
  /** Colleagues by name, department or job title with live presence; only users with an E.164 business phone. */
  search(query: string, limit: number): Promise<DirectoryEntry[]>;
}

/** Write-back: the connector's own presence session in Teams (sessionId = the app's client id). */
export interface TeamsPresenceWriter {
  setCallPresence(teamsUserId: string, activity: 'InACall' | 'InAConferenceCall', expirationMinutes: number): Promise<void>;
  clearCallPresence(teamsUserId: string): Promise<void>;
}

/** Checks a Graph permission with a real call; used by the admin before activation. */
export interface PermissionCheck {
  permission: string;
  ok: boolean;
  detail: string;
}

export interface GraphAdmin {
  checkPermissions(needed: readonly string[]): Promise<PermissionCheck[]>;
  tokenAcquiredAt(): number | null;
  adminConsentUrl(): string;
}

// ---------------------------------------------------------------------------------------------------------
// Contact-center side

export interface CcAgent {
  id: string;
  name: string;
  email: string;
  teamId: string;
  teamName: string;
}

export interface CcTeam {
  id: string;
  name: string;
}

export interface AgentSnapshot {
  agentId: string;
  state: AgentState;
  idleCodeId?: string;
  origin: Origin;
  changedAt: number;
  /** Reason text recorded with the last change (Webex `lastStateChangeReason`, where the connector's marker lives). */
  reason?: string;
  /**
   * The id of the connector's own command this state is the result of, when the adapter recognised its marker
   * (domain/command-marker.ts) in the reason text. The engine checks it against its ledger (domain/ownership.ts).
   */
  commandId?: string;
  /** The contact in progress while Engaged/WrapUp. */
  contact?: { id: string; mediaType: string; conference: boolean } | null;
}

export type AgentEvent =
  | ({ kind: 'state'; trackingId?: string } & AgentSnapshot)
  /** A command the connector sent was refused or failed asynchronously. */
  | { kind: 'command-failed'; agentId: string; trackingId: string; reason: string; at: number }
  /** The event stream dropped or resumed: the engine reconciles. */
  | { kind: 'stream'; status: 'down' | 'up'; at: number };

export interface StateCommand {
  agentId: string;
  state: 'Available' | 'Idle';
  idleCodeId?: string;
  /** Text recorded in the contact center with the change (≤128 characters). */
  reason: string;
  /** The id the engine recorded for this command before sending it (from `ContactCenter.commandId`). */
  commandId?: string;
}

/** The contact center's request budget and credential, for the status API, the admin page and Prometheus gauges. */
export interface ContactCenterDetails {
  budget: {
    /** Requests per minute allowed per client id; used in the last minute (count, share). */
    perMinute: number; usedLastMinute: number; budgetUse: number;
    /** Waiting for budget, per priority: 1 idle a busy agent, 2 release, 3 switch idle code, 4 reads. */
    queued: { p1: number; p2: number; p3: number; p4: number };
    /** Longest wait of anything still queued (ms). */
    oldestWaitMs: number;
    granted: { p1: number; p2: number; p3: number; p4: number };
    /** Commands replaced or withdrawn before they were sent. */
    superseded: number;
    /** 429 answers seen, and until when a Retry-After holds every request back (ms epoch, or null). */
    throttled: number;
    pausedUntil: number | null;
    commandsLastHour: number; agentsLastHour: number; readsLastHour: number;
    /** At the last hour's change rate per agent, how many agents the budget serves (null before any command). */
    capacityAgents: number | null;
  };
  /** Whom the connector acts as (People API), its token's kind and expiry. */
  actingAs: { id: string; displayName: string } | null;
  tokenKind: 'static' | 'oauth';
  tokenExpiresAt: number | null;
  credentialError: string | null;
  events: 'webhook' | 'websocket';
  changeableTeams?: 'all' | string[] | null; // teams whose agents the credential may change (null: unknown)
}

export interface ContactCenter {
  readonly vendor: string;
  start(onEvent: (events: AgentEvent[]) => void, readState?: (agentId: string) => { state: AgentState } | null): Promise<void>; // readState: the engine's, never copied
  stop(): Promise<void>;
  listIdleCodes(): Promise<IdleCode[]>;
  listTeams(): Promise<CcTeam[]>;
  listAgents(): Promise<CcAgent[]>;
  /**
   * Current state of the given agents (default: every agent the adapter knows), for reconciliation. An agent the
   * contact center does not state explicitly is left out: absence never means logged out.
   */
  snapshot(agentIds?: readonly string[]): Promise<AgentSnapshot[]>;
  /**
   * A new command id, made before the command is recorded and sent, so the ledger holds it before the request
   * leaves and the reason marker carries it. An adapter that signs ids recognises them even without the ledger.
   */
  commandId?(target: { agentId: string; state: 'Available' | 'Idle'; idleCodeId?: string }): string;
  /**
   * Withdraws the agent's command while it still waits for the contact center's request budget (its `setState`
   * rejects); true when it was withdrawn and therefore never sent.
   */
  withdraw?(agentId: string): boolean;
  /** Budget use, queue depth, capacity estimate and credential, when the adapter has them. */
  details?(): ContactCenterDetails;
  checkTeams?(synced: readonly { id: string; name: string }[]): Promise<PermissionCheck>; // may the credential change every synced team's agents (failure names the others)
  /**
   * Sends a state change; resolves once the contact center accepted it (the result arrives as an event). An
   * adapter that writes the connector's marker into the reason text returns the marker's `commandId`.
   */
  setState(cmd: StateCommand): Promise<{ trackingId: string; commandId?: string }>;
  /** Validates an agent's desktop token and returns the agent id it belongs to. */
  verifyAgentToken?(token: string): Promise<string | null>;
  health(): { lastSuccessAt: number | null; lastError: string | null; streamUp: boolean };
}

// ---------------------------------------------------------------------------------------------------------
// Engine collaborators

/** Pushes fresh views to widgets. Calls are cheap and coalesced by the implementation. */
export interface Publisher {
  agentsChanged(agentIds: Iterable<string>): void;
  connectorChanged(): void;
}

export const nullPublisher: Publisher = { agentsChanged: () => {}, connectorChanged: () => {} };

/** Contact center → Teams write-back, with the echo it causes (see decide's echo suppression). */
export interface WriteBack {
  onAgentState(agent: { agentId: string; teamsUserId: string; mode: import('./domain/mapping.js').SyncMode }, snapshot: AgentSnapshot): void;
  echoFor(teamsUserId: string): { presence: Presence; until: number } | null;
  stop(): Promise<void>;
  /** Where each setPresence / renewal / clearPresence is audited, with its result. */
  useAudit?(audit: WriteBackAuditLog): void;
}
/** The part of the audit trail the write-back writes to. */
export type WriteBackAuditLog = Pick<AuditStore, 'add' | 'result'>;
