import { randomUUID } from 'node:crypto';
import type { GraphCtx } from './emulator-context.js';
import { isGuid } from './directory-store.js';
import { requirePermission } from './graph-permissions.js';
import { empty, graphError, json, parseJsonBody, type EmuRequest, type EmuResult, Router } from './graph-http.js';
import { MAX_IDS_PER_REQUEST } from './presence-routes.js';
import { parseSubscriberCertificate, type SubscriberCertificate } from './rich-notification.js';
import type { Subscription } from './subscription-store.js';
import { isLoopbackUrl } from './webhook-client.js';

/**
 * Change-notification subscriptions for presence, with Graph's rules: delegated tokens only; resource
 * `communications/presences/{id}` or `communications/presences?$filter=id in ('a','b')` (≤ 650 ids);
 * changeType `updated`; expiry in the future and ≤ 60 minutes away; clientState ≤ 128 characters;
 * includeResourceData needs an RSA encryptionCertificate and its id; the notification URL (and the lifecycle
 * URL) must pass the validation handshake; a second presence subscription for one creator and app is 409;
 * a deleted or unknown user id fails the create with 500.
 * Emulator limits: URLs must be https, or http on 127.0.0.1/localhost, and always loopback.
 */
export const MAX_SUBSCRIPTION_MS = 60 * 60_000;
const MAX_CLIENT_STATE = 128;

function parseResource(resource: string): string[] | string {
  const r = resource.trim().replace(/^\//, '');
  const single = /^communications\/presences\/([^/?]+)$/i.exec(r);
  if (single) return [single[1]!.replace(/^\('?|'?\)$/g, '')];
  const bulk = /^communications\/presences\?\$filter=id\s+in\s+\((.*)\)$/i.exec(r);
  if (!bulk) return `The resource '${resource}' is not supported. Use communications/presences/{id} or communications/presences?$filter=id in ('{id}',...).`;
  const ids = bulk[1]!.split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
  return ids;
}

function checkUrl(value: unknown, name: string): string | null {
  if (typeof value !== 'string') return `${name} is required.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} '${value}' is not a valid URL.`;
  }
  if (!isLoopbackUrl(url)) return `${name} must point at a loopback host in the emulator (got '${url.hostname}').`;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'))) return null;
  return `${name} must be an HTTPS URL.`;
}

export function subscriptionJson(emu: GraphCtx['emu'], s: Subscription): Record<string, unknown> {
  return {
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: new Date(s.expiresAt).toISOString(),
    creatorId: s.creatorId,
    includeResourceData: s.includeResourceData,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: s.encryptionCertificate,
    encryptionCertificateId: s.encryptionCertificateId,
    notificationUrlAppId: null,
  };
}

function parseExpiry(req: EmuRequest, ctx: GraphCtx, value: unknown): number | EmuResult {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(at)) return graphError(req, 400, 'InvalidRequest', 'expirationDateTime is required and must be an ISO-8601 date-time.');
  const now = ctx.emu.clock.now();
  if (at <= now) return graphError(req, 400, 'InvalidRequest', 'Subscription expiration must be in the future.');
  if (at - now > MAX_SUBSCRIPTION_MS) return graphError(req, 400, 'InvalidRequest', 'Subscription expiration can only be 60 minutes in the future.');
  return at;
}

const isResult = (v: unknown): v is EmuResult => typeof v === 'object' && v !== null && 'status' in v;

function creatorOf(ctx: GraphCtx): string {
  return ctx.token.user ? ctx.token.user.id : ctx.emu.tokens.servicePrincipalId(ctx.token.clientId);
}

