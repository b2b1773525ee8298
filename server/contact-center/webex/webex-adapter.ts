import { createHash } from 'node:crypto';
import type { IdleCode } from '../../domain/agent.js';
import { silentLogger, type Logger } from '../../logger.js';
import { systemClock, type AgentEvent, type AgentSnapshot, type CcAgent, type CcTeam, type Clock, type ContactCenter, type StateCommand } from '../../ports.js';
import { CommandIds } from '../command-ids.js';
import { CommandScheduler, type SchedulerStats } from '../command-scheduler.js';
import { WebexActivityReconciler } from './webex-activity-reconciler.js';
import { WebexContactMemory } from './webex-contact-memory.js';
import { WebexCommandLedger } from './webex-command-ledger.js';
import { WebexCommands, type AgentStateRead, type OwnClaim } from './webex-commands.js';
import { WebexConfigClient } from './webex-config-client.js';
import { WebexEventStream, type StreamStatus } from './webex-event-stream.js';
import { WebexEventTranslator } from './webex-event-translator.js';
import { WebexHttpClient } from './webex-http-client.js';
import { WebexIdentity, type Person } from './webex-identity.js';
import { OAuthTokenSource, staticToken, type TokenInfo, type TokenSource } from './webex-token-source.js';
import { readTeamReach, teamReachCheck, type TeamReach } from './webex-credential-scope.js';
import { registerWebhook } from './webex-webhook-registration.js';
import { translateWebhook, WebhookDeduper } from './webex-webhook-translator.js';

/**
 * Webex Contact Center behind the `ContactCenter` port, on what Webex documents (reference/webex-cc-fidelity.md):
 * events from webhooks (Subscriptions API) plus reconciliation through activities, a supervisor or Service App
 * credential refreshed through the identity origin, the People API on that origin, and every call to the
 * contact center under one budget (command-scheduler). Composition only; the parts live in their own files.
 */

export interface WebexAdapterOptions {
  baseUrl: string;
  orgId: string;
  /** Identity origin for OAuth and the People API (default https://webexapis.com). */
  identityBaseUrl?: string;
  /** A static access token (tests, or an operator who rotates it), used as a bearer token and never logged. */
  accessToken?: string;
  /** OAuth client of the integration or Service App, with its refresh token: tokens are refreshed before expiry and after a 401. */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
  /**
   * 'webhook' (production default: Subscriptions API, the documented org-wide feed) or 'websocket': for a connector
   * webhooks cannot reach. A Webex notification socket carries only its subscriber's own events, so in this mode
   * agents' states come from reconciliation through activities alone (at the engine's reconcile interval); frames
   * about anyone but the credential's own user are ignored, whatever the socket sends.
   */
  events: 'websocket' | 'webhook';
  /** An administrator's or Service App's credential for the Subscriptions API (supervisors may not manage subscriptions). */
  admin?: { accessToken?: string; refreshToken?: string };
  /** Requests per minute allowed per client id (Webex default 300). */
  budgetPerMinute?: number;
  /** Key that signs command ids (default derived from the org and client id); keep it stable across restarts. */
  commandKey?: string;
  clock?: Clock;
  logger?: Logger;
  /** Webhook mode: where Webex should deliver `agent:*` events, and the secret that signs them (32–256 characters). */
  webhook?: { destinationUrl: string; secret: string; name?: string };
  http?: { timeoutMs?: number; retries?: number; baseDelayMs?: number; maxDelayMs?: number; maxRetryAfterMs?: number };
  stream?: { keepaliveMs?: number; reconnectBaseMs?: number; reconnectMaxMs?: number; welcomeTimeoutMs?: number };
  idleCodeCacheMs?: number;
  /** Wait after a contact ends for the state change that says where the agent went (default 250 ms). */
  contactEndGraceMs?: number;
  /** How long webhook follow-up reads gather agents before one activities query (default 150 ms). */
  followUpDelayMs?: number;
  /** Told about a rotated OAuth refresh token so it can be kept. */
  onRefreshToken?: (refreshToken: string) => void;
}

export interface WebexIdentityStatus {
  actingAs: Person | null;
  token: TokenInfo;
  lastError: string | null;
}

export interface WebexAdapter extends ContactCenter {
  verifyAgentToken(token: string): Promise<string | null>;
  /** Feeds one verified webhook payload through the same translation as the event stream. */
  handleWebhook(payload: unknown): AgentEvent[];
  /** Current state of the given agents (default: every known agent), from activities. */
  snapshot(agentIds?: readonly string[]): Promise<AgentSnapshot[]>;
  /** The request budget: use, queue depth per priority, oldest wait, capacity estimate. */
  budget(): SchedulerStats;
  /** Whom the connector acts as and its token's expiry. */
  identityStatus(): WebexIdentityStatus;
  /** The user behind the connector's credential, once known. */
  integrationUserId(): string | null;
}

