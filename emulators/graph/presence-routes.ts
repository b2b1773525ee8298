import type { GraphCtx } from './emulator-context.js';
import { isGuid, type UserRecord } from './directory-store.js';
import { requirePermission } from './graph-permissions.js';
import { empty, graphError, json, parseJsonBody, type EmuRequest, type EmuResult, type Handler, Router } from './graph-http.js';
import { FADE_STEP_MS, findPair, parseIsoDuration, PREFERRED_PAIRS, SET_PRESENCE_PAIRS } from './presence-aggregate.js';

/**
 * Graph v1.0 presence: reads (single, `/me`, `getPresencesByUserId`) and the presence-session actions, routed
 * under both `/users/{id}/presence/...` and `/communications/presences/{id}/...` as the SDKs do. Every route
 * here counts against the presence throttle (see graph-server).
 */
export const MAX_IDS_PER_REQUEST = 650;
const MIN_SESSION_MS = FADE_STEP_MS;
const MAX_SESSION_MS = 4 * 3_600_000;
const DAY_MS = 86_400_000;

/** Resolves the `{id}` segment (object id only, as documented) or `/me`; otherwise answers the error. */
function target(req: EmuRequest, ctx: GraphCtx): UserRecord | EmuResult {
  const key = req.params.id;
  if (key === undefined) {
    if (ctx.token.kind !== 'delegated' || !ctx.token.user) return graphError(req, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    return ctx.token.user;
  }
  if (!isGuid(key)) return graphError(req, 400, 'BadRequest', `The requested user '${key}' is invalid.`);
  const rec = ctx.emu.directory.byObjectId(key);
  return rec ?? graphError(req, 404, 'NotFound', `The requested user '${key}' is not found.`);
}

function bodyObject(req: EmuRequest): Record<string, unknown> | EmuResult {
  const parsed = parseJsonBody(req);
  if (!parsed.ok) return graphError(req, 400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  if (parsed.value === undefined) return {};
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) return graphError(req, 400, 'BadRequest', 'The request body must be a JSON object.');
  return parsed.value as Record<string, unknown>;
}

const isResult = (v: unknown): v is EmuResult => typeof v === 'object' && v !== null && 'status' in v && typeof (v as EmuResult).status === 'number';

function read(op: 'read' | 'write', fn: (req: EmuRequest, ctx: GraphCtx, rec: UserRecord) => EmuResult): Handler<GraphCtx> {
  return (req, ctx) => {
    const denied = requirePermission(req, ctx, op === 'read' ? 'readPresence' : 'writePresence');
    if (denied) return denied;
    const rec = target(req, ctx);
    return isResult(rec) ? rec : fn(req, ctx, rec);
  };
}

/** setPresence / clearPresence: the session id must be the calling application's id (see README). */
function checkSessionId(req: EmuRequest, ctx: GraphCtx, sessionId: unknown): EmuResult | null {
  if (typeof sessionId !== 'string' || sessionId.trim() === '') return graphError(req, 400, 'BadRequest', 'sessionId is required.');
  if (sessionId.toLowerCase() !== ctx.token.clientId.toLowerCase()) {
    return graphError(req, 400, 'BadRequest', `The sessionId '${sessionId.slice(0, 64)}' is invalid: it must be the application (client) id of the caller.`);
  }
  return null;
}

const getPresence = read('read', (req, ctx, rec) => {
  const context = `${ctx.emu.url}/v1.0/$metadata#users('${rec.id}')/presence/$entity`;
  return json(200, { '@odata.context': context, ...ctx.emu.presence.view(rec) });
});

const setPresence = read('write', (req, ctx, rec) => {
  const body = bodyObject(req);
  if (isResult(body)) return body;
  const sessionProblem = checkSessionId(req, ctx, body.sessionId);
  if (sessionProblem) return sessionProblem;
  const pair = findPair(SET_PRESENCE_PAIRS, body.availability, body.activity);
  if (!pair) {
    const allowed = SET_PRESENCE_PAIRS.map((p) => `${p.availability}/${p.activity}`).join(', ');
    return graphError(req, 400, 'BadRequest', `Invalid combination of availability '${String(body.availability)}' and activity '${String(body.activity)}'. Supported: ${allowed}.`);
  }
  let durationMs = MIN_SESSION_MS;
  if (body.expirationDuration !== undefined && body.expirationDuration !== null) {
    const parsed = parseIsoDuration(body.expirationDuration);
    if (parsed === null || parsed < MIN_SESSION_MS || parsed > MAX_SESSION_MS) {
      return graphError(req, 400, 'BadRequest', `The expirationDuration '${String(body.expirationDuration)}' is invalid; it must be an ISO-8601 duration between PT5M and PT4H.`);
    }
    durationMs = parsed;
  }
  const now = ctx.emu.clock.now();
  ctx.emu.presence.setSession(rec, 'app', body.sessionId as string, pair.availability, pair.activity, now + durationMs);
  return empty(200);
});

const clearPresence = read('write', (req, ctx, rec) => {
  const body = bodyObject(req);
  if (isResult(body)) return body;
  const sessionProblem = checkSessionId(req, ctx, body.sessionId);
  if (sessionProblem) return sessionProblem;
  const sessionId = body.sessionId as string;
  if (!ctx.emu.presence.removeSession(rec, 'app', sessionId)) {
    return graphError(req, 404, 'NotFound', `The presence session '${sessionId}' does not exist for user '${rec.id}'.`);
  }
  return empty(200);
});

const setPreferred = read('write', (req, ctx, rec) => {
  const body = bodyObject(req);
  if (isResult(body)) return body;
  const pair = findPair(PREFERRED_PAIRS, body.availability, body.activity);
  if (!pair) {
    const allowed = PREFERRED_PAIRS.map((p) => `${p.availability}/${p.activity}`).join(', ');
    return graphError(req, 400, 'BadRequest', `Invalid combination of availability '${String(body.availability)}' and activity '${String(body.activity)}'. Supported: ${allowed}.`);
  }
  let durationMs = pair.availability === 'DoNotDisturb' || pair.availability === 'Busy' ? DAY_MS : 7 * DAY_MS;
  if (body.expirationDuration !== undefined && body.expirationDuration !== null) {
    const parsed = parseIsoDuration(body.expirationDuration);
    if (parsed === null || parsed <= 0) return graphError(req, 400, 'BadRequest', `The expirationDuration '${String(body.expirationDuration)}' is not a valid ISO-8601 duration.`);
    durationMs = parsed;
  }
  ctx.emu.presence.setPreferred(rec, { ...pair, expiresAt: ctx.emu.clock.now() + durationMs });
  return empty(200);
});

const clearPreferred = read('write', (_req, ctx, rec) => {
  ctx.emu.presence.setPreferred(rec, null);
  return empty(200);
});

const setStatusMessage = read('write', (req, _ctx, rec) => {
  const body = bodyObject(req);
  if (isResult(body)) return body;
  const sm = body.statusMessage as { message?: { content?: unknown; contentType?: unknown } } | null | undefined;
  if (!sm || typeof sm !== 'object' || typeof sm.message?.content !== 'string') return graphError(req, 400, 'BadRequest', 'statusMessage.message.content is required.');
  rec.statusMessage = { message: { content: sm.message.content, contentType: 'text' }, expiryDateTime: (sm as Record<string, unknown>).expiryDateTime ?? null };
  return empty(200);
});

function getPresencesByUserId(req: EmuRequest, ctx: GraphCtx): EmuResult {
  const denied = requirePermission(req, ctx, 'readPresence');
  if (denied) return denied;
  const body = bodyObject(req);
  if (isResult(body)) return body;
  const ids = body.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    return graphError(req, 400, 'BadRequest', "The request body must contain 'ids', a non-empty array of user object ids.");
  }
  if (ids.length > MAX_IDS_PER_REQUEST) return graphError(req, 400, 'BadRequest', `The number of ids (${ids.length}) exceeds the maximum of ${MAX_IDS_PER_REQUEST} per request.`);
  const bad = (ids as string[]).find((id) => !isGuid(id));
  if (bad !== undefined) return graphError(req, 400, 'BadRequest', `The requested user '${bad}' is invalid.`);
  ctx.emu.stats.presenceIdsRequested += ids.length;
  const seen = new Set<string>();
  const value: unknown[] = [];
  for (const id of ids as string[]) {
    const key = id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const rec = ctx.emu.directory.byObjectId(key);
    if (!rec && ctx.emu.unknownPresenceIds === 'reject') {
      // Unverified against the real service (see README): the whole call is refused, naming no id.
      return graphError(req, 400, 'BadRequest', 'One or more of the requested ids is not a valid user.');
    }
    // With `unknownPresenceIds: 'presence-unknown'` an unknown id is answered PresenceUnknown instead.
    value.push(
      rec
        ? ctx.emu.presence.view(rec)
        : { id, availability: 'PresenceUnknown', activity: 'PresenceUnknown', statusMessage: null, outOfOfficeSettings: { message: null, isOutOfOffice: false }, sequenceNumber: null },
    );
  }
  return json(200, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#Collection(microsoft.graph.presence)`, value });
}

export function presenceRouter(): Router<GraphCtx> {
  const r = new Router<GraphCtx>();
  r.add('GET', '/v1.0/users/:id/presence', getPresence);
  r.add('GET', '/v1.0/communications/presences/:id', getPresence);
  r.add('GET', '/v1.0/me/presence', getPresence);
  r.add('POST', '/v1.0/communications/getPresencesByUserId', getPresencesByUserId);
  const actions: [string, Handler<GraphCtx>][] = [
    ['setPresence', setPresence],
    ['clearPresence', clearPresence],
    ['setUserPreferredPresence', setPreferred],
    ['clearUserPreferredPresence', clearPreferred],
    ['setStatusMessage', setStatusMessage],
  ];
  for (const [name, handler] of actions) {
    r.add('POST', `/v1.0/users/:id/presence/${name}`, handler);
    r.add('POST', `/v1.0/communications/presences/:id/${name}`, handler);
    r.add('POST', `/v1.0/me/presence/${name}`, handler);
  }
  return r;
}
