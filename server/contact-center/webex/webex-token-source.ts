import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../ports.js';

/**
 * The bearer token the connector acts with. Webex OAuth access tokens are temporary: an integration (or a
 * Service App) gets a new one from the identity origin with its refresh token, `POST {identity}/v1/access_token`
 * (`grant_type=refresh_token`, `client_id`, `client_secret`, `refresh_token`, form-encoded), answered
 * `{access_token, expires_in, refresh_token, refresh_token_expires_in}`
 * (https://developer.webex.com/docs/integrations, "Using the Refresh Token").
 *
 * The token is refreshed before it expires (at 80 % of its life, at least a minute early) and after a 401.
 * Concurrent callers share one refresh. A static token (no OAuth client configured) is used as given.
 */

export interface TokenSource {
  /** A token valid now (refreshing first when it is about to expire). */
  token(): Promise<string>;
  /** The given token was refused: get a new one (shared with concurrent callers). */
  refresh(refused?: string): Promise<string>;
  readonly canRefresh: boolean;
  info(): TokenInfo;
}

export interface TokenInfo {
  kind: 'static' | 'oauth';
  /** When the current access token expires (ms epoch), when known. */
  expiresAt: number | null;
  refreshedAt: number | null;
  lastError: string | null;
}

export function staticToken(token: string): TokenSource {
  if (!token) throw new AppError('invalid', 'a Webex access token is required', 'webex.accessToken');
  return {
    token: () => Promise.resolve(token),
    refresh: () => Promise.resolve(token),
    canRefresh: false,
    info: () => ({ kind: 'static', expiresAt: null, refreshedAt: null, lastError: null }),
  };
}

export interface OAuthOptions {
  /** Identity origin, default https://webexapis.com. */
  identityBaseUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** A current access token, if one was configured, used until the first refresh. */
  accessToken?: string;
  clock: Clock;
  logger: Logger;
  timeoutMs?: number;
  /** Told about a rotated refresh token so it can be kept. */
  onRefreshToken?: (refreshToken: string) => void;
}

export class OAuthTokenSource implements TokenSource {
  readonly canRefresh = true;
  private current: string | null;
  private expiresAt: number | null = null;
  private refreshAt = 0;
  private refreshedAt: number | null = null;
  private lastError: string | null = null;
  private refreshToken: string;
  private inFlight: Promise<string> | null = null;

  constructor(private readonly o: OAuthOptions) {
    this.current = o.accessToken ?? null;
    this.refreshToken = o.refreshToken;
  }

  async token(): Promise<string> {
    if (this.current && this.o.clock.now() < this.refreshAt) return this.current;
    if (this.current && this.expiresAt === null && this.refreshedAt === null) return this.current;
    return this.refresh();
  }

  refresh(refused?: string): Promise<string> {
    // Someone else already replaced the refused token.
    if (refused && this.current && refused !== this.current) return Promise.resolve(this.current);
    this.inFlight ??= this.grant().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  info(): TokenInfo {
    return { kind: 'oauth', expiresAt: this.expiresAt, refreshedAt: this.refreshedAt, lastError: this.lastError };
  }

  private async grant(): Promise<string> {
    const url = `${this.o.identityBaseUrl.replace(/\/+$/, '')}/v1/access_token`;
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.o.clientId,
      client_secret: this.o.clientSecret,
      refresh_token: this.refreshToken,
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw this.fail(new AppError('unavailable', `Webex token refresh failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : 'network error'}`));
    }
    const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok || !json || typeof json.access_token !== 'string' || !json.access_token) {
      const reason = json && typeof json.message === 'string' ? `: ${json.message.slice(0, 200)}` : '';
      const code = res.status === 400 || res.status === 401 ? 'upstream' : 'unavailable';
      throw this.fail(new AppError(code, `Webex token refresh was refused (${res.status})${reason}; check the OAuth client and refresh token`));
    }
    const now = this.o.clock.now();
    const lifeMs = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in * 1000 : 12 * 3_600_000;
    this.current = json.access_token;
    this.expiresAt = now + lifeMs;
    this.refreshAt = now + Math.min(lifeMs * 0.8, Math.max(0, lifeMs - 60_000));
    this.refreshedAt = now;
    this.lastError = null;
    if (typeof json.refresh_token === 'string' && json.refresh_token && json.refresh_token !== this.refreshToken) {
      this.refreshToken = json.refresh_token;
      this.o.onRefreshToken?.(json.refresh_token);
    }
    this.o.logger.info({ expiresInSec: Math.round(lifeMs / 1000) }, 'webex access token refreshed');
    return this.current;
  }

  private fail(err: AppError): AppError {
    this.lastError = err.message;
    this.o.logger.warn({ reason: err.message }, 'webex token refresh failed');
    return err;
  }
}
