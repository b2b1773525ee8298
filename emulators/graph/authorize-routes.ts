import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errorPage, formPostPage, mfaPage, signInPage } from './authorize-page.js';
import type { AuthorizeRequest, SignInFlow } from './authorize-state.js';
import type { UserRecord } from './directory-store.js';
import type { EmulatorContext } from './emulator-context.js';
import { json, parseJsonBody, type EmuRequest, type EmuResult, type Router } from './graph-http.js';

/**
 * The interactive half of the authorization-code flow (README "Identity platform"):
 * `GET /{tenant}/oauth2/v2.0/authorize` shows a sign-in page, `POST /{tenant}/login` checks the password,
 * `POST /{tenant}/SAS/ProcessAuth` answers the MFA approval of users that need it; success redirects to the
 * registered redirect URI with `code`, `state` and `session_state`. The code is redeemed at the token
 * endpoint (identity-routes.ts) with the PKCE verifier.
 */

const DEMO_TENANT_DOMAIN = 'contoso.example';

function knownTenant(emu: EmulatorContext, tenant: string): boolean {
  const t = tenant.toLowerCase();
  return t === emu.tenantId.toLowerCase() || t === DEMO_TENANT_DOMAIN || t === 'organizations' || t === 'common';
}

function redirectTo(request: AuthorizeRequest, fields: Record<string, string>): EmuResult {
  const all: Record<string, string> = { ...fields, ...(request.state !== null ? { state: request.state } : {}) };
  if (request.responseMode === 'form_post') return formPostPage(request.redirectUri, all);
  const target = new URL(request.redirectUri);
  // Microsoft returns a redirect URI without a path with a trailing slash (URL does that already).
  for (const [k, v] of Object.entries(all)) target.searchParams.set(k, v);
  return { status: 302, headers: { location: target.toString(), 'cache-control': 'no-store' } };
}

function errorRedirect(request: AuthorizeRequest, error: string, aadsts: number, description: string): EmuResult {
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return redirectTo(request, {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${traceId} Timestamp: ${timestamp}`,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  });
}

function complete(emu: EmulatorContext, flow: SignInFlow, user: UserRecord): EmuResult {
  const code = emu.signIn.issueCode(flow, user);
  return redirectTo(flow.request, { code, session_state: randomUUID() });
}

function authorize(req: EmuRequest, emu: EmulatorContext): EmuResult {
  const tenant = req.params.tenant!;
  if (!knownTenant(emu, tenant)) return errorPage(90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  const q = req.query;
  const clientId = q.get('client_id') ?? '';
  if (clientId.toLowerCase() !== emu.clientId.toLowerCase()) {
    return errorPage(700016, `Application with identifier '${clientId}' was not found in the directory '${DEMO_TENANT_DOMAIN}'.`);
  }
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUri || !emu.signIn.redirectAllowed(redirectUri)) {
    return errorPage(50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${emu.clientId}'.`);
  }
  const mode = q.get('response_mode') ?? 'query';
  const method = q.get('code_challenge_method');
  const request: AuthorizeRequest = {
    clientId,
    redirectUri,
    scope: q.get('scope') ?? '',
    state: q.get('state'),
    nonce: q.get('nonce'),
    codeChallenge: q.get('code_challenge'),
    codeChallengeMethod: method === 'S256' || method === 'plain' ? method : q.get('code_challenge') ? 'plain' : null,
    responseMode: mode === 'form_post' ? 'form_post' : 'query',
    loginHint: q.get('login_hint'),
  };
  const responseType = q.get('response_type');
  if (!responseType) return errorRedirect(request, 'invalid_request', 900144, "The request body must contain the following parameter: 'response_type'.");
  if (responseType !== 'code') return errorRedirect(request, 'unsupported_response_type', 700054, `response_type '${responseType}' is not enabled for the application.`);
  if (!request.scope.trim()) return errorRedirect(request, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  if (method !== null && method !== 'S256' && method !== 'plain') {
    return errorRedirect(request, 'invalid_request', 501491, `Invalid code_challenge_method '${method}'.`);
  }
  if (request.codeChallenge !== null && !/^[A-Za-z0-9\-._~]{43,128}$/.test(request.codeChallenge)) {
    return errorRedirect(request, 'invalid_request', 501491, 'Invalid size of Code_Challenge parameter.');
  }
  if (q.get('prompt') === 'none') {
    return errorRedirect(request, 'login_required', 50058, 'A silent sign-in request was sent but no user is signed in.');
  }
  const flow = emu.signIn.startFlow(request);
  return signInPage(tenant, flow.id, request.loginHint, null);
}

function formOf(req: EmuRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString('utf8'));
}

