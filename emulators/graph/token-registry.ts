import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorClock } from './emulator-clock.js';
import { signJwt, type KeyMaterial } from './key-material.js';
import type { UserRecord } from './directory-store.js';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const DEFAULT_APP_ROLES = ['Presence.Read.All', 'Presence.ReadWrite.All', 'User.Read.All'] as const;
export const DEFAULT_DELEGATED_SCOPES = ['Presence.Read.All', 'User.Read.All'] as const;

export interface TokenRecord {
  kind: 'app' | 'delegated';
  clientId: string;
  /** The signed-in user of a delegated token. */
  user: UserRecord | null;
  issuedAt: number;
  expiresAt: number;
}

export type TokenCheck = { ok: true; token: TokenRecord } | { ok: false; message: string };

/**
 * Issued access and refresh tokens, kept server side. Access tokens are RS256 JWTs shaped like Graph's v1
 * tokens (roles for app tokens, scp for delegated ones) but are validated by lookup, not by signature.
 * Permission checks read the CURRENT grants (`appRoles` / `delegatedScopes`), not the claims baked into the
 * token, so the control surface can simulate revoked or missing admin consent without waiting for msal's
 * cached token to expire.
 */
export class TokenRegistry {
  appRoles: string[] = [...DEFAULT_APP_ROLES];
  delegatedScopes: string[] = [...DEFAULT_DELEGATED_SCOPES];
  private readonly access = new Map<string, TokenRecord>();
  private readonly refresh = new Map<string, { user: UserRecord; clientId: string; expiresAt: number }>();
  issuedCount = 0;

  constructor(
    private readonly key: KeyMaterial,
    private readonly clock: EmulatorClock,
    private readonly tenantId: string,
    private readonly lifetimeSec: number,
    private readonly issuerBase: () => string,
  ) {}

  servicePrincipalId(clientId: string): string {
    return `5e7a1c00-0000-4000-8000-${Buffer.from(clientId).toString('hex').padEnd(12, '0').slice(0, 12)}`;
  }

  issueApp(clientId: string): { accessToken: string; expiresIn: number } {
    const now = this.clock.now();
    const claims = {
      ...this.baseClaims(clientId, now),
      idtyp: 'app',
      oid: this.servicePrincipalId(clientId),
      sub: this.servicePrincipalId(clientId),
      roles: [...this.appRoles],
    };
    return this.store(signJwt(this.key, claims), { kind: 'app', clientId, user: null, issuedAt: now, expiresAt: now + this.lifetimeSec * 1000 });
  }

  issueDelegated(clientId: string, user: UserRecord): { accessToken: string; expiresIn: number; refreshToken: string; idToken: string; clientInfo: string; scope: string } {
    const now = this.clock.now();
    const scope = this.delegatedScopes.join(' ');
    const claims = {
      ...this.baseClaims(clientId, now),
      idtyp: 'user',
      oid: user.id,
      sub: user.id,
      upn: user.userPrincipalName,
      unique_name: user.userPrincipalName,
      name: user.displayName,
      scp: scope,
    };
    const issued = this.store(signJwt(this.key, claims), { kind: 'delegated', clientId, user, issuedAt: now, expiresAt: now + this.lifetimeSec * 1000 });
    const refreshToken = `0.emu.${randomBytes(32).toString('base64url')}`;
    this.refresh.set(refreshToken, { user, clientId, expiresAt: now + 90 * 86_400_000 });
    const idToken = signJwt(this.key, {
      aud: clientId,
      iss: `${this.issuerBase()}/${this.tenantId}/v2.0`,
      iat: Math.floor(now / 1000),
      nbf: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + 3600,
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      sub: user.id,
      tid: this.tenantId,
      ver: '2.0',
    });
    const clientInfo = Buffer.from(JSON.stringify({ uid: user.id, utid: this.tenantId })).toString('base64url');
    return { ...issued, refreshToken, idToken, clientInfo, scope: [...this.delegatedScopes.map((s) => `${GRAPH_RESOURCE}/${s}`), 'openid', 'profile', 'offline_access'].join(' ') };
  }

  /** Single use: a redeemed refresh token is replaced by the new one the response carries. */
  redeemRefresh(token: string, clientId: string): UserRecord | null {
    const entry = this.refresh.get(token);
    if (!entry || entry.clientId !== clientId || entry.expiresAt <= this.clock.now()) return null;
    this.refresh.delete(token);
    return entry.user;
  }

  check(authorization: string | undefined): TokenCheck {
    if (!authorization) return { ok: false, message: 'Access token is empty.' };
    const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (!m) return { ok: false, message: 'Access token is empty.' };
    const raw = m[1]!;
    const token = this.access.get(raw);
    if (!token) {
      return raw.includes('.')
        ? { ok: false, message: 'IDX10511: Signature validation failed. Token does not have a kid or the key is unknown.' }
        : { ok: false, message: "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format." };
    }
    if (token.expiresAt <= this.clock.now()) return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
    return { ok: true, token };
  }

  /** Current grants of a token's principal (see class comment). */
  permissionsOf(token: TokenRecord): readonly string[] {
    return token.kind === 'app' ? this.appRoles : this.delegatedScopes;
  }

  /** Forgets every issued access and refresh token (as if revoked); clients must acquire new ones. */
  revokeAll(): void {
    this.access.clear();
    this.refresh.clear();
  }

  private baseClaims(clientId: string, now: number): Record<string, unknown> {
    const t = Math.floor(now / 1000);
    return {
      aud: GRAPH_RESOURCE,
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: t,
      nbf: t,
      exp: t + this.lifetimeSec,
      appid: clientId,
      appidacr: '1',
      tid: this.tenantId,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    };
  }

  private store(token: string, record: TokenRecord): { accessToken: string; expiresIn: number } {
    this.issuedCount++;
    if (this.access.size > 10_000) {
      const now = this.clock.now();
      for (const [k, v] of this.access) if (v.expiresAt <= now) this.access.delete(k);
    }
    this.access.set(token, record);
    return { accessToken: token, expiresIn: this.lifetimeSec };
  }
}