export function createWebexAdapter(options: WebexAdapterOptions): WebexAdapter {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ component: 'webex-adapter' });
  const identityUrl = options.identityBaseUrl ?? 'https://webexapis.com';
  const tokens: TokenSource = options.oauth
    ? new OAuthTokenSource({ identityBaseUrl: identityUrl, ...options.oauth, ...(options.accessToken ? { accessToken: options.accessToken } : {}), clock, logger, ...(options.onRefreshToken ? { onRefreshToken: options.onRefreshToken } : {}) })
    : staticToken(options.accessToken ?? '');
  const adminTokens: TokenSource | null = options.admin?.refreshToken && options.oauth
    ? new OAuthTokenSource({ identityBaseUrl: identityUrl, ...options.oauth, refreshToken: options.admin.refreshToken, ...(options.admin.accessToken ? { accessToken: options.admin.accessToken } : {}), clock, logger })
    : options.admin?.accessToken ? staticToken(options.admin.accessToken) : null;
  const scheduler = new CommandScheduler({ perMinute: options.budgetPerMinute ?? 300, clock });
  const http = new WebexHttpClient({ baseUrl: options.baseUrl, tokens, scheduler, clock, logger, ...options.http });
  const identity = new WebexIdentity(identityUrl);
  const config = new WebexConfigClient(http, options.orgId, clock, options.idleCodeCacheMs);
  const ledger = new WebexCommandLedger(clock);
  const memory = new WebexContactMemory();
  const states: { read: AgentStateRead } = { read: () => null };
  const ids = new CommandIds(options.commandKey ?? createHash('sha256').update(`tpc-command-ids|${options.orgId}|${options.oauth?.clientId ?? ''}`).digest('base64url'));
  const commands = new WebexCommands(http, ledger, ids, states, config);
  const translator = new WebexEventTranslator(memory, ledger, config, (c, t) => commands.claim(c, t), clock, options.contactEndGraceMs ?? 250, (events) => deliver(events));
  const reconciler = new WebexActivityReconciler(http, options.orgId, memory, config, clock, logger);
  const stream = new WebexEventStream({ http, clock, logger, ...options.stream });
  const webhookDedupe = new WebhookDeduper();
  let listener: ((events: AgentEvent[]) => void) | null = null;
  let webhookUp = false;
  let actingAs: Person | null = null;
  let identityError: string | null = null;
  let reach: TeamReach = { kind: 'unknown', reason: 'not read yet' };
  let knownAgentIds: string[] = [];
  /** Agents to read back, with the earliest time (Webex's clock) of the changes that asked for it; null: not said. */
  const followUps = new Map<string, number | null>();
  let followUpTimer: { cancel(): void } | null = null;

  const deliver = (events: AgentEvent[]): void => {
    if (events.length === 0 || !listener) return;
    try {
      listener(events);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'agent event listener threw');
    }
  };

  /** A snapshot with the connector's ownership established from its marker, and the command it confirms. */
  const owned = (s: AgentSnapshot): AgentSnapshot & { trackingId?: string } => {
    if (s.state === 'RONA' || s.origin !== 'unknown') return s;
    const own: OwnClaim | null = commands.claim(s, undefined);
    return own ? { ...s, origin: 'connector', ...(own.commandId ? { commandId: own.commandId } : {}), ...(own.trackingId ? { trackingId: own.trackingId } : {}) } : s;
  };

  async function learnIdentity(): Promise<void> {
    try {
      actingAs = await identity.whoAmI(tokens);
      identityError = actingAs ? null : 'the identity service refused the connector credential';
      reach = await readTeamReach(http, options.orgId, actingAs?.id ?? null);
    } catch (err) {
      identityError = (err as Error).message;
      logger.warn({ reason: identityError }, 'could not read whom the connector acts as');
    }
  }

  async function readFollowUps(): Promise<void> {
    followUpTimer = null;
    const agentIds = [...followUps.keys()];
    // The read-back needs only the records since the earliest change it follows up; a change without a time reads the full window.
    const times = [...followUps.values()];
    const since = times.includes(null) ? undefined : times.reduce<number>((min, t) => Math.min(min, t!), Infinity);
    followUps.clear();
    if (agentIds.length === 0) return;
    try {
      const snaps = await reconciler.snapshot(agentIds, 3, since);
      deliver(snaps.map((s) => ({ kind: 'state', ...owned(s) })));
    } catch (err) {
      logger.warn({ reason: (err as Error).message, agents: agentIds.length }, 'could not read back agents after their webhooks; reconciliation will');
    }
  }

  /** What the documentation lets a notification socket carry: frames about the subscriber itself (or about no agent). */
  const isOwnFrame = (frame: unknown): boolean => {
    const data = (frame as { data?: { agentId?: unknown } } | null)?.data;
    const agentId = data && typeof data === 'object' ? data.agentId : undefined;
    return typeof agentId !== 'string' || (actingAs !== null && agentId === actingAs.id);
  };

  const onStreamStatus = (status: StreamStatus): void => deliver([{ kind: 'stream', status, at: clock.now() }]);

  return {
    vendor: 'webex',

    async start(onEvent, readState) {
      listener = onEvent;
      if (readState) states.read = readState;
      await learnIdentity();
      await config.listIdleCodes().catch((err: Error) => logger.warn({ reason: err.message }, 'could not load idle codes at start'));
      if (options.events === 'websocket') {
        await stream.start((frame) => {
          if (isOwnFrame(frame)) deliver(translator.translateFrame(frame));
        }, onStreamStatus);
        return;
      }
      try {
        if (options.webhook) await registerWebhook(http, options.orgId, options.webhook, logger, adminTokens ? await adminTokens.token() : undefined);
        webhookUp = true;
        deliver([{ kind: 'stream', status: 'up', at: clock.now() }]);
      } catch (err) {
        logger.warn({ reason: (err as Error).message }, 'could not register the webhook');
        deliver([{ kind: 'stream', status: 'down', at: clock.now() }]);
      }
    },

    async stop() {
      listener = null;
      webhookUp = false;
      followUpTimer?.cancel();
      scheduler.close();
      await stream.stop();
      // Commands in flight finish; then the kept-alive connections close, so nothing is left open.
      await http.close();
    },

    listIdleCodes: (): Promise<IdleCode[]> => config.listIdleCodes(),
    listTeams: (): Promise<CcTeam[]> => config.listTeams(),
    async listAgents(): Promise<CcAgent[]> {
      const agents = await config.listAgents();
      knownAgentIds = agents.map((a) => a.id);
      return agents;
    },

    async snapshot(agentIds?: readonly string[]) {
      if (!agentIds && knownAgentIds.length === 0) knownAgentIds = (await config.listAgents()).map((a) => a.id);
      const snaps = await reconciler.snapshot(agentIds ?? knownAgentIds);
      return snaps.map(owned);
    },

    setState: (cmd: StateCommand) => commands.send(cmd),
    commandId: (target) => commands.newId(target),
    withdraw: (agentId: string) => scheduler.cancel(agentId),

    async verifyAgentToken(token: string) {
      const person = await identity.me(token);
      return person ? person.id : null;
    },

    handleWebhook(payload: unknown) {
      if (!webhookDedupe.firstTime(payload)) return [];
      const t = translateWebhook(payload);
      if (t.followUp) {
        const known = followUps.get(t.followUp);
        followUps.set(t.followUp, t.since === undefined || known === null ? null : Math.min(known ?? t.since, t.since));
        followUpTimer ??= clock.setTimeout(() => void readFollowUps(), options.followUpDelayMs ?? 150);
      }
      const events = t.frame ? translator.translateFrame(t.frame, true) : [];
      deliver(events);
      return events;
    },

    budget: () => scheduler.stats(),
    details() {
      const t = tokens.info();
      return {
        budget: scheduler.stats(),
        actingAs: actingAs ? { id: actingAs.id, displayName: actingAs.displayName } : null,
        tokenKind: t.kind,
        tokenExpiresAt: t.expiresAt,
        credentialError: t.lastError ?? identityError,
        events: options.events,
        changeableTeams: reach.kind === 'all' ? 'all' : reach.kind === 'teams' ? reach.teamIds : null,
      };
    },
    async checkTeams(synced) {
      if (reach.kind === 'unknown') await learnIdentity();
      return teamReachCheck(reach, synced);
    },
    identityStatus: () => ({ actingAs, token: tokens.info(), lastError: identityError }),
    integrationUserId: () => actingAs?.id ?? null,

    health() {
      return {
        lastSuccessAt: http.stats.lastSuccessAt,
        lastError: http.stats.lastError,
        streamUp: options.events === 'websocket' ? stream.up : webhookUp,
      };
    },
  };
}