function body(req: EmuRequest): Record<string, unknown> | EmuResult {
  const parsed = parseJsonBody(req);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return graphError(req, 400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  return parsed.value as Record<string, unknown>;
}

async function create(req: EmuRequest, ctx: GraphCtx): Promise<EmuResult> {
  if (ctx.token.kind === 'app') {
    return graphError(req, 403, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Forbidden; Reason: Presence subscriptions are not supported with application permissions; use a delegated token (Presence.Read.All).]');
  }
  const denied = requirePermission(req, ctx, 'subscribePresence');
  if (denied) return denied;
  const b = body(req);
  if (isResult(b)) return b;
  const bad = (message: string): EmuResult => graphError(req, 400, 'InvalidRequest', message);
  if (typeof b.resource !== 'string') return bad('resource is required.');
  const ids = parseResource(b.resource);
  if (typeof ids === 'string') return bad(ids);
  if (ids.length === 0 || ids.some((id) => !isGuid(id))) return bad('Every presence id in the resource must be a user object id (GUID).');
  if (ids.length > MAX_IDS_PER_REQUEST) return bad(`Too many ids in the resource: ${ids.length}. A presence subscription supports at most ${MAX_IDS_PER_REQUEST}.`);
  if (typeof b.changeType !== 'string' || b.changeType.split(',').some((c) => c.trim() !== 'updated')) return bad("changeType must be 'updated' for presence.");
  const urlProblem = checkUrl(b.notificationUrl, 'notificationUrl');
  if (urlProblem) return bad(urlProblem);
  if (b.lifecycleNotificationUrl !== undefined && b.lifecycleNotificationUrl !== null) {
    const p = checkUrl(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
    if (p) return bad(p);
  }
  const expiresAt = parseExpiry(req, ctx, b.expirationDateTime);
  if (isResult(expiresAt)) return expiresAt;
  if (b.clientState !== undefined && b.clientState !== null && (typeof b.clientState !== 'string' || b.clientState.length > MAX_CLIENT_STATE)) {
    return bad(`clientState must be a string of at most ${MAX_CLIENT_STATE} characters.`);
  }
  let cert: SubscriberCertificate | null = null;
  if (b.includeResourceData === true) {
    if (typeof b.encryptionCertificate !== 'string' || typeof b.encryptionCertificateId !== 'string' || !b.encryptionCertificateId || b.encryptionCertificateId.length > 128) {
      return bad('A subscription with includeResourceData requires encryptionCertificate and encryptionCertificateId.');
    }
    const parsed = parseSubscriberCertificate(b.encryptionCertificate);
    if (typeof parsed === 'string') return bad(parsed);
    cert = parsed;
  }
  const creatorId = creatorOf(ctx);
  const resourceKey = `presences:${[...new Set(ids.map((i) => i.toLowerCase()))].sort().join(',')}`;
  const mine = ctx.emu.subscriptions.list().filter((s) => s.creatorId === creatorId && s.applicationId === ctx.token.clientId);
  // A second presence subscription of the same user and app, on any resource, is a 409 (see README).
  if (mine.length >= ctx.emu.subscriptionsPerUser || mine.some((s) => s.resourceKey === resourceKey)) {
    return graphError(req, 409, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Conflict; Reason: A subscripton already exists. It must be deleted before a another can be made.]');
  }
  // A deleted or unknown user in the list makes the whole create fail with a 500 (see README).
  const missing = ids.find((id) => !ctx.emu.directory.byObjectId(id));
  if (missing !== undefined) {
    return graphError(req, 500, 'ExtensionError', 'Operation: Create; Exception: [Status Code: InternalServerError; Reason: An internal server error occurred while creating the subscription.]');
  }

  const notificationUrl = b.notificationUrl as string;
  const lifecycleUrl = (b.lifecycleNotificationUrl as string | null | undefined) ?? null;
  for (const url of lifecycleUrl ? [notificationUrl, lifecycleUrl] : [notificationUrl]) {
    const failure = await ctx.emu.dispatcher.handshake(url);
    if (failure) return graphError(req, 400, 'ValidationError', failure);
  }
  const userIdxs = ids.map((id) => ctx.emu.directory.byObjectId(id)?.idx).filter((i): i is number => i !== undefined);
  const sub: Subscription = {
    serial: ctx.emu.subscriptions.newSerial(),
    id: randomUUID(),
    resource: b.resource,
    resourceKey,
    userIdxs: [...new Set(userIdxs)],
    changeType: 'updated',
    clientState: (b.clientState as string | undefined) ?? null,
    notificationUrl,
    lifecycleNotificationUrl: lifecycleUrl,
    expiresAt,
    applicationId: ctx.token.clientId,
    creatorId,
    includeResourceData: cert !== null,
    encryptionCertificate: cert ? (b.encryptionCertificate as string) : null,
    encryptionCertificateId: cert ? (b.encryptionCertificateId as string) : null,
    cert,
    latestSupportedTlsVersion: typeof b.latestSupportedTlsVersion === 'string' ? b.latestSupportedTlsVersion : 'v1_2',
    authExpiresAt: ctx.token.expiresAt,
    reauthSent: false,
    reauthAt: Infinity,
    pending: new Set(),
  };
  ctx.emu.subscriptions.add(sub);
  return json(201, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#subscriptions/$entity`, ...subscriptionJson(ctx.emu, sub) });
}

/** The caller sees subscriptions of its app; a delegated caller only its own. */
function visible(req: EmuRequest, ctx: GraphCtx): Subscription | EmuResult {
  const sub = ctx.emu.subscriptions.get(req.params.id!);
  if (!sub || sub.applicationId !== ctx.token.clientId || (ctx.token.user && sub.creatorId !== ctx.token.user.id)) {
    return graphError(req, 404, 'ResourceNotFound', `The object was not found. Subscription '${req.params.id}' does not exist.`);
  }
  return sub;
}

function renew(req: EmuRequest, ctx: GraphCtx, sub: Subscription, expiresAt: number): void {
  sub.expiresAt = expiresAt;
  sub.authExpiresAt = Math.max(sub.authExpiresAt, ctx.token.expiresAt);
  ctx.emu.subscriptions.reschedule(sub);
  ctx.emu.dispatcher.kick(sub);
}

export function subscriptionRouter(): Router<GraphCtx> {
  return new Router<GraphCtx>()
    .add('POST', '/v1.0/subscriptions', create)
    .add('GET', '/v1.0/subscriptions', (req, ctx) => {
      const subs = ctx.emu.subscriptions.list().filter((s) => s.applicationId === ctx.token.clientId && (!ctx.token.user || s.creatorId === ctx.token.user.id));
      return json(200, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#subscriptions`, value: subs.map((s) => subscriptionJson(ctx.emu, s)) });
    })
    .add('GET', '/v1.0/subscriptions/:id', (req, ctx) => {
      const sub = visible(req, ctx);
      return isResult(sub) ? sub : json(200, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#subscriptions/$entity`, ...subscriptionJson(ctx.emu, sub) });
    })
    .add('PATCH', '/v1.0/subscriptions/:id', (req, ctx) => {
      const sub = visible(req, ctx);
      if (isResult(sub)) return sub;
      const b = body(req);
      if (isResult(b)) return b;
      if (b.lifecycleNotificationUrl !== undefined) return graphError(req, 400, 'InvalidRequest', 'lifecycleNotificationUrl cannot be changed; delete and recreate the subscription.');
      const expiresAt = parseExpiry(req, ctx, b.expirationDateTime);
      if (isResult(expiresAt)) return expiresAt;
      // Flag `presenceRenewal: 'ignored'`: the reported behaviour of a 200 that leaves the expiry unchanged.
      if (ctx.emu.presenceRenewal === 'extends') renew(req, ctx, sub, expiresAt);
      return json(200, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#subscriptions/$entity`, ...subscriptionJson(ctx.emu, sub) });
    })
    .add('DELETE', '/v1.0/subscriptions/:id', (req, ctx) => {
      const sub = visible(req, ctx);
      if (isResult(sub)) return sub;
      ctx.emu.subscriptions.remove(sub);
      return empty(204);
    })
    .add('POST', '/v1.0/subscriptions/:id/reauthorize', (req, ctx) => {
      const sub = visible(req, ctx);
      if (isResult(sub)) return sub;
      renew(req, ctx, sub, sub.expiresAt);
      return empty(200);
    });
}
