/**
 * Every agent-state mutation of the emulator: it updates the registry, records the activity period, and
 * publishes the WebSocket frame and the webhook event. REST handlers, contacts and the control surface all
 * come through here, so a change looks the same whoever makes it — only the attribution differs.
 * Frame shapes follow Cisco's SDK types (`services/agent/types.ts`, `services/task/types.ts`).
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorClock } from '../kit/clock.js';
import { AVAILABLE_AUX, type Actor, type AgentRec, type AgentRegistry, type Period } from './agent-registry.js';
import type { EventHub } from './event-hub.js';
import type { WebexInventions } from './options.js';
import { SITE_ID } from './seed-data.js';
import type { EmulatorStats } from './stats.js';
import type { WebhookDispatcher, WebhookEventType } from './webhook-dispatcher.js';

/**
 * `reasonCode`s of asynchronous failures. Only 33 (bad state-change payload) is reported by a public source;
 * the others are the emulator's own.
 */
export const FAILURE = {
  invalidAuxCode: 33,
  notLoggedIn: 32,
  onContact: 34,
  alreadyLoggedIn: 35,
} as const;

/** The reason the server records when an agent's desktop socket drops (SDK cc.ts silentRelogin). */
export const WSS_DISCONNECT_REASON = 'agent-wss-disconnect';
const NO_ACTOR: Actor = { changedBy: null, id: null, name: null };

export class StateEngine {
  constructor(
    readonly reg: AgentRegistry,
    private readonly hub: EventHub,
    private readonly webhooks: WebhookDispatcher,
    private readonly stats: EmulatorStats,
    readonly clock: EmulatorClock,
    readonly inv: WebexInventions,
  ) {}

  /** Changes the system makes (RONA, socket drops): attributed only with the `changedByActors` invention. */
  systemActor(): Actor {
    return this.inv.changedByActors ? { changedBy: 'SYSTEM', id: 'SYSTEM', name: 'System' } : NO_ACTOR;
  }

  /** Semantic checks of a state change at the moment it is applied; null when it may proceed. */
  checkStateChange(a: AgentRec, state: 'Available' | 'Idle', auxCodeId: string): { reasonCode: number; reason: string } | null {
    if (!a.loggedIn) return { reasonCode: FAILURE.notLoggedIn, reason: 'AGENT_NOT_LOGGED_IN' };
    if (a.contact) return { reasonCode: FAILURE.onContact, reason: 'AGENT_HAS_ACTIVE_CONTACT' };
    if (state === 'Available') return null;
    const code = this.reg.aux(auxCodeId);
    if (!code || code.workTypeCode !== 'IDLE_CODE' || code.isSystemCode || !code.active) return { reasonCode: FAILURE.invalidAuxCode, reason: 'INVALID_AUX_CODE' };
    return null;
  }

  /**
   * Applies a state change without publishing. The state timestamp moves only when Available/Idle changes; the
   * idle-code timestamp only when the aux code changes (an Idle→Idle code switch keeps the state timestamp).
   */
  apply(a: AgentRec, state: 'Available' | 'Idle', auxCodeId: string, reason: string, actor: Actor): Period {
    const now = this.clock.now();
    const aux = state === 'Available' ? AVAILABLE_AUX : auxCodeId;
    if (aux !== (a.subStatus === 'Available' ? AVAILABLE_AUX : a.auxCodeId)) a.lastIdleCodeChangeTs = now;
    if (state !== a.subStatus || this.inv.codeSwitchMovesStateTime) a.lastStateChangeTs = now;
    a.subStatus = state;
    a.auxCodeId = aux;
    a.reason = reason;
    a.changedBy = actor.changedBy;
    a.changedById = actor.id;
    a.changedByName = actor.name;
    a.pendingIdle = null;
    this.stats.stateChanges++;
    return this.reg.openPeriod(a, now);
  }

  /** Applies a state change and publishes `AgentStateChangeSuccess` plus the `agent:state_change` webhook. */
  setState(a: AgentRec, state: 'Available' | 'Idle', auxCodeId: string, reason: string, actor: Actor, trackingId: string): void {
    const period = this.apply(a, state, auxCodeId, reason, actor);
    this.publishStateChange(a, trackingId, period);
  }

