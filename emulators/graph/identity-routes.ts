import { timingSafeEqual, verify, constants, X509Certificate, createHash } from 'node:crypto';
import type { EmulatorContext } from './emulator-context.js';
import { addAuthorizeRoutes } from './authorize-routes.js';
import { aadError, json, type EmuRequest, type EmuResult, Router } from './graph-http.js';
import { decodeJwt } from './key-material.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE } from './token-registry.js';

/**
 * The Microsoft identity platform endpoints an msal-node confidential client uses, on Microsoft's paths:
 * `POST /{tenant}/oauth2/v2.0/token` (client_credentials with a secret or a client assertion;
 * authorization_code with PKCE, refresh_token and password for delegated service accounts), OpenID discovery,
 * JWKS and instance discovery. The interactive sign-in pages are in authorize-routes.ts.
 */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const DEMO_TENANT_DOMAIN = 'contoso.example';

function knownTenant(emu: EmulatorContext, tenant: string): boolean {
  const t = tenant.toLowerCase();
  return t === emu.tenantId.toLowerCase() || t === DEMO_TENANT_DOMAIN;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Client assertion check. Structure and claims are always checked (iss = sub = client_id, exp in the future
 * by the real clock, since the client signs with its own clock). The signature is verified only when
 * certificates were registered through `POST /_emulator/app/certificates`; otherwise any signature passes.
 */
function checkAssertion(emu: EmulatorContext, assertion: string, clientId: string, correlationId?: string): EmuResult | null {
  const jwt = decodeJwt(assertion);
  if (!jwt) return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.', correlationId);
  const { iss, sub, exp } = jwt.payload;
  if (iss !== clientId || sub !== clientId) {
    return aadError(401, 'invalid_client', 700021, 'Client assertion application identifier doesn\'t match \'client_id\' parameter.', correlationId);
  }
  if (typeof exp !== 'number' || exp * 1000 < Date.now() - 300_000) {
    return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.', correlationId);
  }
  if (emu.clientCertificates.length === 0) return null;
  const alg = jwt.header.alg;
  const ok = emu.clientCertificates.some((cert) => {
    const der = cert.raw;
    const x5t = jwt.header['x5t#S256'] ?? jwt.header.x5t;
    if (typeof x5t === 'string') {
      const s256 = createHash('sha256').update(der).digest('base64url');
      const s1 = createHash('sha1').update(der).digest('base64url');
      if (x5t !== s256 && x5t !== s1) return false;
    }
    const input = Buffer.from(jwt.signingInput);
    if (alg === 'PS256') return verify('sha256', input, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, jwt.signature);
    if (alg === 'RS256') return verify('RSA-SHA256', input, cert.publicKey, jwt.signature);
    return false;
  });
  return ok ? null : aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.', correlationId);
}

/** A client-credentials scope must be exactly `<Graph>/.default`. */
function checkAppScope(scope: string, correlationId?: string): EmuResult | null {
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) {
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`, correlationId);
  }
  const resource = scopes[0]!.slice(0, -'/.default'.length).replace(/\/$/, '');
  if (resource.toLowerCase() !== GRAPH_RESOURCE && resource.toLowerCase() !== GRAPH_APP_ID) {
    return aadError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${DEMO_TENANT_DOMAIN}.`, correlationId);
  }
  return null;
}

