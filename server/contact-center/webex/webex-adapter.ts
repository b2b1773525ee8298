import { randomUUID } from 'node:crypto';
import type { IdleCode } from '../../domain/agent.js';
import { AppError, invalid } from '../../errors.js';
import { silentLogger, type Logger } from '../../logger.js';
import { systemClock, type AgentEvent, type AgentSnapshot, type CcAgent, type CcTeam, type Clock, type ContactCenter, type StateCommand } from '../../ports.js';
import { WebexActivityReconciler } from './webex-activity-reconciler.js';
import { WebexAgentTracker } from './webex-agent-tracker.js';
import { bareUserId, WebexCommandLedger } from './webex-command-ledger.js';
import { WebexConfigClient } from './webex-config-client.js';
import { WebexEventStream, type StreamStatus } from './webex-event-stream.js';
import { WebexEventTranslator } from './webex-event-translator.js';
import { WebexHttpClient } from './webex-http-client.js';
import { obj, str } from './webex-payload.js';
import { webhookToFrame, WebhookDeduper } from './webex-webhook-translator.js';

/**
 * Webex Contact Center behind the `ContactCenter` port. Composition only: HTTP with retries
 * (webex-http-client), configuration lists (webex-config-client), the agent event stream or webhooks
 * (webex-event-stream, webex-webhook-translator), translation with ordering and ownership
 * (webex-event-translator, webex-agent-tracker, webex-command-ledger) and reconciliation
 * (webex-activity-reconciler).
 */

export interface WebexAdapterOptions {
  baseUrl: string;
  orgId: string;
  /** Integration token (cjp:config_read, cjp:user); used as a bearer token and never logged. */
  accessToken: string;
  events: 'websocket' | 'webhook';
  clock?: Clock;
  logger?: Logger;
  /** Webhook mode: where Webex should deliver `agent:*` events, and the secret that signs them. */
  webhook?: { destinationUrl: string; secret: string; name?: string };
  http?: { timeoutMs?: number; retries?: number; baseDelayMs?: number; maxDelayMs?: number; maxRetryAfterMs?: number };
  stream?: { keepaliveMs?: number; reconnectBaseMs?: number; reconnectMaxMs?: number; welcomeTimeoutMs?: number };
  idleCodeCacheMs?: number;
  /** Wait after a contact ends for the state change that says where the agent went (default 250 ms). */
  contactEndGraceMs?: number;
}

export interface WebexAdapter extends ContactCenter {
  verifyAgentToken(token: string): Promise<string | null>;
  /** Feeds one verified webhook payload through the same translation as the event stream. */
  handleWebhook(payload: unknown): AgentEvent[];
  /** The user behind the integration token, once known. */
  integrationUserId(): string | null;
}

const REASON_MAX = 128;
const WEBHOOK_EVENT_TYPES = ['agent:login', 'agent:logout', 'agent:state_change'];

