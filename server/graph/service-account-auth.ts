import { randomBytes } from 'node:crypto';
import {
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  ServerError,
  type AccountInfo,
  type Configuration,
  type ICachePlugin,
  type TokenCacheContext,
} from '@azure/msal-node';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import type { ServiceAccountRecord, TokenCacheStore } from '../store/token-cache-store.js';
import { TokenCacheKeyError, type TokenCacheCipher } from './service-account-cipher.js';
import type { ServiceAccountSignIn, ServiceAccountStatusView, SignInCallbackQuery, SignInOutcome } from './service-account-port.js';

/**
 * Delegated service accounts signed in once by an administrator through the authorization-code flow with PKCE
 * (msal-node `getAuthCodeUrl` → Microsoft's sign-in page, with MFA → redirect back → `acquireTokenByCode`),
 * then renewed silently (`acquireTokenSilent`, which redeems the refresh token). msal's token cache lives in
 * SQLite, encrypted (ICachePlugin over TokenCacheStore). A renewal the identity platform refuses marks the
 * account "sign-in required", which the admin page shows; network errors and 5xx leave the state alone.
 */

/** Delegated permission a presence subscription needs (Graph: Presence.Read.All, delegated). */
export const SERVICE_ACCOUNT_SCOPES = ['https://graph.microsoft.com/Presence.Read.All'];
const PENDING_SIGN_IN_MS = 10 * 60_000;

export class SignInRequiredError extends Error {
  constructor(readonly username: string, detail: string) {
    super(`service account ${username} needs a new sign-in on the admin page: ${detail}`);
    this.name = 'SignInRequiredError';
  }
}

export type ServiceAccountStatus = ServiceAccountStatusView;

export interface ServiceAccountAuthOptions {
  /** The confidential client's configuration (authority, credential, network); the cache plugin is added here. */
  msal: Configuration;
  store: TokenCacheStore;
  cipher: TokenCacheCipher;
  /** Usernames configured for subscribe mode (graph.serviceAccounts). */
  usernames: readonly string[];
  /** Where Microsoft sends the browser back (GET /auth/graph/callback on this connector). */
  redirectUri: string | undefined;
  clock: Clock;
  logger: Logger;
}

/** The first line of an identity-platform error, without trace ids and timestamps. */
export function shortError(err: unknown): string {
  const e = err as { errorCode?: string; errorMessage?: string; message?: string };
  const text = (e.errorMessage || e.message || String(err)).split(/\r?\n| Trace ID:/)[0]!.trim();
  return e.errorCode && !text.startsWith(e.errorCode) ? `${e.errorCode}: ${text}` : text;
}

export class ServiceAccountAuth implements ServiceAccountSignIn {
  private readonly cca: ConfidentialClientApplication;
  private readonly pending = new Map<string, { username: string; verifier: string; expiresAt: number; returnTo: string | null }>();
  private readonly forceRefresh = new Set<string>();
  private readonly inflight = new Map<string, Promise<{ accessToken: string; expiresAt: number }>>();
  private readonly listeners: ((username: string) => void)[] = [];
  private unreadable: string | null = null;

  constructor(private readonly o: ServiceAccountAuthOptions) {
    const plugin: ICachePlugin = {
      beforeCacheAccess: async (ctx: TokenCacheContext) => this.load(ctx),
      afterCacheAccess: async (ctx: TokenCacheContext) => {
        if (ctx.cacheHasChanged) o.store.writeCache(o.cipher.seal(ctx.tokenCache.serialize()), o.clock.now());
      },
    };
    this.cca = new ConfidentialClientApplication({ ...o.msal, cache: { cachePlugin: plugin } });
  }

  get redirectUri(): string | undefined {
    return this.o.redirectUri;
  }

  /** Called after a successful sign-in (subscriptions waiting for the account can retry at once). */
  onSignedIn(listener: (username: string) => void): void {
    this.listeners.push(listener);
  }

  private load(ctx: TokenCacheContext): void {
    const blob = this.o.store.readCache();
    if (!blob) return;
    try {
      ctx.tokenCache.deserialize(this.o.cipher.open(blob));
      this.unreadable = null;
    } catch (err) {
      // Keep the row (the old key may come back); run on an empty cache and ask for new sign-ins.
      if (!(err instanceof TokenCacheKeyError)) throw err;
      if (this.unreadable === null) this.o.logger.error({ error: err.message }, 'Graph token cache unreadable');
      this.unreadable = err.message;
    }
  }

  private configured(username: string): string {
    const match = this.o.usernames.find((u) => u.toLowerCase() === username.toLowerCase());
    if (!match) throw new AppError('not_found', `'${username}' is not a configured service account (graph.serviceAccounts)`, 'username');
    return match;
  }

  status(): ServiceAccountStatus[] {
    const records = new Map<string, ServiceAccountRecord>(this.o.store.accounts().map((r) => [r.username.toLowerCase(), r]));
    return this.o.usernames.map((username) => {
      const r = records.get(username.toLowerCase());
      if (!r) return { username, state: 'never-signed-in', detail: null, signedInAt: null, renewedAt: null };
      const unreadable = r.state === 'signed-in' && this.unreadable !== null;
      return {
        username,
        state: unreadable ? 'sign-in-required' : r.state,
        detail: unreadable ? this.unreadable : r.detail,
        signedInAt: r.signedInAt,
        renewedAt: r.renewedAt,
      };
    });
  }

