import { num, obj, str, type Json } from './webex-payload.js';

/**
 * Webex `agent:*` webhooks (CloudEvents-like `{id, specVersion, type, source, time, data}`) rewritten as the
 * equivalent event-stream frame, so that both delivery paths share one translation, one ordering rule and one
 * origin rule. Webhooks are delivered at least once and in no guaranteed order: the envelope id removes
 * exact redeliveries, and the translator's timestamp ordering removes the rest.
 */

export function webhookToFrame(payload: unknown): Json | null {
  const env = obj(payload);
  const type = str(env.type);
  const d = obj(env.data);
  const agentId = str(d.agentId);
  if (!type || !agentId) return null;
  const ts = num(d.lastStateChangeTimestamp) ?? num(d.createdTime) ?? num(d.eventTime) ?? num(env.time);
  const common = {
    agentId,
    orgId: str(env.orgId) ?? str(d.orgId),
    changedBy: str(d.changedBy) ?? null,
    changedById: str(d.changedById) ?? null,
    trackingId: str(d.trackingId),
  };
  const frame = (outer: string, inner: string, data: Json): Json => ({ type: outer, trackingId: common.trackingId, data: { type: inner, ...data } });

  if (type === 'agent:logout') {
    return frame('Logout', 'AgentLogoutSuccess', { ...common, lastStateChangeTimestamp: ts, loggedOutBy: str(d.loggedOutBy) ?? common.changedBy, logoutReason: str(d.reason) });
  }
  const state = (str(d.currentState) ?? '').toLowerCase();
  const auxCodeId = str(d.auxCodeId) ?? str(d.idleCodeId) ?? str(d.idleCode);
  const reason = str(d.lastStateChangeReason) ?? str(d.reason);
  const contact = {
    interactionId: str(d.interactionId) ?? str(d.taskId),
    mediaType: str(d.mediaType) ?? str(d.channelType),
    isConferencing: d.conference === true || d.isConferencing === true || state.startsWith('conferenc'),
    eventTime: ts,
  };
  if (type === 'agent:login') {
    return frame('StationLogin', 'AgentStationLoginSuccess', { ...common, auxCodeId, subStatus: state === 'available' ? 'Available' : 'Idle', lastStateChangeTimestamp: ts });
  }
  if (type !== 'agent:state_change') return null;
  switch (state) {
    case 'available':
    case 'idle':
      return frame('AgentStateChange', 'AgentStateChangeSuccess', {
        ...common,
        subStatus: state === 'available' ? 'Available' : 'Idle',
        auxCodeId: state === 'available' ? '0' : auxCodeId,
        lastStateChangeTimestamp: ts,
        lastStateChangeReason: reason,
      });
    case 'rona':
      return frame('AgentOfferContactRona', 'AgentOfferContactRona', { ...common, auxCodeId, eventTime: ts, reason });
    case 'connected':
    case 'engaged':
    case 'conferencing':
    case 'hold':
      return frame('AgentContactAssigned', 'AgentContactAssigned', { ...common, ...contact });
    case 'wrapup':
    case 'wrap-up':
      return frame('AgentWrapup', 'AgentWrapup', { ...common, ...contact });
    case 'logged-out':
    case 'loggedout':
    case 'logout':
      return frame('Logout', 'AgentLogoutSuccess', { ...common, lastStateChangeTimestamp: ts });
    default:
      // ringing / reserved: an offer is not a change of the agent's state.
      return null;
  }
}

/** Remembers recent webhook envelope ids (bounded) so an exact redelivery is ignored. */
export class WebhookDeduper {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 10_000) {}

  firstTime(payload: unknown): boolean {
    const id = str(obj(payload).id);
    if (!id) return true;
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.max) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
