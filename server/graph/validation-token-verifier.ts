import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { Clock } from '../ports.js';

/**
 * Verifies the `validationTokens` Microsoft Graph sends with rich change notifications, as Microsoft requires:
 * RS256 signature against the identity platform's published keys (found through the tenant's OpenID
 * metadata, v1 and v2 documents), issuer = one of those documents' issuers (v1 `https://sts.windows.net/{tid}/`
 * or v2 `…/{tid}/v2.0`), audience = the connector's app id, `appid` (v1) or `azp` (v2) = Microsoft's change
 * notification publisher, and not expired (5 minutes of clock tolerance). Keys are fetched once and again
 * when a token names an unknown key id (at most once a minute).
 */

/** Microsoft Graph's change-notification publisher app id (the `appid`/`azp` of every validation token). */
export const NOTIFICATION_PUBLISHER_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';
const CLOCK_TOLERANCE_SEC = 300;
const KEY_REFRESH_MIN_MS = 60_000;

export interface ValidationTokenVerifierOptions {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clock: Clock;
  /** GET a JSON document over HTTPS (trusting the configured CA). */
  fetchJson: (url: string) => Promise<unknown>;
}

export class VerifierUnavailableError extends Error {}

export type TokenCheck = { ok: true } | { ok: false; reason: string };

interface Metadata {
  issuers: Set<string>;
  keys: ReturnType<typeof createLocalJWKSet>;
  kids: Set<string>;
  fetchedAt: number;
}

export class ValidationTokenVerifier {
  private metadata: Metadata | null = null;
  private loading: Promise<Metadata> | null = null;

  constructor(private readonly o: ValidationTokenVerifierOptions) {}

  /** Every token must verify, and at least one must be for this app. Throws VerifierUnavailableError when keys cannot be read. */
  async verifyAll(tokens: readonly string[] | null | undefined): Promise<TokenCheck> {
    if (!tokens || tokens.length === 0) return { ok: false, reason: 'no validation token' };
    for (const token of tokens) {
      const check = await this.verify(token);
      if (!check.ok) return check;
    }
    return { ok: true };
  }

  async verify(token: string): Promise<TokenCheck> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return { ok: false, reason: 'validation token is not a JWT' };
    }
    let meta = await this.load(false);
    if (kid && !meta.kids.has(kid) && this.o.clock.now() - meta.fetchedAt >= KEY_REFRESH_MIN_MS) meta = await this.load(true);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, meta.keys, {
        algorithms: ['RS256'],
        audience: this.o.clientId,
        issuer: [...meta.issuers],
        currentDate: new Date(this.o.clock.now()),
        clockTolerance: CLOCK_TOLERANCE_SEC,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      return { ok: false, reason: `validation token rejected: ${(err as { code?: string }).code ?? (err as Error).message}` };
    }
    const publisher = (payload.appid ?? payload.azp) as unknown;
    if (typeof publisher !== 'string' || publisher.toLowerCase() !== NOTIFICATION_PUBLISHER_APP_ID) {
      return { ok: false, reason: 'validation token was not issued to the change-notification publisher' };
    }
    return { ok: true };
  }

  private load(force: boolean): Promise<Metadata> {
    if (this.metadata && !force) return Promise.resolve(this.metadata);
    this.loading ??= this.fetch()
      .then((m) => (this.metadata = m))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  private async fetch(): Promise<Metadata> {
    const base = `${this.o.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(this.o.tenantId)}`;
    const issuers = new Set<string>();
    const keys = new Map<string, JSONWebKeySet['keys'][number]>();
    for (const url of [`${base}/.well-known/openid-configuration`, `${base}/v2.0/.well-known/openid-configuration`]) {
      let doc: { issuer?: unknown; jwks_uri?: unknown };
      let jwks: { keys?: unknown };
      try {
        doc = (await this.o.fetchJson(url)) as typeof doc;
        if (typeof doc?.issuer !== 'string' || typeof doc.jwks_uri !== 'string') throw new Error(`no issuer or jwks_uri in ${url}`);
        jwks = (await this.o.fetchJson(doc.jwks_uri)) as typeof jwks;
        if (!Array.isArray(jwks?.keys)) throw new Error(`no keys at ${doc.jwks_uri}`);
      } catch (err) {
        throw new VerifierUnavailableError(`cannot read the identity platform's signing keys: ${(err as Error).message}`);
      }
      issuers.add(doc.issuer.replace('{tenantid}', this.o.tenantId));
      for (const k of jwks.keys as JSONWebKeySet['keys']) {
        const id = typeof k.kid === 'string' ? k.kid : JSON.stringify(k);
        // Key sets list x5c/x5t next to n/e; only the RSA parameters are needed to verify.
        if (k.kty === 'RSA') keys.set(id, { kty: 'RSA', n: k.n, e: k.e, ...(k.kid ? { kid: k.kid } : {}), alg: 'RS256', use: 'sig' });
      }
    }
    return { issuers, keys: createLocalJWKSet({ keys: [...keys.values()] }), kids: new Set([...keys.values()].map((k) => k.kid).filter((k): k is string => !!k)), fetchedAt: this.o.clock.now() };
  }
}
