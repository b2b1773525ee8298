import type { EmulatorContext } from './emulator-context.js';
import { json, type EmuResult, Router } from './graph-http.js';
import { v1Issuer } from './rich-notification.js';

/**
 * The v1 OpenID metadata and its key set, as `login.microsoftonline.com/{tenant}/.well-known/openid-configuration`
 * and `…/common/discovery/keys` serve them: the issuer of v1 tokens is `https://sts.windows.net/{tid}/` and the
 * keys are the same signing keys the v2 document points at. A receiver validating change-notification
 * validation tokens (v1 shape) reads `issuer` and `jwks_uri` from here.
 */
function configuration(tenant: string, emu: EmulatorContext): EmuResult {
  if (tenant.toLowerCase() !== emu.tenantId.toLowerCase() && tenant !== 'common' && tenant !== 'organizations') {
    return json(400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.`, error_codes: [90002] });
  }
  const base = `${emu.url}/${emu.tenantId}`;
  return json(200, {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${emu.url}/common/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: v1Issuer(emu.tenantId),
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname'],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  });
}

export function openIdV1Router(): Router<EmulatorContext> {
  return new Router<EmulatorContext>()
    .add('GET', '/:tenant/.well-known/openid-configuration', (req, emu) => configuration(req.params.tenant!, emu))
    .add('GET', '/common/discovery/keys', (_req, emu) =>
      json(200, { keys: [{ kty: emu.key.publicJwk.kty, use: 'sig', kid: emu.key.x5t, x5t: emu.key.x5t, n: emu.key.publicJwk.n, e: emu.key.publicJwk.e, x5c: [emu.key.certDerBase64] }] }),
    );
}