  publishStateChange(a: AgentRec, trackingId: string, period: Period): void {
    if (this.hub.hasListeners(a.id)) {
      this.hub.publish(a.id, {
        type: 'AgentStateChange',
        orgId: this.reg.orgId,
        trackingId,
        data: { type: 'AgentStateChangeSuccess', eventType: 'AgentDesktopMessage', trackingId, ...this.reg.stateFields(a) },
      });
    }
    this.webhookStateChange(a, period);
  }

  failState(a: AgentRec, trackingId: string, failure: { reasonCode: number; reason: string }): void {
    this.stats.stateChangeFailures++;
    this.hub.publish(a.id, {
      type: 'AgentStateChange',
      orgId: this.reg.orgId,
      trackingId,
      data: { type: 'AgentStateChangeFailed', eventType: 'AgentDesktopMessage', agentId: a.id, trackingId, orgId: this.reg.orgId, ...failure },
    });
  }

  /** `channelsMap`: the agent's interactions per channel (SDK `StationLoginSuccess`, `ReloginSuccess`). */
  private sessionFields(a: AgentRec, deviceType: string, dn: string): Record<string, unknown> {
    const ids = a.contact ? [a.contact.interactionId] : [];
    const channel = a.contact?.mediaType ?? 'telephony';
    const channelsMap: Record<string, string[]> = { chat: [], email: [], social: [], telephony: [] };
    channelsMap[channel] = ids;
    return {
      teamId: a.teamId,
      siteId: SITE_ID,
      roles: ['agent'],
      deviceType,
      dn,
      dialNumber: dn,
      isExtension: deviceType === 'EXTENSION',
      profileType: 'BLENDED',
      mmProfile: { chat: 0, email: 0, social: 0, telephony: 1 },
      channelsMap,
      interactionIds: ids,
    };
  }

  /** Logs the agent in; agents land in Idle with the default idle code unless `available` is asked for. */
  login(a: AgentRec, actor: Actor, trackingId: string, opts: { available?: boolean; dialNumber?: string; deviceType?: string; teamId?: string } = {}): void {
    const now = this.clock.now();
    a.loggedIn = true;
    a.sessionId = randomUUID();
    if (opts.teamId && this.reg.team(opts.teamId)) a.teamId = opts.teamId;
    a.subStatus = opts.available ? 'Available' : 'Idle';
    a.auxCodeId = opts.available ? AVAILABLE_AUX : this.reg.defaultIdleCode().id;
    a.lastStateChangeTs = now;
    a.lastIdleCodeChangeTs = now;
    a.reason = '';
    a.changedBy = actor.changedBy;
    a.changedById = actor.id;
    a.changedByName = actor.name;
    a.pendingIdle = null;
    a.deviceType = opts.deviceType ?? 'BROWSER';
    a.dn = opts.dialNumber ?? `webrtc-${a.id}`;
    const period = this.reg.openPeriod(a, now, 1);
    this.hub.publish(a.id, {
      type: 'StationLogin',
      orgId: this.reg.orgId,
      trackingId,
      data: { type: 'AgentStationLoginSuccess', eventType: 'AgentDesktopMessage', trackingId, ...this.reg.stateFields(a), ...this.sessionFields(a, a.deviceType, a.dn) },
    });
    this.webhooks.emit('agent:login', () => this.webhookData(a, period));
    this.webhookStateChange(a, period);
  }

  logout(a: AgentRec, actor: Actor, trackingId: string, logoutReason: string): void {
    const now = this.clock.now();
    const sessionId = a.sessionId;
    a.loggedIn = false;
    a.pendingIdle = null;
    a.lastStateChangeTs = now;
    a.reason = logoutReason;
    a.changedBy = actor.changedBy;
    a.changedById = actor.id;
    a.changedByName = actor.name;
    const period = this.reg.openPeriod(a, now);
    a.sessionId = '';
    this.hub.publish(a.id, {
      type: 'Logout',
      orgId: this.reg.orgId,
      trackingId,
      data: {
        type: 'AgentLogoutSuccess',
        eventType: 'AgentDesktopMessage',
        trackingId,
        agentId: a.id,
        agentSessionId: sessionId,
        orgId: this.reg.orgId,
        status: 'LoggedOut',
        subStatus: 'LoggedOut',
        roles: ['agent'],
        ...(actor.changedBy ? { loggedOutBy: actor.changedBy } : {}),
        ...(this.inv.changedByActors ? { logoutReason, changedBy: actor.changedBy, changedById: actor.id, changedByName: actor.name, lastStateChangeTimestamp: now } : {}),
      },
    });
    this.webhooks.emit('agent:logout', () => this.webhookData(a, period, sessionId));
    this.webhookStateChange(a, period, sessionId);
  }