export function handleToken(req: EmuRequest, emu: EmulatorContext): EmuResult {
  const correlationId = req.query.get('client-request-id') ?? req.headers['client-request-id'];
  const fault = emu.faults.tokenFault();
  if (fault !== null) {
    // msal-node throttles itself after a 5xx (60 s without Retry-After), so a fault may carry retryAfterSec.
    const result =
      fault === 500
        ? aadError(500, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', correlationId)
        : aadError(400, 'invalid_request', 90014, "The required field 'request' is missing from the credential.", correlationId);
    const retryAfter = emu.faults.current().retryAfterSec;
    if (retryAfter !== undefined) result.headers = { 'retry-after': String(retryAfter) };
    return result;
  }
  if (!knownTenant(emu, req.params.tenant!)) {
    return aadError(400, 'invalid_request', 90002, `Tenant '${req.params.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, correlationId);
  }
  const form = new URLSearchParams(req.rawBody.toString('utf8'));
  const grant = form.get('grant_type');
  if (!grant) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.", correlationId);
  const clientId = form.get('client_id') ?? '';
  if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.", correlationId);
  if (clientId.toLowerCase() !== emu.clientId.toLowerCase()) {
    return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${DEMO_TENANT_DOMAIN}'.`, correlationId);
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  let clientAuthenticated = false;
  if (secret !== null) {
    if (!sameSecret(secret, emu.clientSecret)) {
      return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${emu.clientId}'.`, correlationId);
    }
    clientAuthenticated = true;
  } else if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      return aadError(401, 'invalid_client', 7000219, "'client_assertion' or 'client_secret' is required and client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.", correlationId);
    }
    const bad = checkAssertion(emu, assertion, emu.clientId, correlationId);
    if (bad) return bad;
    clientAuthenticated = true;
  }

  switch (grant) {
    case 'client_credentials': {
      if (!clientAuthenticated) return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", correlationId);
      const bad = checkAppScope(form.get('scope') ?? '', correlationId);
      if (bad) return bad;
      const t = emu.tokens.issueApp(emu.clientId);
      return json(200, { token_type: 'Bearer', expires_in: t.expiresIn, ext_expires_in: t.expiresIn, access_token: t.accessToken });
    }
    case 'password': {
      const user = emu.directory.byPrincipalName(form.get('username') ?? '');
      if (!user || !user.password || !sameSecret(form.get('password') ?? '', user.password)) {
        return aadError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.', correlationId);
      }
      // ROPC cannot satisfy multifactor authentication: Microsoft refuses it for such accounts.
      if (emu.signIn.requiresMfa(user)) {
        const refused = aadError(400, 'invalid_grant', 50076, `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${GRAPH_APP_ID}'.`, correlationId);
        (refused.body as Record<string, unknown>).suberror = 'basic_action';
        return refused;
      }
      return delegatedResponse(emu, user);
    }
    case 'authorization_code': {
      if (!clientAuthenticated) return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", correlationId);
      const code = form.get('code');
      if (!code) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'code'.", correlationId);
      const redeemed = emu.signIn.redeemCode(code, clientId, form.get('redirect_uri'), form.get('code_verifier'));
      if (!redeemed.ok) return aadError(400, redeemed.error, redeemed.aadsts, redeemed.description, correlationId);
      return delegatedResponse(emu, redeemed.user);
    }
    case 'refresh_token': {
      const user = emu.tokens.redeemRefresh(form.get('refresh_token') ?? '', emu.clientId);
      if (!user) return aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.', correlationId);
      return delegatedResponse(emu, user);
    }
    default:
      return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`, correlationId);
  }
}

function delegatedResponse(emu: EmulatorContext, user: Parameters<EmulatorContext['tokens']['issueDelegated']>[1]): EmuResult {
  const t = emu.tokens.issueDelegated(emu.clientId, user);
  return json(200, {
    token_type: 'Bearer',
    scope: t.scope,
    expires_in: t.expiresIn,
    ext_expires_in: t.expiresIn,
    access_token: t.accessToken,
    refresh_token: t.refreshToken,
    id_token: t.idToken,
    client_info: t.clientInfo,
  });
}

function openIdConfiguration(req: EmuRequest, emu: EmulatorContext): EmuResult {
  if (!knownTenant(emu, req.params.tenant!)) return aadError(400, 'invalid_tenant', 90002, `Tenant '${req.params.tenant}' not found.`);
  const base = `${emu.url}/${emu.tenantId}`;
  return json(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${emu.url}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'tid', 'oid', 'preferred_username', 'name'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  });
}

export function identityRouter(): Router<EmulatorContext> {
  return addAuthorizeRoutes(new Router<EmulatorContext>())
    .add('POST', '/:tenant/oauth2/v2.0/token', handleToken)
    .add('GET', '/:tenant/v2.0/.well-known/openid-configuration', openIdConfiguration)
    .add('GET', '/:tenant/discovery/v2.0/keys', (_req, emu) =>
      json(200, { keys: [{ ...emu.key.publicJwk, use: 'sig', kid: emu.key.x5t, x5t: emu.key.x5t, x5c: [emu.key.certDerBase64], issuer: `${emu.url}/${emu.tenantId}/v2.0` }] }),
    )
    .add('GET', '/common/discovery/instance', (_req, emu) => {
      const host = new URL(emu.url).host;
      return json(200, {
        tenant_discovery_endpoint: `${emu.url}/{tenantid}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
    });
}

export function parseCertificate(pemOrBase64: string): X509Certificate {
  const text = pemOrBase64.includes('BEGIN CERTIFICATE') ? pemOrBase64 : Buffer.from(pemOrBase64, 'base64');
  return new X509Certificate(text);
}
