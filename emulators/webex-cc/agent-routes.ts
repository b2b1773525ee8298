/**
 * Agent session API: login, logout, state, reload — each answers 202 with an empty body and a `TrackingId`
 * header, and delivers the result `stateChangeDelayMs` later over the notification socket.
 *
 * Synchronous (400/403/404): the request itself is malformed (field named in the error body), the token may not
 * act on that agent, or the agent does not exist. Asynchronous (`...Failed` frame): everything that depends on
 * the agent's state when the command is applied — logged out, handling a contact, unknown/system/inactive/
 * wrap-up aux code, duplicate login.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, AgentRec } from './agent-registry.js';
import { type Ctx, type Router, isRecord, sendError, sendJson } from './http-kit.js';
import type { WebexInventions } from './options.js';
import { FAILURE, type StateEngine } from './state-engine.js';
import { type Principal, SCOPES } from './token-book.js';

const ACTOR_BY_ROLE = { agent: 'AGENT', supervisor: 'SUPERVISOR', admin: 'INTEGRATION', 'service-app': 'INTEGRATION' } as const;

/**
 * Who a change is attributed to. Only `AGENT` is observed in public sources; a change made by anyone else
 * carries `changedBy: null` unless the `changedByActors` invention is on.
 */
export function actorFor(p: Principal, inv: WebexInventions): Actor {
  if (p.role === 'agent' || inv.changedByActors) return { changedBy: ACTOR_BY_ROLE[p.role], id: p.id, name: p.name };
  return { changedBy: null, id: null, name: null };
}

type Check = { field: string; message: string } | null;

function optionalString(body: Record<string, unknown>, field: string, max: number): Check {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > max) return { field, message: `${field} must be a string of at most ${max} characters` };
  return null;
}

/**
 * Resolves the agent a command targets ("Change Agent States" rule of the OAS): an agent token acts on itself
 * only; a supervisor on agents of the teams it supervises; an administrator on its own state only (any agent
 * with the `adminActsOnAnyAgent` invention). Answers and returns null on failure.
 */
function targetAgent(ctx: Ctx, engine: StateEngine, agentId: unknown, inv: WebexInventions): AgentRec | null {
  const p = ctx.principal;
  if (agentId !== undefined && agentId !== null && (typeof agentId !== 'string' || agentId.length > 36)) {
    sendError(ctx, 400, 'agentId must be a string of at most 36 characters', 'agentId');
    return null;
  }
  const id = typeof agentId === 'string' && agentId ? agentId : p.id;
  const deny = (why: string): null => (sendError(ctx, 403, why, 'agentId'), null);
  if (p.role === 'service-app') return deny('a service app may not change agent sessions');
  if (p.role === 'agent' && id !== p.id) return deny('an agent token may only act on its own agent');
  if (p.role === 'admin' && id !== p.id && !inv.adminActsOnAnyAgent) return deny('an administrator may change only its own state');
  const a = engine.reg.agent(id);
  if (p.role === 'supervisor' && id !== p.id && (!a || !p.teamIds.includes(a.teamId))) return deny('the agent is not in a team this supervisor may manage');
  if (!a) sendError(ctx, 404, `agent ${id} not found`, 'agentId');
  return a ?? null;
}

