/**
 * The identity origin (the real one is `https://webexapis.com`, a different host from the contact-center API):
 * the People API `GET /v1/people/me`, the OAuth token endpoint `POST /v1/access_token` (grant types
 * `authorization_code` and `refresh_token`), and Service App tokens `POST /v1/applications/{id}/token`.
 * A human's consent has no API, so `POST /_emulator/authorize {userId, scope}` hands out the authorization code
 * the redirect would carry. Errors use the Webex platform body `{message, errors:[{description}], trackingId}`.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../kit/clock.js';
import { type Ctx, isRecord, type Router } from '../kit/router.js';
import { type Principal, ROLE_SCOPES, type Role, SCOPES, type TokenBook } from './token-book.js';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface ServiceApp extends OAuthClient {
  applicationId: string;
}

const CODE_LIFETIME_MS = 5 * 60_000;

/** Webex People ids are base64 of `ciscospark://us/PEOPLE/<uuid>` (the "Hydra" id). */
export const hydraId = (kind: 'PEOPLE' | 'ORGANIZATION', uuid: string): string => Buffer.from(`ciscospark://us/${kind}/${uuid}`).toString('base64').replace(/=+$/, '');

export class OAuthServer {
  readonly client: OAuthClient = { clientId: `C${randomBytes(32).toString('hex')}`, clientSecret: randomBytes(32).toString('hex') };
  readonly serviceApp: ServiceApp = { applicationId: hydraId('PEOPLE', '5e71ce00-0000-4000-8000-00000000a99f'), clientId: `C${randomBytes(32).toString('hex')}`, clientSecret: randomBytes(32).toString('hex') };
  private readonly codes = new Map<string, { userId: string; scopes: string[]; expiresAt: number }>();
  private readonly refresh = new Map<string, { userId: string; role: Role; scopes: string[]; clientId: string; expiresAt: number }>();

  constructor(
    private readonly tokens: TokenBook,
    private readonly clock: EmulatorClock,
    private readonly refreshLifetimeSec: number,
  ) {}

  /** The code a consenting user's redirect would carry; null for an unknown user. */
  authorize(userId: string, scopes: string[]): string | null {
    if (!this.tokens.user(userId)) return null;
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { userId, scopes, expiresAt: this.clock.now() + CODE_LIFETIME_MS });
    return code;
  }

  private grant(userId: string, role: Role, requested: string[], clientId: string, refreshToken?: string): Record<string, unknown> {
    const allowed = new Set(ROLE_SCOPES[role]);
    const scopes = requested.length ? requested.filter((s) => allowed.has(s)) : [...allowed];
    const access = this.tokens.issue(userId, role, scopes, clientId);
    // A refresh token that is used is refreshed too ("refreshed to last forever", Authorizations API).
    const rt = refreshToken ?? randomBytes(32).toString('base64url');
    this.refresh.set(rt, { userId, role, scopes, clientId, expiresAt: this.clock.now() + this.refreshLifetimeSec * 1000 });
    const left = Math.floor((this.refresh.get(rt)!.expiresAt - this.clock.now()) / 1000);
    return { access_token: access.token, expires_in: access.expiresInSec, refresh_token: rt, refresh_token_expires_in: left, token_type: 'Bearer', scope: scopes.join(' ') };
  }

  /** `POST /v1/access_token`; returns the token answer or {status, message}. */
  token(body: Record<string, unknown>): Record<string, unknown> | { status: number; message: string } {
    const str = (k: string): string => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const clientId = str('client_id');
    const isServiceApp = clientId === this.serviceApp.clientId && str('client_secret') === this.serviceApp.clientSecret;
    if (!isServiceApp && (clientId !== this.client.clientId || str('client_secret') !== this.client.clientSecret)) return { status: 401, message: 'Invalid client_id or client_secret' };
    const grantType = str('grant_type');
    if (grantType === 'authorization_code') {
      const rec = this.codes.get(str('code'));
      this.codes.delete(str('code'));
      if (!rec || rec.expiresAt <= this.clock.now()) return { status: 400, message: 'Invalid or expired authorization code' };
      if (!str('redirect_uri')) return { status: 400, message: 'redirect_uri is required' };
      const user = this.tokens.user(rec.userId)!;
      return this.grant(user.id, user.role, rec.scopes, clientId);
    }
    if (grantType === 'refresh_token') {
      const rt = str('refresh_token');
      const rec = this.refresh.get(rt);
      if (!rec || rec.clientId !== clientId) return { status: 400, message: 'Invalid refresh token' };
      if (rec.expiresAt <= this.clock.now()) return { status: 400, message: 'Refresh token expired' };
      return this.grant(rec.userId, rec.role, rec.scopes, clientId, rt);
    }
    return { status: 400, message: 'grant_type must be authorization_code or refresh_token' };
  }

  /** `POST /v1/applications/{id}/token`: a Service App's tokens for the org that authorised it. */
  serviceAppToken(applicationId: string, body: Record<string, unknown>, orgId: string): Record<string, unknown> | { status: number; message: string } {
    if (applicationId !== this.serviceApp.applicationId) return { status: 404, message: 'application not found' };
    if (body.clientId !== this.serviceApp.clientId || body.clientSecret !== this.serviceApp.clientSecret) return { status: 401, message: 'Invalid clientId or clientSecret' };
    if (body.targetOrgId !== orgId && body.targetOrgId !== hydraId('ORGANIZATION', orgId)) return { status: 403, message: 'the service app is not authorized for targetOrgId' };
    return this.grant(this.serviceApp.applicationId, 'service-app', [], this.serviceApp.clientId);
  }
}

