/**
 * Every agent-state mutation of the emulator: it updates the registry, records the activity period, and
 * publishes the WebSocket frame and the webhook event. REST handlers, contacts and the control surface all
 * come through here, so a change looks the same whoever makes it — only `changedBy` differs.
 */
import { randomUUID } from 'node:crypto';
import { AVAILABLE_AUX, type Actor, type AgentRec, type AgentRegistry, type Period } from './agent-registry.js';
import type { EventHub } from './event-hub.js';
import type { EmulatorStats } from './fault-injector.js';
import { SITE_ID } from './seed-data.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';

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

export const SYSTEM_ACTOR: Actor = { changedBy: 'SYSTEM', id: 'SYSTEM', name: 'System' };

export class StateEngine {
  constructor(
    readonly reg: AgentRegistry,
    private readonly hub: EventHub,
    private readonly webhooks: WebhookDispatcher,
    private readonly stats: EmulatorStats,
  ) {}

  /** Semantic checks of a state change at the moment it is applied; null when it may proceed. */
  checkStateChange(a: AgentRec, state: 'Available' | 'Idle', auxCodeId: string): { reasonCode: number; reason: string } | null {
    if (!a.loggedIn) return { reasonCode: FAILURE.notLoggedIn, reason: 'Agent is not logged in' };
    if (a.contact) return { reasonCode: FAILURE.onContact, reason: `Agent is handling a contact (${this.reg.activityState(a)})` };
    if (state === 'Available') return null;
    const code = this.reg.aux(auxCodeId);
    if (!code) return { reasonCode: FAILURE.invalidAuxCode, reason: `Invalid auxCodeId ${auxCodeId}` };
    if (code.workTypeCode !== 'IDLE_CODE') return { reasonCode: FAILURE.invalidAuxCode, reason: `Aux code ${code.name} is a wrap-up code` };
    if (code.isSystemCode) return { reasonCode: FAILURE.invalidAuxCode, reason: `Idle code ${code.name} is a system code and cannot be selected` };
    if (!code.active) return { reasonCode: FAILURE.invalidAuxCode, reason: `Idle code ${code.name} is inactive` };
    return null;
  }

  /** Applies a state change without publishing; used when a caller must order frames itself. */
  apply(a: AgentRec, state: 'Available' | 'Idle', auxCodeId: string, reason: string, actor: Actor): Period {
    const now = Date.now();
    const aux = state === 'Available' ? AVAILABLE_AUX : auxCodeId;
    if (aux !== (a.subStatus === 'Available' ? AVAILABLE_AUX : a.auxCodeId)) a.lastIdleCodeChangeTs = now;
    a.subStatus = state;
    a.auxCodeId = aux;
    a.lastStateChangeTs = now;
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

  /** Logs the agent in; agents land in Idle with the default idle code unless `available` is asked for. */
  login(a: AgentRec, actor: Actor, trackingId: string, opts: { available?: boolean; dialNumber?: string; deviceType?: string; teamId?: string } = {}): void {
    const now = Date.now();
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
    const period = this.reg.openPeriod(a, now, 1);
    this.hub.publish(a.id, {
      type: 'StationLogin',
      orgId: this.reg.orgId,
      trackingId,
      data: {
        type: 'AgentStationLoginSuccess',
        eventType: 'AgentDesktopMessage',
        trackingId,
        ...this.reg.stateFields(a),
        teamId: a.teamId,
        siteId: SITE_ID,
        roles: ['agent'],
        deviceType: opts.deviceType ?? 'BROWSER',
        dn: opts.dialNumber ?? `webrtc-${a.id}`,
        profileType: 'BLENDED',
      },
    });
    this.webhooks.emit('agent:login', () => this.webhookData(a, period));
    this.webhookStateChange(a, period);
  }

  logout(a: AgentRec, actor: Actor, trackingId: string, logoutReason: string): void {
    const now = Date.now();
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
        loggedOutBy: actor.changedBy,
        logoutReason,
        changedBy: actor.changedBy,
        changedById: actor.id,
        changedByName: actor.name,
        lastStateChangeTimestamp: now,
      },
    });
    this.webhooks.emit('agent:logout', () => this.webhookData(a, period, sessionId));
    this.webhookStateChange(a, period, sessionId);
  }

  /** `AgentReloginSuccess`: a snapshot of the agent's session, as after a desktop reload. */
  reload(a: AgentRec, trackingId: string): void {
    const c = a.contact;
    this.hub.publish(a.id, {
      type: 'AgentReloginSuccess',
      orgId: this.reg.orgId,
      trackingId,
      data: {
        type: 'AgentReloginSuccess',
        eventType: 'AgentDesktopMessage',
        trackingId,
        ...this.reg.stateFields(a),
        teamId: a.teamId,
        siteId: SITE_ID,
        roles: ['agent'],
        deviceType: 'BROWSER',
        dn: `webrtc-${a.id}`,
        currentState: this.reg.activityState(a),
        interactionIds: c ? [c.interactionId] : [],
      },
    });
  }

  failLogin(a: AgentRec, trackingId: string, type: 'StationLogin' | 'Logout' | 'AgentReloginSuccess', failure: { reasonCode: number; reason: string }): void {
    const inner = type === 'StationLogin' ? 'AgentStationLoginFailed' : type === 'Logout' ? 'AgentLogoutFailed' : 'AgentReloginFailed';
    const outer = type === 'AgentReloginSuccess' ? 'AgentReloginFailed' : type;
    this.hub.publish(a.id, { type: outer, orgId: this.reg.orgId, trackingId, data: { type: inner, eventType: 'AgentDesktopMessage', agentId: a.id, trackingId, orgId: this.reg.orgId, ...failure } });
  }

  /** Publishes a contact frame (`RoutingMessage` outer type, event name in `data.type`). */
  publishContact(a: AgentRec, eventName: string, data: Record<string, unknown>): void {
    if (!this.hub.hasListeners(a.id)) return;
    const trackingId = randomUUID();
    this.hub.publish(a.id, {
      type: 'RoutingMessage',
      orgId: this.reg.orgId,
      trackingId,
      data: { type: eventName, eventType: 'RoutingMessage', trackingId, ...this.reg.stateFields(a), currentState: this.reg.activityState(a), ...data },
    });
  }

  webhookStateChange(a: AgentRec, period: Period, sessionId?: string): void {
    this.webhooks.emit('agent:state_change', () => this.webhookData(a, period, sessionId));
  }

  private webhookData(a: AgentRec, p: Period, sessionId?: string): Record<string, unknown> {
    return {
      agentId: a.id,
      agentSessionId: sessionId ?? a.sessionId,
      currentState: p.state,
      idleCode: p.idleCode,
      idleCodeName: p.idleCode ? (this.reg.aux(p.idleCode)?.name ?? '') : '',
      teamId: a.teamId,
      taskId: p.taskId,
      channelType: 'telephony',
      reason: p.reason,
      changedBy: p.changedBy,
      changedById: p.changedById,
      createdTime: p.start,
    };
  }
}
