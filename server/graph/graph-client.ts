import { createHash, X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel, type AuthenticationResult, type Configuration } from '@azure/msal-node';
import { AuthenticationHandler, Client, TelemetryHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import type { TokenCacheStore } from '../store/token-cache-store.js';
import { createHttpsTransport, HttpsMessageHandler, msalNetworkModule, type HttpsTransport } from './https-transport.js';
import { ServiceAccountAuth } from './service-account-auth.js';
import type { TokenCacheCipher } from './service-account-cipher.js';

/**
 * Identity (msal-node confidential client) and the Graph client, wired once. The real Microsoft endpoints are
 * the defaults; the emulator differs only by `authorityHost`, `graphBaseUrl` and a trusted CA.
 */

/** The Graph resource is named by this URI whatever host serves it. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const MICROSOFT_AUTHORITY_HOSTS = new Set(['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn']);

export interface GraphCertificateCredential {
  certificatePem: string;
  privateKeyPem: string;
}

export interface GraphClientOptions {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificate?: GraphCertificateCredential;
  authorityHost: string;
  graphBaseUrl: string;
  caCertPem?: string;
  clock: Clock;
  logger: Logger;
  /** Service accounts signed in interactively: their encrypted token cache and the redirect URI. */
  serviceAccounts?: { store: TokenCacheStore; cipher: TokenCacheCipher; usernames: readonly string[]; redirectUri: string | undefined };
}

/**
 * A delegated service account. Without a password its tokens come from the interactive sign-in's token cache
 * (silent renewal); with one, from the password grant (ROPC), which the configuration allows only when
 * graph.serviceAccountAuth is 'password' — Microsoft refuses ROPC under MFA and conditional access.
 */
export interface ServiceAccount {
  username: string;
  password?: string;
}

export interface GraphConnection {
  readonly tenantId: string;
  readonly clientId: string;
  readonly authorityHost: string;
  /** App-only client (client credentials). */
  readonly app: Client;
  /** Client acting as a delegated service account; one per username, cached. */
  delegated(account: ServiceAccount): Client;
  /** Interactive sign-in and silent renewal of service accounts; null when not configured. */
  readonly serviceAccountAuth: ServiceAccountAuth | null;
  appToken(): Promise<string>;
  delegatedToken(account: ServiceAccount): Promise<string>;
  /** When the app token in use was obtained from the token endpoint (not the cache), or null. */
  tokenAcquiredAt(): number | null;
  tokenExpiresAt(): number | null;
  close(): void;
}

export function sha256Thumbprint(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256.replace(/:/g, '').toLowerCase();
}

