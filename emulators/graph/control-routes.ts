import { z } from 'zod';
import type { EmulatorContext } from './emulator-context.js';
import { empty, json, parseJsonBody, type EmuRequest, type EmuResult, type Handler, Router } from './graph-http.js';
import type { UserRecord } from './directory-store.js';
import { faultSchema } from './fault-injector.js';
import { parseCertificate } from './identity-routes.js';
import { subscriptionJson } from './subscription-routes.js';
import { DEFAULT_APP_ROLES, DEFAULT_DELEGATED_SCOPES } from './token-registry.js';

/**
 * The `/_emulator/` control surface (no auth): what has no real Graph API — a Teams client's own sessions,
 * the clock, faults, permissions, stats. Documented in README.md. Errors answer
 * `{"error":{"code":"invalid"|"not_found","message"}}`.
 */
export const TEAMS_DESKTOP_SESSION = 'teams-desktop';

const failures = new WeakSet<object>();

function bad(message: string, status = 400): EmuResult {
  const result = json(status, { error: { code: status === 404 ? 'not_found' : 'invalid', message } });
  failures.add(result);
  return result;
}

function parse<S extends z.ZodType>(schema: S, req: EmuRequest): z.infer<S> | EmuResult {
  const raw = parseJsonBody(req);
  if (!raw.ok) return bad('body is not valid JSON');
  const result = schema.safeParse(raw.value ?? {});
  if (result.success) return result.data;
  return bad(result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
}

/** True for the error answer of `parse` (parsed bodies may themselves carry a `status` field). */
const isResult = (v: unknown): v is EmuResult => typeof v === 'object' && v !== null && failures.has(v);

/** Handler with the `{id | upn}` user of the path resolved. */
function withUser(fn: (req: EmuRequest, emu: EmulatorContext, rec: UserRecord) => EmuResult): Handler<EmulatorContext> {
  return (req, emu) => {
    const rec = emu.directory.resolve(req.params.id!);
    return rec ? fn(req, emu, rec) : bad(`unknown user '${req.params.id}'`, 404);
  };
}

const sessionSchema = z.object({
  sessionId: z.string().min(1).optional(),
  availability: z.string().min(1),
  activity: z.string().min(1),
  expiresInMs: z.number().int().positive().optional(),
});

/** A Teams client overlay (call, presenting, meeting) on top of the signed-in desktop client session. */
function overlay(sessionId: string, availability: string, activity: string, on: boolean): Handler<EmulatorContext> {
  return withUser((_req, emu, rec) => {
    if (on) {
      ensureSignedIn(emu, rec);
      emu.presence.setSession(rec, 'teams', sessionId, availability, activity, Infinity);
    } else emu.presence.removeSession(rec, 'teams', sessionId);
    return json(200, emu.presence.view(rec));
  });
}

function ensureSignedIn(emu: EmulatorContext, rec: UserRecord): void {
  const now = emu.clock.now();
  if (!rec.sessions?.some((s) => s.kind === 'teams' && s.sessionId === TEAMS_DESKTOP_SESSION && s.expiresAt > now)) {
    emu.presence.setSession(rec, 'teams', TEAMS_DESKTOP_SESSION, 'Available', 'Available', Infinity);
  }
}

const seedSchema = z.object({
  id: z.string().min(1).optional(),
  displayName: z.string().min(1),
  userPrincipalName: z.string().min(3),
  mail: z.string().optional(),
  department: z.string().optional(),
  jobTitle: z.string().optional(),
  businessPhones: z.array(z.string()).optional(),
  password: z.string().optional(),
});

const bulkSchema = z.object({
  changes: z.array(z.object({ userId: z.string().min(1), availability: z.string().min(1), activity: z.string().min(1), sessionId: z.string().min(1).optional() })),
});

const behaviourSchema = z
  .object({
    delivery: z.enum(['fast', 'realistic']).optional(),
    validationTokenVersion: z.enum(['v1', 'v2']).optional(),
    unknownPresenceIds: z.enum(['reject', 'presence-unknown']).optional(),
    presenceRenewal: z.enum(['extends', 'ignored']).optional(),
  })
  .strict();

const behaviour = (emu: EmulatorContext) => ({
  delivery: emu.delivery,
  validationTokenVersion: emu.validationTokenVersion,
  unknownPresenceIds: emu.unknownPresenceIds,
  presenceRenewal: emu.presenceRenewal,
});

export function controlRouter(): Router<EmulatorContext> {
  const r = new Router<EmulatorContext>();
  r.add('POST', '/_emulator/users/:id/teams-session', withUser((req, emu, rec) => {
    const body = parse(sessionSchema, req);
    if (isResult(body)) return body;
    const expiresAt = body.expiresInMs ? emu.clock.now() + body.expiresInMs : Infinity;
    emu.presence.setSession(rec, 'teams', body.sessionId ?? TEAMS_DESKTOP_SESSION, body.availability, body.activity, expiresAt);
    return json(200, emu.presence.view(rec));
  }));
  r.add('DELETE', '/_emulator/users/:id/teams-session/:sessionId', withUser((req, emu, rec) =>
    emu.presence.removeSession(rec, 'teams', req.params.sessionId!) ? json(200, emu.presence.view(rec)) : bad(`no Teams session '${req.params.sessionId}'`, 404),
  ));
  r.add('POST', '/_emulator/users/:id/sign-in', withUser((_req, emu, rec) => (ensureSignedIn(emu, rec), json(200, emu.presence.view(rec)))));
  r.add('POST', '/_emulator/users/:id/sign-out', withUser((_req, emu, rec) => {
    for (const s of [...(rec.sessions ?? [])]) if (s.kind === 'teams') emu.presence.removeSession(rec, 'teams', s.sessionId);
    return json(200, emu.presence.view(rec));
  }));
  r.add('POST', '/_emulator/users/:id/call/start', overlay('teams-call', 'Busy', 'InACall', true));
  r.add('POST', '/_emulator/users/:id/call/end', overlay('teams-call', 'Busy', 'InACall', false));
  r.add('POST', '/_emulator/users/:id/conference-call/start', overlay('teams-call', 'Busy', 'InAConferenceCall', true));
  r.add('POST', '/_emulator/users/:id/conference-call/end', overlay('teams-call', 'Busy', 'InAConferenceCall', false));
  r.add('POST', '/_emulator/users/:id/presenting/start', overlay('teams-presenting', 'DoNotDisturb', 'Presenting', true));
  r.add('POST', '/_emulator/users/:id/presenting/end', overlay('teams-presenting', 'DoNotDisturb', 'Presenting', false));
  r.add('POST', '/_emulator/users/:id/meeting/start', overlay('teams-meeting', 'Busy', 'InAMeeting', true));
  r.add('POST', '/_emulator/users/:id/meeting/end', overlay('teams-meeting', 'Busy', 'InAMeeting', false));
  r.add('POST', '/_emulator/users/:id/dnd', withUser((req, emu, rec) => {
    const body = parse(z.object({ on: z.boolean() }), req);
    if (isResult(body)) return body;
    if (body.on) {
      ensureSignedIn(emu, rec);
      emu.presence.setPreferred(rec, { availability: 'DoNotDisturb', activity: 'DoNotDisturb', expiresAt: emu.clock.now() + 86_400_000 });
    } else emu.presence.setPreferred(rec, null);
    return json(200, emu.presence.view(rec));
  }));
  r.add('POST', '/_emulator/users/:id/out-of-office', withUser((req, emu, rec) => {
    const body = parse(z.object({ isOutOfOffice: z.boolean(), message: z.string().nullable().optional() }), req);
    if (isResult(body)) return body;
    emu.presence.setOutOfOffice(rec, body.isOutOfOffice, body.message ?? null);
    return json(200, emu.presence.view(rec));
  }));
  r.add('GET', '/_emulator/users/:id/presence-detail', withUser((_req, emu, rec) => json(200, emu.presence.detail(rec))));
  r.add('GET', '/_emulator/users', (req, emu) => {
    const offset = Number(req.query.get('offset') ?? 0) || 0;
    const limit = Number(req.query.get('limit') ?? 1000) || 1000;
    const live = emu.directory.live();
    return json(200, { total: live.length, value: live.slice(offset, offset + limit).map((u) => emu.directory.toSeed(u)) });
  });
  r.add('POST', '/_emulator/users', (req, emu) => {
    const body = parse(z.union([z.array(seedSchema), z.object({ users: z.array(seedSchema) })]), req);
    if (isResult(body)) return body;
    const seeds = Array.isArray(body) ? body : body.users;
    try {
      const added = seeds.map((s) => {
        const rec = emu.directory.add(s);
        emu.presence.adopt(rec);
        return emu.directory.toSeed(rec);
      });
      return json(201, { value: added });
    } catch (err) {
      return bad((err as Error).message, 409);
    }
  });
  r.add('POST', '/_emulator/presence/bulk', (req, emu) => {
    const body = parse(bulkSchema, req);
    if (isResult(body)) return body;
    let applied = 0;
    const unknown: string[] = [];
    for (const c of body.changes) {
      const rec = emu.directory.byObjectId(c.userId) ?? emu.directory.resolve(c.userId);
      if (!rec) {
        unknown.push(c.userId);
        continue;
      }
      const sessionId = c.sessionId ?? TEAMS_DESKTOP_SESSION;
      if (c.availability.toLowerCase() === 'offline') emu.presence.removeSession(rec, 'teams', sessionId);
      else emu.presence.setSession(rec, 'teams', sessionId, c.availability, c.activity, Infinity);
      applied++;
    }
    return json(200, { applied, unknown });
  });
  r.add('DELETE', '/_emulator/users/:id', withUser((_req, emu, rec) => {
    for (const s of [...(rec.sessions ?? [])]) emu.presence.removeSession(rec, s.kind, s.sessionId);
    emu.directory.remove(rec);
    return empty(204);
  }));
  r.add('GET', '/_emulator/behaviour', (_req, emu) => json(200, behaviour(emu)));
  r.add('POST', '/_emulator/behaviour', (req, emu) => {
    const body = parse(behaviourSchema, req);
    if (isResult(body)) return body;
    if (body.delivery) emu.delivery = body.delivery;
    if (body.validationTokenVersion) emu.validationTokenVersion = body.validationTokenVersion;
    if (body.unknownPresenceIds) emu.unknownPresenceIds = body.unknownPresenceIds;
    if (body.presenceRenewal) emu.presenceRenewal = body.presenceRenewal;
    return json(200, behaviour(emu));
  });
  r.add('GET', '/_emulator/faults', (_req, emu) => json(200, emu.faults.current()));
  r.add('POST', '/_emulator/faults', (req, emu) => {
    const body = parse(faultSchema, req);
    if (isResult(body)) return body;
    try {
      emu.faults.set(body);
    } catch (err) {
      return bad(`paths: ${(err as Error).message}`);
    }
    return json(200, emu.faults.current());
  });
  r.add('DELETE', '/_emulator/faults', (_req, emu) => (emu.faults.clear(), empty(204)));
  r.add('GET', '/_emulator/clock', (_req, emu) => json(200, { now: new Date(emu.clock.now()).toISOString(), offsetMs: emu.clock.offset() }));
  r.add('POST', '/_emulator/clock', (req, emu) => {
    const body = parse(z.union([z.object({ advanceMs: z.number().int().min(0) }).strict(), z.object({ offsetMs: z.number().int().min(-86_400_000).max(366 * 86_400_000) }).strict()]), req);
    if (isResult(body)) return body;
    if ('advanceMs' in body) emu.clock.advance(body.advanceMs);
    else emu.clock.setOffset(body.offsetMs);
    return json(200, { now: new Date(emu.clock.now()).toISOString(), offsetMs: emu.clock.offset() });
  });
  r.add('GET', '/_emulator/stats', (_req, emu) =>
    json(200, emu.stats.snapshot({ subscriptions: emu.subscriptions.list().length, users: emu.directory.users.length, tokensIssued: emu.tokens.issuedCount })),
  );
  r.add('DELETE', '/_emulator/stats', (_req, emu) => (emu.stats.reset(), empty(204)));
  r.add('GET', '/_emulator/requests', (req, emu) => json(200, { value: emu.stats.recentRequests(Number(req.query.get('limit') ?? 200) || 200) }));
  r.add('GET', '/_emulator/subscriptions', (_req, emu) => json(200, { value: emu.subscriptions.list().map((s) => ({ ...subscriptionJson(emu, s), watchedUsers: s.userIdxs.length })) }));
  r.add('POST', '/_emulator/subscriptions/:id/reauthorize-required', (req, emu) => {
    const sub = emu.subscriptions.get(req.params.id!);
    if (!sub) return bad(`unknown subscription '${req.params.id}'`, 404);
    if (!sub.lifecycleNotificationUrl) return bad('the subscription has no lifecycleNotificationUrl');
    emu.dispatcher.sendLifecycle(sub, 'reauthorizationRequired');
    return empty(202);
  });
  r.add('POST', '/_emulator/subscriptions/:id/expire', (req, emu) => {
    const sub = emu.subscriptions.get(req.params.id!);
    if (!sub) return bad(`unknown subscription '${req.params.id}'`, 404);
    emu.subscriptions.remove(sub);
    return empty(204);
  });
  r.add('GET', '/_emulator/permissions', (_req, emu) => json(200, { roles: emu.tokens.appRoles, scopes: emu.tokens.delegatedScopes }));
  r.add('POST', '/_emulator/permissions', (req, emu) => {
    const body = parse(z.object({ roles: z.array(z.string()).optional(), scopes: z.array(z.string()).optional() }), req);
    if (isResult(body)) return body;
    if (body.roles) emu.tokens.appRoles = body.roles;
    if (body.scopes) emu.tokens.delegatedScopes = body.scopes;
    return json(200, { roles: emu.tokens.appRoles, scopes: emu.tokens.delegatedScopes });
  });
  r.add('DELETE', '/_emulator/permissions', (_req, emu) => {
    emu.tokens.appRoles = [...DEFAULT_APP_ROLES];
    emu.tokens.delegatedScopes = [...DEFAULT_DELEGATED_SCOPES];
    return empty(204);
  });
  r.add('POST', '/_emulator/app/certificates', (req, emu) => {
    const body = parse(z.object({ certificate: z.string().min(1) }), req);
    if (isResult(body)) return body;
    try {
      emu.clientCertificates.push(parseCertificate(body.certificate));
    } catch {
      return bad('certificate: not a PEM or base64 DER X.509 certificate');
    }
    return json(201, { count: emu.clientCertificates.length });
  });
  r.add('POST', '/_emulator/tokens/revoke', (_req, emu) => (emu.tokens.revokeAll(), empty(204)));
  r.add('POST', '/_emulator/throttle', (req, emu) => {
    const body = parse(z.object({ limit: z.number().int().min(1).optional(), windowMs: z.number().int().min(1).optional() }), req);
    if (isResult(body)) return body;
    if (body.limit) emu.throttle.limit = body.limit;
    if (body.windowMs) emu.throttle.windowMs = body.windowMs;
    emu.throttle.reset();
    return json(200, { limit: emu.throttle.limit, windowMs: emu.throttle.windowMs });
  });
  return r;
}
