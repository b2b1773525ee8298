import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OPS_ENV, opsConfigSchema, withoutComments } from './config-ops.js';
import { SECURITY_ENV, securityConfigSchema } from './config-security.js';
import { parseTokenCacheKey } from './graph/service-account-cipher.js';
import { describeIssues, insecureUrls } from './validation.js';

/**
 * The only reader of process.env. Sources, later wins: defaults → JSON config file (TPC_CONFIG_FILE) →
 * environment variables. Secrets come from the environment or from files named by *_FILE variables, never
 * from the config file's committed copy. Every problem is listed at once.
 */

const ms = z.coerce.number().int().min(0);
/** true/false, 1/0, yes/no, on/off from the environment; a real boolean from the config file. */
const flag = z.union([z.boolean(), z.stringbool()]);

export const configSchema = z.strictObject({
  /** 'sandbox' starts the built-in emulators with demo data; 'live' talks to the configured services. */
  mode: z.enum(['sandbox', 'live']).default('sandbox'),
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public HTTPS base URL of this connector, used as the Graph notification URL in subscribe mode. */
  publicUrl: z.string().url().optional(),
  dbPath: z.string().min(1).default('data/connector.db'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Admin API key created on first start when no key exists (sandbox prints it). */
  bootstrapAdminKey: z.string().min(16).optional(),
  sync: z
    .strictObject({
      commandTimeoutMs: ms.default(15_000),
      reconcileIntervalMs: ms.default(60_000),
      /** Presence unreadable for longer than this is stale (default 10 minutes). */
      stalePresenceMs: ms.default(600_000),
      releaseOnStale: flag.default(true),
      /** How long after clearing write-back an observation of the written presence is still an echo. */
      echoWindowMs: ms.default(30_000),
      maxPauseMinutes: z.coerce.number().int().min(1).default(480),
    })
    .prefault({}),
  graph: z
    .strictObject({
      tenantId: z.string().min(1).optional(),
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      /** PEM private key + certificate for certificate credentials, instead of a secret. */
      certificatePath: z.string().optional(),
      privateKeyPath: z.string().optional(),
      authorityHost: z.string().url().default('https://login.microsoftonline.com'),
      graphBaseUrl: z.string().url().default('https://graph.microsoft.com'),
      /** PEM file of a CA to trust for the Graph/identity endpoints (the emulator's). */
      caCertPath: z.string().optional(),
      presenceMode: z.enum(['poll', 'subscribe']).default('poll'),
      /** Requests allowed per window by Microsoft for presence (1,500 per 30 s per app per tenant). */
      throttleLimit: z.coerce.number().int().min(1).default(1500),
      throttleWindowMs: ms.default(30_000),
      /** Share of that budget the connector may use. */
      budgetShare: z.coerce.number().gt(0).max(1).default(0.5),
      minPollIntervalMs: ms.default(1_000),
      /** Subscribe mode: period of the full reconcile poll that catches what notifications missed. */
      subscribeReconcileMs: ms.default(5 * 60_000),
      /**
       * Delegated service accounts for subscribe mode, one per 650 users. An administrator signs each in once on
       * the admin page (authorization code + PKCE, MFA allowed); TPC_GRAPH_SERVICE_ACCOUNTS takes a comma list.
       */
      serviceAccounts: z
        .preprocess(
          (v) => (typeof v === 'string' ? v.split(',').map((u) => u.trim()).filter(Boolean).map((username) => ({ username })) : v),
          z.array(z.object({ username: z.string().min(1), password: z.string().min(1).optional() }).strict()),
        )
        .default([]),
      /** 'authorization-code' (default): interactive sign-in, silent renewal. 'password': ROPC, explicit opt-in. */
      serviceAccountAuth: z.enum(['authorization-code', 'password']).default('authorization-code'),
      /** 32-byte key (base64 or hex) encrypting the service accounts' token cache at rest. */
      tokenCacheKey: z.string().min(1).optional(),
      /** Where Microsoft returns the browser after a service-account sign-in (default publicUrl + /auth/graph/callback). */
      redirectUri: z.string().url().optional(),
      matchRefreshMs: ms.default(15 * 60_000),
    })
    .prefault({}),
  webex: z
    .strictObject({
      baseUrl: z.string().url().optional(),
      orgId: z.string().min(1).optional(),
      /** Static access token (cjp:config_read cjp:user; cjp:config_write for webhooks); OAuth below refreshes instead. */
      accessToken: z.string().min(1).optional(),
      /** Identity origin: OAuth token refresh and the People API (agent widget tokens, whom the connector acts as). */
      identityBaseUrl: z.string().url().default('https://webexapis.com'),
      /** OAuth client (integration or Service App) of a supervisor with "Change Agent States" over the synced teams. */
      clientId: z.string().min(1).optional(),
      clientSecret: z.string().min(1).optional(),
      refreshToken: z.string().min(1).optional(),
      /** An administrator's (or Service App's) credential for the Subscriptions API, which supervisors may not use. */
      adminAccessToken: z.string().min(1).optional(),
      adminRefreshToken: z.string().min(1).optional(),
      /** Requests per minute per client id (Webex default 300, raisable through Cisco); every call shares it. */
      budgetPerMinute: z.coerce.number().int().min(1).max(100_000).default(300),
      /** Key signing the connector's command ids (ownership survives a lost database); default derived from org and client. */
      commandKey: z.string().min(16).optional(),
      /** 'webhook' (Subscriptions API, the documented org-wide feed) or 'websocket' (the subscribing user's own events). */
      events: z.enum(['websocket', 'webhook']).default('webhook'),
      /** Webhook signing secret: Webex requires 32–256 characters. */
      webhookSecret: z.string().min(32).max(256).optional(),
    })
    .prefault({}),
  ops: opsConfigSchema,
  security: securityConfigSchema,
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Environment variable → config path. Values are strings; the schema coerces. */
export const ENV_MAP: Record<string, string> = {
  ...OPS_ENV,
  ...SECURITY_ENV,
  TPC_MODE: 'mode',
  TPC_HOST: 'host',
  PORT: 'port',
  TPC_PORT: 'port',
  TPC_PUBLIC_URL: 'publicUrl',
  TPC_DB_PATH: 'dbPath',
  TPC_LOG_LEVEL: 'logLevel',
  TPC_BOOTSTRAP_ADMIN_KEY: 'bootstrapAdminKey',
  TPC_COMMAND_TIMEOUT_MS: 'sync.commandTimeoutMs',
  TPC_RECONCILE_INTERVAL_MS: 'sync.reconcileIntervalMs',
  TPC_STALE_PRESENCE_MS: 'sync.stalePresenceMs',
  TPC_RELEASE_ON_STALE: 'sync.releaseOnStale',
  TPC_ECHO_WINDOW_MS: 'sync.echoWindowMs',
  TPC_GRAPH_TENANT_ID: 'graph.tenantId',
  TPC_GRAPH_CLIENT_ID: 'graph.clientId',
  TPC_GRAPH_CLIENT_SECRET: 'graph.clientSecret',
  TPC_GRAPH_CERTIFICATE_PATH: 'graph.certificatePath',
  TPC_GRAPH_PRIVATE_KEY_PATH: 'graph.privateKeyPath',
  TPC_GRAPH_AUTHORITY_HOST: 'graph.authorityHost',
  TPC_GRAPH_BASE_URL: 'graph.graphBaseUrl',
  TPC_GRAPH_CA_CERT_PATH: 'graph.caCertPath',
  TPC_GRAPH_PRESENCE_MODE: 'graph.presenceMode',
  TPC_GRAPH_BUDGET_SHARE: 'graph.budgetShare',
  TPC_GRAPH_THROTTLE_LIMIT: 'graph.throttleLimit',
  TPC_GRAPH_SUBSCRIBE_RECONCILE_MS: 'graph.subscribeReconcileMs',
  TPC_GRAPH_SERVICE_ACCOUNTS: 'graph.serviceAccounts',
  TPC_GRAPH_SERVICE_ACCOUNT_AUTH: 'graph.serviceAccountAuth',
  TPC_GRAPH_TOKEN_CACHE_KEY: 'graph.tokenCacheKey',
  TPC_GRAPH_REDIRECT_URI: 'graph.redirectUri',
  TPC_WEBEX_BASE_URL: 'webex.baseUrl',
  TPC_WEBEX_ORG_ID: 'webex.orgId',
  TPC_WEBEX_ACCESS_TOKEN: 'webex.accessToken',
  TPC_WEBEX_EVENTS: 'webex.events',
  TPC_WEBEX_WEBHOOK_SECRET: 'webex.webhookSecret',
  TPC_WEBEX_IDENTITY_BASE_URL: 'webex.identityBaseUrl',
  TPC_WEBEX_CLIENT_ID: 'webex.clientId',
  TPC_WEBEX_CLIENT_SECRET: 'webex.clientSecret',
  TPC_WEBEX_REFRESH_TOKEN: 'webex.refreshToken',
  TPC_WEBEX_ADMIN_ACCESS_TOKEN: 'webex.adminAccessToken',
  TPC_WEBEX_ADMIN_REFRESH_TOKEN: 'webex.adminRefreshToken',
  TPC_WEBEX_BUDGET_PER_MINUTE: 'webex.budgetPerMinute',
  TPC_WEBEX_COMMAND_KEY: 'webex.commandKey',
};

/** Secrets may also come from files: TPC_GRAPH_CLIENT_SECRET_FILE=/run/secrets/graph. */
const SECRET_FILE_VARS = ['TPC_METRICS_TOKEN', 'TPC_GRAPH_CLIENT_SECRET', 'TPC_GRAPH_TOKEN_CACHE_KEY', 'TPC_WEBEX_ACCESS_TOKEN', 'TPC_WEBEX_WEBHOOK_SECRET', 'TPC_WEBEX_CLIENT_SECRET', 'TPC_WEBEX_REFRESH_TOKEN', 'TPC_WEBEX_ADMIN_ACCESS_TOKEN', 'TPC_WEBEX_ADMIN_REFRESH_TOKEN', 'TPC_WEBEX_COMMAND_KEY', 'TPC_BOOTSTRAP_ADMIN_KEY'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Record<string, unknown> = {}): Config {
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  const file = env.TPC_CONFIG_FILE;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(withoutComments(readFileSync(file, 'utf8')));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push(`TPC_CONFIG_FILE (${file}): must hold a JSON object`);
      else raw = parsed as Record<string, unknown>;
    } catch (err) {
      // V8's JSON syntax errors quote the text around the fault, which may be a secret: report the position only.
      const message = err instanceof SyntaxError ? jsonProblem(err) : (err as Error).message;
      problems.push(`TPC_CONFIG_FILE (${file}): ${message}`);
    }
  }
  for (const [name, path] of Object.entries(ENV_MAP)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, value);
  }
  for (const name of SECRET_FILE_VARS) {
    const secretFile = env[`${name}_FILE`];
    if (!secretFile) continue;
    try {
      setPath(raw, ENV_MAP[name]!, readFileSync(secretFile, 'utf8').trim());
    } catch (err) {
      problems.push(`${name}_FILE (${secretFile}): ${(err as Error).message}`);
    }
  }
  for (const [path, value] of Object.entries(overrides)) setPath(raw, path, value);

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    // Name the variable that was actually set (PORT and TPC_PORT share a path; a secret may come from *_FILE).
    const setName = (k: string): string | undefined => (env[k] ? k : env[`${k}_FILE`] ? `${k}_FILE` : undefined);
    const envByPath: Record<string, string> = {};
    for (const [k, v] of Object.entries(ENV_MAP)) if (setName(k) || !envByPath[v] || !env[envByPath[v]!]) envByPath[v] = setName(k) ?? k;
    for (const issue of result.error.issues) {
      // An unknown key is named by its full path (a typo in the config file must not be silently ignored).
      if (issue.code !== 'unrecognized_keys') continue;
      const at = issue.path.map(String).join('.');
      for (const key of issue.keys) problems.push(`${at ? `${at}.` : ''}${key}: unknown setting (see the README's configuration table)`);
    }
    for (const p of describeIssues(result.error)) {
      if (/^Unrecognized keys?:/.test(p.message)) continue;
      problems.push(`${p.field}${envByPath[p.field] ? ` (${envByPath[p.field]})` : ''}: ${p.message}`);
    }
  }
  if (result.success) problems.push(...serviceAccountProblems(result.data.graph), ...insecureUrls(result.data));
  // Required settings are listed with every other problem, even when some value is also malformed.
  const candidate = (result.success ? result.data : raw) as Config;
  if (candidate.mode === 'live') problems.push(...liveModeMissing(candidate));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const config = result.data;
  return deepFreeze(config);
}