const expired = (): EmuResult => errorPage(50089, 'Authentication failed due to flow token expired. Start the sign-in again from the application.');

function login(req: EmuRequest, emu: EmulatorContext): EmuResult {
  const form = formOf(req);
  const flow = emu.signIn.flow(form.get('flow') ?? '');
  if (!flow) return expired();
  const tenant = req.params.tenant!;
  const username = (form.get('loginfmt') ?? '').trim();
  const user = emu.directory.byPrincipalName(username);
  const password = form.get('passwd') ?? '';
  if (!user || !user.password || user.password !== password) {
    return signInPage(tenant, flow.id, username || flow.request.loginHint, "Your account or password is incorrect. If you don't remember your password, reset it now.");
  }
  if (emu.signIn.requiresMfa(user)) {
    flow.mfaUser = user;
    return mfaPage(tenant, flow.id, user.userPrincipalName);
  }
  return complete(emu, flow, user);
}

function processMfa(req: EmuRequest, emu: EmulatorContext): EmuResult {
  const form = formOf(req);
  const flow = emu.signIn.flow(form.get('flow') ?? '');
  if (!flow || !flow.mfaUser) return expired();
  if (form.get('decision') !== 'approve') {
    emu.signIn.endFlow(flow.id);
    return errorRedirect(flow.request, 'access_denied', 500121, 'Authentication failed during strong authentication request.');
  }
  return complete(emu, flow, flow.mfaUser);
}

/** Adds the sign-in pages to the identity router. */
export function addAuthorizeRoutes(r: Router<EmulatorContext>): Router<EmulatorContext> {
  return r
    .add('GET', '/:tenant/oauth2/v2.0/authorize', authorize)
    .add('POST', '/:tenant/login', login)
    .add('POST', '/:tenant/SAS/ProcessAuth', processMfa);
}

function bad(message: string, status = 400): EmuResult {
  return json(status, { error: { code: status === 404 ? 'not_found' : 'invalid', message } });
}

function parse<S extends z.ZodType>(schema: S, req: EmuRequest): { ok: true; value: z.infer<S> } | { ok: false; result: EmuResult } {
  const raw = parseJsonBody(req);
  if (!raw.ok) return { ok: false, result: bad('body is not valid JSON') };
  const parsed = schema.safeParse(raw.value ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, result: bad(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')) };
}

const absoluteUri = z.string().refine((s) => URL.canParse(s), 'must be an absolute URI');

/** Control routes of the sign-in state (no real API): MFA per user and the app's redirect URIs. */
export function addAuthorizeControlRoutes(r: Router<EmulatorContext>): Router<EmulatorContext> {
  return r
    .add('POST', '/_emulator/users/:id/mfa', (req, emu) => {
      const user = emu.directory.resolve(req.params.id!);
      if (!user) return bad(`unknown user '${req.params.id}'`, 404);
      const body = parse(z.object({ required: z.boolean() }).strict(), req);
      if (!body.ok) return body.result;
      if (body.value.required) emu.signIn.mfaUsers.add(user.id);
      else emu.signIn.mfaUsers.delete(user.id);
      return json(200, { id: user.id, userPrincipalName: user.userPrincipalName, mfaRequired: body.value.required });
    })
    .add('GET', '/_emulator/app/redirect-uris', (_req, emu) => json(200, { redirectUris: emu.signIn.redirectUris }))
    .add('POST', '/_emulator/app/redirect-uris', (req, emu) => {
      const body = parse(z.object({ redirectUris: z.array(absoluteUri).max(256) }).strict(), req);
      if (!body.ok) return body.result;
      emu.signIn.redirectUris = [...new Set(body.value.redirectUris)];
      return json(200, { redirectUris: emu.signIn.redirectUris });
    });
}
