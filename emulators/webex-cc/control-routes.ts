/**
 * The emulator's control surface (`/_emulator/...`, no auth, JSON): what has no public Webex API — a human or
 * the system changing an agent's state, contacts and RONA, fault injection, statistics. Changes made here are
 * applied at once and published exactly like API-made changes.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, AgentRec } from './agent-registry.js';
import type { ContactSimulator } from './contact-simulator.js';
import type { EventHub } from './event-hub.js';
import type { EmulatorClock } from '../kit/clock.js';
import type { FaultInjector } from '../kit/faults.js';
import type { RateLimiter } from '../kit/rate-limit.js';
import type { EmulatorStats } from './stats.js';
import { type Ctx, type Router, isRecord, sendError, sendJson } from './http-kit.js';
import type { StateEngine } from './state-engine.js';
import { SUPERVISOR_USER } from './token-book.js';

export interface ControlDeps {
  engine: StateEngine;
  clock: EmulatorClock;
  limiter: RateLimiter;
  contacts: ContactSimulator;
  hub: EventHub;
  faults: FaultInjector;
  stats: EmulatorStats;
  log: (msg: string) => void;
}

type By = 'agent' | 'supervisor' | 'system';

/** A human or the system acting outside the API; attributed like API changes (only AGENT by default). */
function actorOf(by: By, a: AgentRec, engine: StateEngine): Actor {
  if (by === 'system') return engine.systemActor();
  if (by === 'supervisor') return engine.inv.changedByActors ? { changedBy: 'SUPERVISOR', id: SUPERVISOR_USER.id, name: SUPERVISOR_USER.name } : { changedBy: null, id: null, name: null };
  return { changedBy: 'AGENT', id: a.id, name: a.name };
}

function parseBy(ctx: Ctx, v: unknown): By | null {
  if (v === undefined) return 'agent';
  if (v === 'agent' || v === 'supervisor' || v === 'system') return v;
  sendError(ctx, 400, 'by must be "agent", "supervisor" or "system"', 'by');
  return null;
}