  /** Step 1: the URL of Microsoft's sign-in page for `username`, with a PKCE challenge and a one-time state. */
  async beginSignIn(username: string, returnTo?: string): Promise<{ username: string; authorizeUrl: string; expiresAt: number }> {
    const account = this.configured(username);
    if (returnTo !== undefined && !/^https?:\/\//i.test(returnTo)) throw new AppError('invalid', 'returnTo must be an http(s) URL', 'returnTo');
    const redirectUri = this.o.redirectUri;
    if (!redirectUri) throw new AppError('invalid', 'graph.redirectUri (or publicUrl) must be configured to sign service accounts in', 'graph.redirectUri');
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const now = this.o.clock.now();
    for (const [k, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(k);
    const state = randomBytes(32).toString('base64url');
    const expiresAt = now + PENDING_SIGN_IN_MS;
    this.pending.set(state, { username: account, verifier, expiresAt, returnTo: returnTo ?? null });
    const authorizeUrl = await this.cca.getAuthCodeUrl({
      scopes: SERVICE_ACCOUNT_SCOPES,
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state,
      loginHint: account,
      prompt: 'login',
      responseMode: 'query',
    });
    return { username: account, authorizeUrl, expiresAt };
  }

  /**
   * Step 2, on the redirect back: redeems the code with the PKCE verifier. The state is single-use; the account
   * that signed in must be the one the sign-in was started for. A failure never changes a working sign-in.
   */
  async completeSignIn(query: SignInCallbackQuery): Promise<SignInOutcome> {
    const pending = query.state ? this.pending.get(query.state) : undefined;
    if (!pending || pending.expiresAt <= this.o.clock.now()) {
      return { ok: false, username: null, message: 'this sign-in is unknown or expired: start it again from the admin page', returnTo: null };
    }
    this.pending.delete(query.state!);
    const { username, returnTo } = pending;
    const fail = (message: string): SignInOutcome => {
      this.o.logger.warn({ account: username, error: message }, 'Graph service account sign-in failed');
      return { ok: false, username, message: `sign-in of ${username} failed: ${message}`, returnTo };
    };
    if (query.error) return fail(shortError({ errorCode: query.error, errorMessage: query.error_description ?? '' }));
    if (!query.code) return fail('the identity platform returned no authorization code');
    let result;
    try {
      result = await this.cca.acquireTokenByCode({ code: query.code, scopes: SERVICE_ACCOUNT_SCOPES, redirectUri: this.o.redirectUri!, codeVerifier: pending.verifier });
    } catch (err) {
      return fail(shortError(err));
    }
    const account = result.account;
    if (!account || account.username.toLowerCase() !== username.toLowerCase()) {
      // Drop what that sign-in cached, unless it is another service account's own working sign-in.
      const other = account ? this.o.store.account(account.username) : null;
      if (account && !(other?.state === 'signed-in' && other.homeAccountId === account.homeAccountId)) await this.cca.getTokenCache().removeAccount(account);
      return fail(`signed in as ${account?.username ?? 'nobody'}; sign in with ${username} itself`);
    }
    this.o.store.markSignedIn(username, account.homeAccountId, this.o.clock.now());
    this.forceRefresh.delete(username.toLowerCase());
    this.o.logger.info({ account: username }, 'Graph service account signed in');
    for (const l of this.listeners) l(username);
    return { ok: true, username, returnTo };
  }

  /** Removes the account's tokens (cache and state); it must be signed in again before use. */
  async signOut(username: string): Promise<void> {
    const name = this.configured(username);
    const record = this.o.store.account(name);
    const account = record?.homeAccountId ? await this.cca.getTokenCache().getAccountByHomeId(record.homeAccountId) : null;
    if (account) await this.cca.getTokenCache().removeAccount(account);
    this.o.store.forget(name);
  }

  /** After Graph answered 401 with this account's token: the next call renews it instead of reusing it. */
  invalidate(username: string): void {
    this.forceRefresh.add(username.toLowerCase());
  }

  /**
   * A delegated access token for the account, from the cache or renewed silently with its refresh token. Calls
   * for one account share a renewal in flight, so a refresh token is never redeemed twice at once.
   */
  token(username: string): Promise<{ accessToken: string; expiresAt: number }> {
    const key = username.toLowerCase();
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.acquire(username).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async acquire(username: string): Promise<{ accessToken: string; expiresAt: number }> {
    const now = this.o.clock.now();
    const record = this.o.store.account(username);
    if (!record) throw new SignInRequiredError(username, 'it was never signed in');
    if (record.state !== 'signed-in') throw new SignInRequiredError(username, record.detail ?? 'the last renewal failed');
    const account: AccountInfo | null = record.homeAccountId ? await this.cca.getTokenCache().getAccountByHomeId(record.homeAccountId) : null;
    if (!account) {
      const detail = this.unreadable ?? 'its tokens are no longer in the token cache';
      this.o.store.markSignInRequired(record.username, detail, now);
      throw new SignInRequiredError(username, detail);
    }
    const key = username.toLowerCase();
    const force = this.forceRefresh.delete(key);
    try {
      const result = await this.cca.acquireTokenSilent({ account, scopes: SERVICE_ACCOUNT_SCOPES, forceRefresh: force });
      if (!result?.accessToken) throw new Error(`token for ${username}: the token endpoint returned no access token`);
      if (!result.fromCache) this.o.store.markRenewed(record.username, this.o.clock.now());
      return { accessToken: result.accessToken, expiresAt: result.expiresOn ? result.expiresOn.getTime() : now + 3_600_000 };
    } catch (err) {
      if (err instanceof InteractionRequiredAuthError || (err instanceof ServerError && err.errorCode === 'invalid_grant')) {
        const detail = `renewal refused: ${shortError(err)}`;
        this.o.store.markSignInRequired(record.username, detail, this.o.clock.now());
        this.o.logger.warn({ account: username, error: detail }, 'Graph service account needs a new sign-in');
        throw new SignInRequiredError(username, detail);
      }
      if (force) this.forceRefresh.add(key);
      throw err;
    }
  }
}