  /** `AgentReloginSuccess`: a snapshot of the agent's session, as after a desktop reload. */
  reload(a: AgentRec, trackingId: string): void {
    this.hub.publish(a.id, {
      type: 'AgentReloginSuccess',
      orgId: this.reg.orgId,
      trackingId,
      data: { type: 'AgentReloginSuccess', eventType: 'AgentDesktopMessage', trackingId, ...this.reg.stateFields(a), ...this.sessionFields(a, a.deviceType, a.dn) },
    });
  }

  /**
   * The agent's last desktop socket dropped: the server records `agent-wss-disconnect` and takes the agent out
   * of Available (the SDK asks for Available again when it reads that reason after a reload). Which idle code
   * the real service uses is not public; the emulator keeps the current one, or the default when Available.
   */
  socketDropped(a: AgentRec): void {
    if (!a.loggedIn || a.contact) return;
    const code = a.subStatus === 'Idle' ? a.auxCodeId : this.reg.defaultIdleCode().id;
    this.setState(a, 'Idle', code, WSS_DISCONNECT_REASON, this.systemActor(), randomUUID());
  }

  failLogin(a: AgentRec, trackingId: string, type: 'StationLogin' | 'Logout' | 'AgentReloginSuccess', failure: { reasonCode: number; reason: string }): void {
    const inner = type === 'StationLogin' ? 'AgentStationLoginFailed' : type === 'Logout' ? 'AgentLogoutFailed' : 'AgentReloginFailed';
    const outer = type === 'AgentReloginSuccess' ? 'AgentReloginFailed' : type;
    this.hub.publish(a.id, { type: outer, orgId: this.reg.orgId, trackingId, data: { type: inner, eventType: 'AgentDesktopMessage', agentId: a.id, trackingId, orgId: this.reg.orgId, ...failure } });
  }

  /**
   * Publishes a contact frame (`RoutingMessage` outer type, event name in `data.type`, SDK `TaskData` shape with
   * `eventTime`). Agent-state fields ride along only with the `legacyContactFrames` invention.
   */
  publishContact(a: AgentRec, eventName: string, data: Record<string, unknown>): void {
    if (!this.hub.hasListeners(a.id)) return;
    const trackingId = randomUUID();
    const legacy = this.inv.legacyContactFrames ? { ...this.reg.stateFields(a), currentState: this.reg.activityState(a) } : {};
    this.hub.publish(a.id, {
      type: 'RoutingMessage',
      orgId: this.reg.orgId,
      trackingId,
      data: { ...legacy, type: eventName, eventType: 'RoutingMessage', trackingId, agentId: a.id, orgId: this.reg.orgId, eventTime: this.clock.now(), ...data },
    });
  }

  webhookStateChange(a: AgentRec, period: Period, sessionId?: string): void {
    this.webhooks.emit('agent:state_change', () => this.webhookData(a, period, sessionId));
  }

  /** `task:*` webhooks: the sparse shape of Cisco's mock (taskId, origin, destination, queueId, channelType). */
  webhookTask(type: Extract<WebhookEventType, `task:${string}`>, a: AgentRec, taskId: string, channelType: string): void {
    this.webhooks.emit(type, () => ({ taskId, agentId: a.id, teamId: a.teamId, channelType, origin: '', destination: '', queueId: '', createdTime: this.clock.now() }));
  }

  /**
   * `agent:*` webhook data. The payload is not public: by default the fields of Cisco's mock (agentId,
   * createdTime, currentState, destination, origin, queueId, taskId, teamId); `richWebhooks` adds more.
   */
  private webhookData(a: AgentRec, p: Period, sessionId?: string): Record<string, unknown> {
    const sparse = { agentId: a.id, createdTime: p.start, currentState: p.state, destination: '', origin: '', queueId: '', taskId: p.taskId, teamId: a.teamId };
    if (!this.inv.richWebhooks) return sparse;
    return {
      ...sparse,
      agentSessionId: sessionId ?? a.sessionId,
      idleCode: p.idleCode,
      idleCodeName: p.idleCode ? (this.reg.aux(p.idleCode)?.name ?? '') : '',
      channelType: 'telephony',
      reason: p.reason,
      changedBy: p.changedBy,
      changedById: p.changedById,
    };
  }
}