export function createWebexAdapter(options: WebexAdapterOptions): WebexAdapter {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ component: 'webex-adapter' });
  const http = new WebexHttpClient({ baseUrl: options.baseUrl, accessToken: options.accessToken, clock, logger, ...options.http });
  const config = new WebexConfigClient(http, options.orgId, clock, options.idleCodeCacheMs);
  const ledger = new WebexCommandLedger(clock);
  const tracker = new WebexAgentTracker();
  const translator = new WebexEventTranslator(tracker, ledger, config, clock, options.contactEndGraceMs ?? 250, (events) => deliver(events));
  const reconciler = new WebexActivityReconciler(http, options.orgId, tracker, config, clock, logger);
  const stream = new WebexEventStream({ http, clock, logger, ...options.stream });
  const webhookDedupe = new WebhookDeduper();
  let listener: ((events: AgentEvent[]) => void) | null = null;
  let webhookUp = false;

  const deliver = (events: AgentEvent[]): void => {
    if (events.length === 0 || !listener) return;
    try {
      listener(events);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'agent event listener threw');
    }
  };

  async function learnIntegrationUser(): Promise<void> {
    try {
      const res = await http.request<unknown>('read integration user', { method: 'GET', path: '/v1/people/me' });
      const id = str(obj(res.data).id);
      if (id) ledger.setIntegrationUserId(bareUserId(id));
    } catch (err) {
      logger.warn({ reason: (err as Error).message }, 'could not read the integration user; INTEGRATION changes count as the connector');
    }
  }

  async function registerWebhook(): Promise<void> {
    const hook = options.webhook;
    if (!hook) return;
    await http.request('register webhook', {
      method: 'POST',
      path: '/v1/subscriptions',
      body: {
        name: (hook.name ?? 'teams-presence-connector').slice(0, 64),
        description: 'Agent state for the Teams presence connector',
        eventTypes: WEBHOOK_EVENT_TYPES,
        destinationUrl: hook.destinationUrl,
        secret: hook.secret,
        orgId: options.orgId,
      },
      acceptStatus: [409],
    });
  }

  const onStreamStatus = (status: StreamStatus): void => {
    if (status === 'up') void learnIntegrationUser().catch(() => undefined);
    deliver([{ kind: 'stream', status, at: clock.now() }]);
  };

  return {
    vendor: 'webex',

    async start(onEvent) {
      listener = onEvent;
      await learnIntegrationUser();
      await config.listIdleCodes().catch((err: Error) => logger.warn({ reason: err.message }, 'could not load idle codes at start'));
      if (options.events === 'websocket') {
        await stream.start((frame) => deliver(translator.translateFrame(frame)), onStreamStatus);
        return;
      }
      try {
        await registerWebhook();
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
      await stream.stop();
    },

    listIdleCodes: (): Promise<IdleCode[]> => config.listIdleCodes(),
    listTeams: (): Promise<CcTeam[]> => config.listTeams(),
    listAgents: (): Promise<CcAgent[]> => config.listAgents(),
    snapshot: (): Promise<AgentSnapshot[]> => reconciler.snapshot(),

    async setState(cmd: StateCommand) {
      if (!cmd.agentId) throw invalid('agentId is required', 'agentId');
      if (cmd.state === 'Idle' && !cmd.idleCodeId) throw invalid('an idle code is required to set Idle', 'idleCodeId');
      const code = cmd.state === 'Idle' ? config.cachedIdleCode(cmd.idleCodeId!) : undefined;
      if (code?.isSystem) throw invalid(`idle code "${code.name}" is a system code and cannot be set`, 'idleCodeId');
      const sentId = randomUUID();
      // Recorded before sending: the result frame can overtake the HTTP answer.
      ledger.record(sentId, cmd.agentId);
      const res = await http.request('set agent state', {
        method: 'PUT',
        path: '/v1/agents/session/state',
        headers: { TrackingId: sentId },
        body: {
          state: cmd.state,
          auxCodeId: cmd.state === 'Available' ? '0' : cmd.idleCodeId,
          lastStateChangeReason: cmd.reason.trim().slice(0, REASON_MAX),
          agentId: cmd.agentId,
        },
      });
      const answered = str(res.headers['trackingid']);
      const trackingId = answered ?? sentId;
      ledger.record(trackingId, cmd.agentId, [sentId]);
      return { trackingId };
    },

    async verifyAgentToken(token: string) {
      if (!token) return null;
      const res = await http.request<unknown>('verify agent token', {
        method: 'GET',
        path: '/v1/people/me',
        token,
        acceptStatus: [401, 403],
      });
      if (res.status === 401 || res.status === 403) return null;
      const id = str(obj(res.data).id);
      if (!id) throw new AppError('upstream', 'Webex CC verify agent token answered without a user id');
      return bareUserId(id);
    },

    handleWebhook(payload: unknown) {
      if (!webhookDedupe.firstTime(payload)) return [];
      const frame = webhookToFrame(payload);
      const events = frame ? translator.translateFrame(frame, true) : [];
      deliver(events);
      return events;
    },

    integrationUserId: () => ledger.getIntegrationUserId(),

    health() {
      return {
        lastSuccessAt: http.stats.lastSuccessAt,
        lastError: http.stats.lastError,
        streamUp: options.events === 'websocket' ? stream.up : webhookUp,
      };
    },
  };
}