/** Passwords only with the explicit ROPC opt-in; a usable token cache key whenever one is given. */
function serviceAccountProblems(graph: z.infer<typeof configSchema>['graph']): string[] {
  const out: string[] = [];
  graph.serviceAccounts.forEach((a, i) => {
    if (graph.serviceAccountAuth === 'password' && !a.password) out.push(`graph.serviceAccounts[${i}].password: required with graph.serviceAccountAuth=password`);
    if (graph.serviceAccountAuth === 'authorization-code' && a.password) {
      out.push(`graph.serviceAccounts[${i}].password: passwords are used only with graph.serviceAccountAuth=password (ROPC, which Microsoft refuses under MFA); sign the account in on the admin page instead`);
    }
  });
  if (graph.tokenCacheKey !== undefined) {
    try {
      parseTokenCacheKey(graph.tokenCacheKey);
    } catch (err) {
      out.push(`graph.tokenCacheKey (TPC_GRAPH_TOKEN_CACHE_KEY): ${(err as Error).message.replace(/^graph\.tokenCacheKey /, '')}`);
    }
  }
  return out;
}

/** What live mode (and subscribe mode, webhook events) still needs; works on the parsed config or the raw input. */
function liveModeMissing(config: Config): string[] {
  const graph = config.graph ?? ({} as Config['graph']);
  const webex = config.webex ?? ({} as Config['webex']);
  // The raw input has no defaults and may hold the service accounts as the environment's comma list.
  const accounts: unknown = graph.serviceAccounts;
  const serviceAccounts = Array.isArray(accounts) ? accounts : typeof accounts === 'string' && accounts.trim() ? [{ username: accounts }] : [];
  config = {
    ...config,
    graph: { ...graph, serviceAccounts, presenceMode: graph.presenceMode ?? 'poll', serviceAccountAuth: graph.serviceAccountAuth ?? 'authorization-code' },
    webex: { ...webex, events: webex.events ?? 'websocket' },
  };
  const need: [unknown, string][] = [
    [config.graph.tenantId, 'graph.tenantId (TPC_GRAPH_TENANT_ID)'],
    [config.graph.clientId, 'graph.clientId (TPC_GRAPH_CLIENT_ID)'],
    [config.graph.clientSecret ?? config.graph.certificatePath, 'graph.clientSecret or graph.certificatePath'],
    [config.webex.baseUrl, 'webex.baseUrl (TPC_WEBEX_BASE_URL)'],
    [config.webex.orgId, 'webex.orgId (TPC_WEBEX_ORG_ID)'],
    [
      config.webex.accessToken ?? (config.webex.clientId && config.webex.clientSecret && config.webex.refreshToken),
      'webex.accessToken (TPC_WEBEX_ACCESS_TOKEN), or webex.clientId, clientSecret and refreshToken',
    ],
  ];
  const missing = need.filter(([v]) => !v).map(([, name]) => `${name}: required in live mode`);
  if (config.graph.presenceMode === 'subscribe' && !config.publicUrl) missing.push('publicUrl (TPC_PUBLIC_URL): required for subscribe mode');
  if (config.webex.events === 'webhook' && !config.publicUrl) missing.push('publicUrl (TPC_PUBLIC_URL): required for Webex webhooks (webex.events)');
  if (config.webex.events === 'webhook' && !config.webex.webhookSecret) missing.push('webex.webhookSecret (TPC_WEBEX_WEBHOOK_SECRET): required for Webex webhooks (32–256 characters)');
  if (config.graph.presenceMode === 'subscribe' && config.graph.serviceAccounts.length === 0) missing.push('graph.serviceAccounts (TPC_GRAPH_SERVICE_ACCOUNTS): required for subscribe mode');
  if (config.graph.serviceAccountAuth === 'authorization-code' && config.graph.serviceAccounts.length > 0 && !config.graph.tokenCacheKey) {
    missing.push('graph.tokenCacheKey (TPC_GRAPH_TOKEN_CACHE_KEY or _FILE): required to keep signed-in service accounts');
  }
  return missing;
}

function jsonProblem(err: SyntaxError): string {
  const at = /position (\d+)/.exec(err.message);
  return `not valid JSON${at ? ` (error at position ${at[1]})` : ''}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