export function createGraphConnection(options: GraphClientOptions): GraphConnection {
  const { clock, logger } = options;
  const transport: HttpsTransport = createHttpsTransport({ caCertPem: options.caCertPem });
  const authorityHost = options.authorityHost.replace(/\/+$/, '');
  const authorityUrl = new URL(authorityHost);
  const graphUrl = new URL(options.graphBaseUrl);

  const msalLog = logger.child({ component: 'msal' });
  const msalConfig: Configuration = {
    auth: {
      clientId: options.clientId,
      authority: `${authorityHost}/${options.tenantId}`,
      // Outside Microsoft's clouds msal would ask login.microsoftonline.com for instance metadata; naming the
      // host as known makes it read the authority's own OpenID configuration instead.
      ...(MICROSOFT_AUTHORITY_HOSTS.has(authorityUrl.hostname) ? {} : { knownAuthorities: [authorityUrl.host] }),
      ...(options.certificate
        ? { clientCertificate: { thumbprintSha256: sha256Thumbprint(options.certificate.certificatePem), privateKey: options.certificate.privateKeyPem } }
        : { clientSecret: options.clientSecret }),
    },
    system: {
      networkClient: msalNetworkModule(transport),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (level <= LogLevel.Warning) msalLog.warn(message);
        },
      },
    },
  };
  const cca = new ConfidentialClientApplication(msalConfig);
  const serviceAccountAuth = options.serviceAccounts
    ? new ServiceAccountAuth({ msal: msalConfig, ...options.serviceAccounts, clock, logger: logger.child({ component: 'graph-service-accounts' }) })
    : null;

  let acquiredAt: number | null = null;
  let expiresAt: number | null = null;

  // msal can return a result with an empty access token (a token endpoint answering 404 with `{}`); treat
  // that as a failure rather than sending "Bearer " to Graph.
  const checked = (result: AuthenticationResult | null, what: string): AuthenticationResult => {
    if (!result || !result.accessToken) throw new Error(`${what}: the token endpoint returned no access token`);
    return result;
  };

  // A 401 from Graph means the cached token was revoked before its expiry: the next call fetches a new one.
  let refreshApp = false;
  const appToken = async (): Promise<string> => {
    const skipCache = refreshApp;
    refreshApp = false;
    const result = checked(await cca.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], skipCache }), 'app token');
    if (!result.fromCache || acquiredAt === null) acquiredAt = clock.now();
    expiresAt = result.expiresOn ? result.expiresOn.getTime() : null;
    return result.accessToken;
  };

  const delegatedCache = new Map<string, { token: string; expiresAt: number } | Promise<string>>();
  const delegatedToken = async (account: ServiceAccount): Promise<string> => {
    if (account.password === undefined) {
      if (!serviceAccountAuth) throw new Error(`service account ${account.username} has no password and no token cache is configured`);
      return (await serviceAccountAuth.token(account.username)).accessToken;
    }
    const password = account.password;
    // Keyed by username and a digest of the password, so a changed password never reuses an old token.
    const key = `${account.username}\u0000${createHash('sha256').update(password).digest('base64')}`;
    const cached = delegatedCache.get(key);
    if (cached instanceof Promise) return cached;
    // Renew five minutes early, as msal does for cached tokens, so a call never leaves with a dying token.
    if (cached && cached.expiresAt - 300_000 > clock.now()) return cached.token;
    const pending = (async () => {
      try {
        const result = checked(
          await cca.acquireTokenByUsernamePassword({ scopes: [GRAPH_SCOPE], username: account.username, password }),
          `delegated token for ${account.username}`,
        );
        const exp = result.expiresOn ? result.expiresOn.getTime() : clock.now() + 3_600_000;
        delegatedCache.set(key, { token: result.accessToken, expiresAt: exp });
        return result.accessToken;
      } catch (err) {
        delegatedCache.delete(key);
        throw err;
      }
    })();
    delegatedCache.set(key, pending);
    return pending;
  };

  const makeClient = (getAccessToken: () => Promise<string>, onUnauthorized: () => void): Client => {
    // No RetryHandler in the chain: every caller handles 429/5xx itself. The poller must count each HTTP
    // call against the throttling budget and pause everything on Retry-After; hidden retries inside the
    // client would spend budget the limiter never saw.
    const chain: Middleware[] = [
      new AuthenticationHandler({ getAccessToken }),
      new TelemetryHandler(),
      new UnauthorizedWatch(onUnauthorized),
      new HttpsMessageHandler(transport),
    ];
    return Client.initWithMiddleware({
      middleware: chain,
      baseUrl: `${graphUrl.origin}${graphUrl.pathname.replace(/\/+$/, '')}/`,
      defaultVersion: 'v1.0',
      // The auth handler attaches tokens only to Graph's own hosts and these; https only.
      customHosts: new Set([graphUrl.hostname]),
    });
  };

  const app = makeClient(appToken, () => {
    refreshApp = true;
  });
  const delegatedClients = new Map<string, Client>();

  return {
    tenantId: options.tenantId,
    clientId: options.clientId,
    authorityHost,
    app,
    delegated(account) {
      let client = delegatedClients.get(account.username);
      if (!client) {
        client = makeClient(
          () => delegatedToken(account),
          () => {
            for (const key of delegatedCache.keys()) if (key.startsWith(`${account.username}\u0000`)) delegatedCache.delete(key);
            serviceAccountAuth?.invalidate(account.username);
          },
        );
        delegatedClients.set(account.username, client);
      }
      return client;
    },
    serviceAccountAuth,
    appToken,
    delegatedToken,
    tokenAcquiredAt: () => acquiredAt,
    tokenExpiresAt: () => expiresAt,
    close() {
      transport.close();
    },
  };
}

/** Tells the token source when Graph refused a token, so the next request does not reuse it. */
class UnauthorizedWatch implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly onUnauthorized: () => void) {}
  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    if (context.response?.status === 401) this.onUnauthorized();
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}