export function registerControlRoutes(router: Router, d: ControlDeps): void {
  const { engine, contacts } = d;
  const reg = engine.reg;
  const body = (ctx: Ctx): Record<string, unknown> => (isRecord(ctx.body) ? ctx.body : {});
  const agentOr404 = (ctx: Ctx): AgentRec | null => {
    const a = reg.agent(ctx.params.id);
    if (!a) sendError(ctx, 404, `agent ${ctx.params.id} not found`, 'id');
    return a ?? null;
  };

  /** Resolves the idle code for a human/system change; answers 400 and returns null when it is not allowed. */
  const idleCodeFor = (ctx: Ctx, by: By, given: unknown): string | null => {
    const id = given ?? (by === 'system' ? reg.auxByName('RONA')!.id : reg.defaultIdleCode().id);
    const code = typeof id === 'string' ? reg.aux(id) : undefined;
    let problem: string | null = null;
    if (!code || code.workTypeCode !== 'IDLE_CODE') problem = 'idleCodeId is not an idle code of this org';
    else if (by !== 'system' && code.isSystemCode) problem = `idle code ${code.name} is a system code; only by:"system" may set it`;
    else if (by !== 'system' && !code.active) problem = `idle code ${code.name} is inactive`;
    if (problem) sendError(ctx, 400, problem, 'idleCodeId');
    return problem ? null : code!.id;
  };

  // `?changedSince=<ms>`: only agents whose state or idle code changed after that time (a cheap feed for observers).
  router.add('GET', '/_emulator/agents', (ctx) => {
    const since = Number(ctx.query.get('changedSince') ?? '-1');
    if (Number.isNaN(since)) return sendError(ctx, 400, 'changedSince must be epoch milliseconds', 'changedSince');
    const changedAt = (a: (typeof reg.agents)[number]) => Math.max(a.lastStateChangeTs, a.lastIdleCodeChangeTs);
    const list = since < 0 ? reg.agents : reg.agents.filter((a) => changedAt(a) > since);
    sendJson(ctx, 200, list.map((a) => ({ id: a.id, name: a.name, email: a.email, teamId: a.teamId, currentState: reg.activityState(a), auxCodeId: a.subStatus === 'Idle' ? a.auxCodeId : '0', changedBy: a.changedBy, changedAt: changedAt(a) })));
  });

  router.add('GET', '/_emulator/agents/:id', (ctx) => {
    const a = agentOr404(ctx);
    if (a) sendJson(ctx, 200, reg.view(a));
  });

  router.add('POST', '/_emulator/agents/:id/login', (ctx) => {
    const a = agentOr404(ctx);
    if (!a) return;
    if (a.loggedIn) return sendError(ctx, 409, 'agent is already logged in');
    const b = body(ctx);
    if (b.state !== undefined && b.state !== 'Available' && b.state !== 'Idle') return sendError(ctx, 400, 'state must be "Available" or "Idle"', 'state');
    engine.login(a, actorOf('agent', a, engine), randomUUID(), { available: b.state === 'Available' });
    d.log(`control: ${a.email} logged in`);
    sendJson(ctx, 200, reg.view(a));
  });

  router.add('POST', '/_emulator/agents/:id/logout', (ctx) => {
    const a = agentOr404(ctx);
    if (!a) return;
    if (!a.loggedIn) return sendError(ctx, 409, 'agent is not logged in');
    const b = body(ctx);
    const by = parseBy(ctx, b.by);
    if (!by) return;
    contacts.drop(a);
    engine.logout(a, actorOf(by, a, engine), randomUUID(), typeof b.reason === 'string' ? b.reason : 'Logged out');
    d.log(`control: ${a.email} logged out by ${by}`);
    sendJson(ctx, 200, reg.view(a));
  });

  router.add('POST', '/_emulator/agents/:id/state', (ctx) => {
    const a = agentOr404(ctx);
    if (!a) return;
    const b = body(ctx);
    if (b.state !== 'Available' && b.state !== 'Idle') return sendError(ctx, 400, 'state must be "Available" or "Idle"', 'state');
    const by = parseBy(ctx, b.by);
    if (!by) return;
    const aux = b.state === 'Idle' ? idleCodeFor(ctx, by, b.idleCodeId) : '0';
    if (aux === null) return;
    if (!a.loggedIn) return sendError(ctx, 409, 'agent is not logged in');
    const actor = actorOf(by, a, engine);
    const reason = typeof b.reason === 'string' ? b.reason : b.state === 'Idle' ? (reg.aux(aux)?.name ?? '') : 'Available';
    if (a.contact) {
      // Only the agent can pre-select the state that follows the contact (Webex "pending idle").
      if (by !== 'agent') return sendError(ctx, 409, 'agent is handling a contact');
      a.pendingIdle = b.state === 'Idle' ? { auxCodeId: aux, reason, actor } : null;
      return sendJson(ctx, 200, reg.view(a));
    }
    engine.setState(a, b.state, aux, reason, actor, randomUUID());
    d.log(`control: ${a.email} → ${b.state}${b.state === 'Idle' ? `(${reg.aux(aux)?.name})` : ''} by ${by}`);
    sendJson(ctx, 200, reg.view(a));
  });

  router.add('POST', '/_emulator/agents/:id/offer', (ctx) => {
    const a = agentOr404(ctx);
    if (!a) return;
    const b = body(ctx);
    if (b.mediaType !== undefined && typeof b.mediaType !== 'string') return sendError(ctx, 400, 'mediaType must be a string', 'mediaType');
    if (b.ronaTimeoutSec !== undefined && (typeof b.ronaTimeoutSec !== 'number' || !(b.ronaTimeoutSec > 0))) return sendError(ctx, 400, 'ronaTimeoutSec must be a positive number', 'ronaTimeoutSec');
    if (b.conference !== undefined && typeof b.conference !== 'boolean') return sendError(ctx, 400, 'conference must be a boolean', 'conference');
    const c = contacts.offer(a, { mediaType: b.mediaType as string | undefined, ronaTimeoutSec: b.ronaTimeoutSec as number | undefined, conference: b.conference as boolean | undefined });
    if (typeof c === 'string') return sendError(ctx, 409, c);
    d.log(`control: contact ${c.interactionId} offered to ${a.email}`);
    sendJson(ctx, 201, { interactionId: c.interactionId, agentId: a.id, mediaType: c.mediaType, conference: c.conference, ronaTimeoutSec: c.ronaTimeoutSec });
  });

  for (const action of ['accept', 'wrapup', 'end'] as const) {
    router.add('POST', `/_emulator/contacts/:interactionId/${action}`, (ctx) => {
      const c = contacts.get(ctx.params.interactionId);
      if (!c) return sendError(ctx, 404, `contact ${ctx.params.interactionId} not found (ended or timed out)`, 'interactionId');
      const problem = action === 'accept' ? contacts.accept(c) : action === 'wrapup' ? contacts.wrapup(c) : (contacts.end(c), null);
      if (problem) return sendError(ctx, 409, problem);
      sendJson(ctx, 200, reg.view(reg.agent(c.agentId)!));
    });
  }

  router.add('POST', '/_emulator/agents/bulk-state', (ctx) => {
    const b = body(ctx);
    const states = ['Available', 'Idle', 'LoggedIn', 'LoggedOut'];
    if (typeof b.state !== 'string' || !states.includes(b.state)) return sendError(ctx, 400, `state must be one of ${states.join(', ')}`, 'state');
    if (b.agentIds !== undefined && (!Array.isArray(b.agentIds) || !b.agentIds.every((x) => typeof x === 'string'))) return sendError(ctx, 400, 'agentIds must be an array of ids', 'agentIds');
    const by = parseBy(ctx, b.by);
    if (!by) return;
    const aux = b.state === 'Idle' ? idleCodeFor(ctx, by, b.idleCodeId) : '0';
    if (aux === null) return;
    const targets = b.agentIds ? (b.agentIds as string[]).map((id) => reg.agent(id)).filter((a): a is AgentRec => !!a) : reg.agents;
    let changed = 0;
    for (const a of targets) {
      if (a.contact) continue;
      const actor = actorOf(by, a, engine);
      if (b.state === 'LoggedIn') {
        if (!a.loggedIn) engine.login(a, actor, randomUUID(), { available: b.loginState !== 'Idle' });
        else continue;
      } else if (b.state === 'LoggedOut') {
        if (a.loggedIn) engine.logout(a, actor, randomUUID(), 'Bulk logout');
        else continue;
      } else if (a.loggedIn) {
        engine.setState(a, b.state as 'Available' | 'Idle', aux, typeof b.reason === 'string' ? b.reason : '', actor, randomUUID());
      } else continue;
      changed++;
    }
    sendJson(ctx, 200, { changed, skipped: targets.length - changed });
  });

  router.add('GET', '/_emulator/faults', (ctx) => sendJson(ctx, 200, d.faults.settings));

  router.add('POST', '/_emulator/faults', (ctx) => {
    if (!isRecord(ctx.body)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    const problem = d.faults.update(ctx.body, ['closeSockets']);
    if (problem) return sendError(ctx, 400, problem.message, problem.field);
    if (ctx.body.closeSockets !== undefined && typeof ctx.body.closeSockets !== 'boolean') return sendError(ctx, 400, 'closeSockets must be a boolean', 'closeSockets');
    const closed = ctx.body.closeSockets === true ? d.hub.closeAll() : 0;
    d.log(`control: faults ${JSON.stringify(ctx.body)}`);
    sendJson(ctx, 200, { ...d.faults.settings, closedSockets: closed });
  });

  router.add('DELETE', '/_emulator/faults', (ctx) => {
    d.faults.reset();
    sendJson(ctx, 200, d.faults.settings);
  });

  router.add('POST', '/_emulator/clock', (ctx) => {
    const ms = isRecord(ctx.body) ? ctx.body.advanceMs : undefined;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return sendError(ctx, 400, 'advanceMs must be a non-negative number', 'advanceMs');
    d.clock.advance(ms);
    sendJson(ctx, 200, { now: d.clock.now(), offsetMs: d.clock.offset() });
  });

  router.add('DELETE', '/_emulator/rate-limit', (ctx) => {
    d.limiter.reset();
    sendJson(ctx, 200, { perMinute: d.limiter.limit });
  });

  router.add('GET', '/_emulator/stats', (ctx) => {
    sendJson(ctx, 200, d.stats.toJSON({ sockets: d.hub.socketCount(), agents: reg.agents.length }));
  });
}