/** The identity router's principal: a resolved token, or 'anonymous' on routes that take none. */
export type IdPrincipal = Principal | 'anonymous';
type IdCtx = Ctx<IdPrincipal, IdMeta>;
export interface IdMeta {
  auth: boolean;
}

export function peopleMe(ctx: Pick<Ctx<unknown>, 'send' | 'fail'>, u: Principal, orgId: string): void {
  if (u.role === 'service-app') return ctx.fail(404, 'a service app is not a person');
  const [firstName, ...rest] = u.name.split(' ');
  ctx.send(200, {
    id: hydraId('PEOPLE', u.id),
    emails: [u.email],
    displayName: u.name,
    nickName: firstName,
    firstName,
    lastName: rest.join(' '),
    orgId: hydraId('ORGANIZATION', orgId),
    type: 'person',
    created: '2025-01-06T09:00:00.000Z',
  });
}

export function registerIdentityRoutes(router: Router<IdPrincipal, IdMeta>, oauth: OAuthServer, orgId: string): void {
  const failWith = (ctx: IdCtx, r: { status: number; message: string }): void => ctx.fail(r.status, r.message);

  router.add('GET', '/v1/people/me', (ctx) => peopleMe(ctx, ctx.principal as Principal, orgId), { auth: true });

  router.add('POST', '/v1/access_token', (ctx) => {
    if (!isRecord(ctx.body)) return ctx.fail(400, 'body must be application/x-www-form-urlencoded', 'body');
    const r = oauth.token(ctx.body);
    if ('status' in r && 'message' in r && typeof r.status === 'number') return failWith(ctx, r as { status: number; message: string });
    ctx.send(200, r);
  }, { auth: false });

  // Called by the developer's integration, whose token needs spark:applications_token (Service Apps API).
  router.add('POST', '/v1/applications/:id/token', (ctx) => {
    if (!(ctx.principal as Principal).scopes.has(SCOPES.applicationsToken)) return ctx.fail(403, `the token lacks the scope ${SCOPES.applicationsToken}`);
    if (!isRecord(ctx.body)) return ctx.fail(400, 'body must be a JSON object', 'body');
    const r = oauth.serviceAppToken(ctx.params.id, ctx.body, orgId);
    if ('status' in r && 'message' in r && typeof r.status === 'number') return failWith(ctx, r as { status: number; message: string });
    ctx.send(200, r);
  }, { auth: true });

  router.add('POST', '/_emulator/authorize', (ctx) => {
    const b = isRecord(ctx.body) ? ctx.body : {};
    if (typeof b.userId !== 'string') return ctx.fail(400, 'userId is required', 'userId');
    if (b.scope !== undefined && typeof b.scope !== 'string') return ctx.fail(400, 'scope must be a space-separated string', 'scope');
    const code = oauth.authorize(b.userId, typeof b.scope === 'string' ? b.scope.split(/\s+/).filter(Boolean) : []);
    if (!code) return ctx.fail(404, `user ${b.userId} not found`, 'userId');
    ctx.send(200, { code });
  });
}
