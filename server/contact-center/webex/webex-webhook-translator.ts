import { createHash } from 'node:crypto';
import { num, obj, str, type Json } from './webex-payload.js';

/**
 * Webex Contact Center webhooks (Subscriptions API, `agent:*` event types) rewritten as the equivalent
 * event-stream frame, so both delivery paths share one translation, one ordering rule and one ownership rule.
 *
 * The payload of `agent:state_change` is not public; what can be relied on is sparse (a Cisco mock has only
 * `agentId, createdTime, currentState, destination, origin, queueId, taskId, teamId`: no `changedBy`, tracking
 * id, idle-code id or reason). A change whose owner cannot be told from the payload itself — an idle without
 * its code and reason text — is therefore not guessed: it is answered with `followUp`, and the adapter reads
 * that agent's activities (batched, ≤ 100 agents a query), where the reason text carries the connector's marker.
 * Richer payloads (code, reason, timestamps) are used as they come.
 *
 * Webhooks are delivered at least once, possibly duplicated, reordered, delayed or lost: `WebhookDeduper`
 * drops exact redeliveries, the domain's ordering (applyCcState) drops older news and repeats, reconciliation finds lost ones.
 */

export interface WebhookTranslation {
  frame?: Json;
  /** The agent whose current state must be read back (the payload does not say enough). */
  followUp?: string;
  /** When the change behind the follow-up happened, in Webex's clock (the payload's time), if it says. */
  since?: number;
}

const ENGAGED = new Set(['connected', 'engaged', 'conferencing', 'conference', 'hold', 'consulting']);
const OFFERED = new Set(['ringing', 'reserved', 'offered']);
const LOGGED_OUT = new Set(['logged-out', 'loggedout', 'logout', 'logged_out']);

const followUp = (agentId: string, ts: number | undefined): WebhookTranslation => (ts === undefined ? { followUp: agentId } : { followUp: agentId, since: ts });

export function translateWebhook(payload: unknown): WebhookTranslation {
  const env = obj(payload);
  const type = str(env.type) ?? str(env.eventType);
  const d = obj(env.data);
  const agentId = str(d.agentId);
  if (!type || !agentId) return {};
  const ts = num(d.lastStateChangeTimestamp) ?? num(d.createdTime) ?? num(d.eventTime) ?? num(env.time) ?? num(env.createdTime);
  const common: Json = {
    agentId,
    orgId: str(env.orgId) ?? str(d.orgId),
    changedBy: str(d.changedBy) ?? null,
    trackingId: str(d.trackingId),
  };
  const frame = (outer: string, inner: string, data: Json): WebhookTranslation => ({ frame: { type: outer, trackingId: common.trackingId, data: { type: inner, ...common, ...data } } });
  const state = (str(d.currentState) ?? '').toLowerCase();

  if (type === 'agent:logout' || LOGGED_OUT.has(state)) {
    return frame('Logout', 'AgentLogoutSuccess', { lastStateChangeTimestamp: ts, loggedOutBy: str(d.loggedOutBy) ?? common.changedBy, logoutReason: str(d.reason) });
  }
  const auxCodeId = str(d.auxCodeId) ?? str(d.idleCodeId) ?? str(d.idleCode);
  const reason = str(d.lastStateChangeReason) ?? str(d.reason);
  const contact = { interactionId: str(d.interactionId) ?? str(d.taskId), mediaType: str(d.mediaType) ?? str(d.channelType), eventTime: ts };
  if (type === 'agent:login') {
    if (state === 'available') return frame('StationLogin', 'AgentStationLoginSuccess', { auxCodeId: '0', subStatus: 'Available', lastStateChangeTimestamp: ts });
    if (auxCodeId) return frame('StationLogin', 'AgentStationLoginSuccess', { auxCodeId, subStatus: 'Idle', lastStateChangeTimestamp: ts });
    return followUp(agentId, ts);
  }
  if (type !== 'agent:state_change') return {};
  if (state === 'available') {
    return frame('AgentStateChange', 'AgentStateChangeSuccess', { subStatus: 'Available', auxCodeId: '0', lastStateChangeTimestamp: ts, lastStateChangeReason: reason });
  }
  if (state === 'idle') {
    // Who set it is in the reason text; without the code and the reason the change cannot be attributed.
    if (!auxCodeId || reason === undefined) return followUp(agentId, ts);
    return frame('AgentStateChange', 'AgentStateChangeSuccess', { subStatus: 'Idle', auxCodeId, lastStateChangeTimestamp: ts, lastStateChangeReason: reason });
  }
  if (state === 'rona') return frame('AgentOfferContactRona', 'AgentOfferContactRona', { auxCodeId, eventTime: ts, reason });
  if (OFFERED.has(state)) return frame('RoutingMessage', 'AgentOfferContact', contact);
  if (ENGAGED.has(state)) return frame('RoutingMessage', 'AgentContactAssigned', { ...contact, isConferencing: state.startsWith('conferenc') });
  if (state === 'wrapup' || state === 'wrap-up') return frame('RoutingMessage', 'AgentWrapup', contact);
  return followUp(agentId, ts);
}

/**
 * Remembers recent deliveries (bounded) so a redelivery is ignored: by envelope id when there is one, else by
 * the digest of the payload (a redelivery repeats the same bytes of data).
 */
export class WebhookDeduper {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 20_000) {}

  firstTime(payload: unknown): boolean {
    const env = obj(payload);
    const id = str(env.id) ?? createHash('sha256').update(JSON.stringify([env.type, env.data ?? null])).digest('base64url');
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.max) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