export function registerAgentRoutes(router: Router, engine: StateEngine, delayMs: number, inv: WebexInventions): void {
  const later = (fn: () => void): void => void setTimeout(fn, delayMs);
  const user = { scope: SCOPES.user };
  /** The frame's trackingId: the request's own only with the `echoTrackingId` invention. */
  const frameId = (ctx: Ctx): string => (inv.echoTrackingId ? ctx.trackingId : randomUUID());

  router.add('PUT', '/v1/agents/session/state', (ctx) => {
    const b = ctx.body;
    if (!isRecord(b)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    const { state, auxCodeId } = b;
    if (state !== 'Available' && state !== 'Idle') return sendError(ctx, 400, 'state must be "Available" or "Idle"', 'state');
    if (typeof auxCodeId !== 'string' || auxCodeId.length === 0 || auxCodeId.length > 36) {
      return sendError(ctx, 400, 'auxCodeId is required (string of at most 36 characters; "0" for Available)', 'auxCodeId');
    }
    if (state === 'Idle' && auxCodeId === '0') return sendError(ctx, 400, 'state Idle needs an idle code id in auxCodeId', 'auxCodeId');
    const bad = optionalString(b, 'lastStateChangeReason', 128);
    if (bad) return sendError(ctx, 400, bad.message, bad.field);
    const a = targetAgent(ctx, engine, b.agentId, inv);
    if (!a) return;
    const reason = typeof b.lastStateChangeReason === 'string' ? b.lastStateChangeReason : '';
    const actor = actorFor(ctx.principal, inv);
    const trackingId = frameId(ctx);
    sendJson(ctx, 202, undefined);
    later(() => {
      const failure = engine.checkStateChange(a, state, auxCodeId);
      if (failure) engine.failState(a, trackingId, failure);
      else engine.setState(a, state, auxCodeId, reason, actor, trackingId);
    });
  }, user);

  router.add('POST', '/v1/agents/login', (ctx) => {
    if (ctx.principal.role !== 'agent') return sendError(ctx, 403, 'station login requires the agent’s own token');
    const b = ctx.body;
    if (!isRecord(b)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    if (typeof b.dialNumber !== 'string' || b.dialNumber.length === 0 || b.dialNumber.length > 43) {
      return sendError(ctx, 400, 'dialNumber is required (string of at most 43 characters)', 'dialNumber');
    }
    if (!Array.isArray(b.roles) || !b.roles.every((r) => r === 'agent' || r === 'supervisor') || !b.roles.includes('agent')) {
      return sendError(ctx, 400, 'roles is required and must include "agent"', 'roles');
    }
    if (b.deviceType !== undefined && !['AGENT_DN', 'EXTENSION', 'BROWSER'].includes(b.deviceType as string)) {
      return sendError(ctx, 400, 'deviceType must be AGENT_DN, EXTENSION or BROWSER', 'deviceType');
    }
    if (b.teamId !== undefined && (typeof b.teamId !== 'string' || !engine.reg.team(b.teamId))) return sendError(ctx, 400, 'teamId is not a team of this org', 'teamId');
    const a = engine.reg.agent(ctx.principal.id)!;
    const actor = actorFor(ctx.principal, inv);
    const trackingId = frameId(ctx);
    const opts = { dialNumber: b.dialNumber, deviceType: b.deviceType as string | undefined, teamId: b.teamId as string | undefined };
    sendJson(ctx, 202, undefined);
    later(() => {
      if (a.loggedIn) engine.failLogin(a, trackingId, 'StationLogin', { reasonCode: FAILURE.alreadyLoggedIn, reason: 'Agent already has an active session' });
      else engine.login(a, actor, trackingId, opts);
    });
  }, user);

  // The OAS documents PUT; Cisco's SDK sends POST (no method set, aqm-reqs defaults to POST). Both are served.
  const logout = (ctx: Ctx): void => {
    const b = ctx.body === undefined ? {} : ctx.body;
    if (!isRecord(b)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    const bad = optionalString(b, 'logoutReason', 128);
    if (bad) return sendError(ctx, 400, bad.message, bad.field);
    const a = targetAgent(ctx, engine, b.agentId, inv);
    if (!a) return;
    const actor = actorFor(ctx.principal, inv);
    const trackingId = frameId(ctx);
    const reason = typeof b.logoutReason === 'string' ? b.logoutReason : '';
    sendJson(ctx, 202, undefined);
    later(() => {
      if (!a.loggedIn) engine.failLogin(a, trackingId, 'Logout', { reasonCode: FAILURE.notLoggedIn, reason: 'Agent is not logged in' });
      else if (a.contact) engine.failLogin(a, trackingId, 'Logout', { reasonCode: FAILURE.onContact, reason: 'Agent is handling a contact' });
      else engine.logout(a, actor, trackingId, reason);
    });
  };
  router.add('POST', '/v1/agents/logout', logout, user);
  router.add('PUT', '/v1/agents/logout', logout, user);

  router.add('POST', '/v1/agents/reload', (ctx) => {
    const agentId = isRecord(ctx.body) ? ctx.body.agentId : (ctx.query.get('agentId') ?? undefined);
    const a = targetAgent(ctx, engine, agentId, inv);
    if (!a) return;
    const trackingId = frameId(ctx);
    sendJson(ctx, 202, undefined);
    later(() => {
      if (!a.loggedIn) engine.failLogin(a, trackingId, 'AgentReloginSuccess', { reasonCode: FAILURE.notLoggedIn, reason: 'Agent is not logged in' });
      else engine.reload(a, trackingId);
    });
  }, user);
}
