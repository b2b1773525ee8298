/**
 * Loopback emulator of the Webex Contact Center APIs the presence connector uses, on two origins like the real
 * service: the contact-center host (configuration, agent session commands answered 202 with results on the
 * notification WebSocket, Subscriptions API and webhooks, activities, plus the `/_emulator/` control surface)
 * and the identity host (People API, OAuth token endpoint). Both bind 127.0.0.1. Defaults are the documented
 * behaviour; undocumented conveniences are `inventions`, off by default. See README.md in this folder.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClock } from '../kit/clock.js';
import { FaultInjector } from '../kit/faults.js';
import { RateLimiter } from '../kit/rate-limit.js';
import { Router } from '../kit/router.js';
import { registerActivityRoutes } from './activity-routes.js';
import { AgentRegistry } from './agent-registry.js';
import { registerAgentRoutes } from './agent-routes.js';
import { registerConfigRoutes } from './config-routes.js';
import { ContactSimulator } from './contact-simulator.js';
import { registerControlRoutes } from './control-routes.js';
import { EventHub } from './event-hub.js';
import { type Ctx, ccErrorBody, platformErrorBody, type RouteMeta } from './http-kit.js';
import { type IdMeta, type IdPrincipal, OAuthServer, peopleMe, registerIdentityRoutes, type OAuthClient, type ServiceApp } from './identity-routes.js';
import { registerNotificationRoutes } from './notification-routes.js';
import { ACCESS_TOKEN_LIFETIME_SEC, DEFAULT_RATE_LIMIT_PER_MINUTE, REFRESH_TOKEN_LIFETIME_SEC, type WebexEmulatorOptions, type WebexInventions } from './options.js';
import { buildAuxCodes, DEFAULT_ORG_ID, demoAgents, type SeedAgent } from './seed-data.js';
import { StateEngine } from './state-engine.js';
import { EmulatorStats } from './stats.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';
import { ADMIN_USER, type Principal, ROLE_SCOPES, SUPERVISOR_USER, TEAM_LEAD_USER, TokenBook, type User } from './token-book.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

export { demoAgents, type SeedAgent, type WebexEmulatorOptions, type WebexInventions };

export interface WebexEmulator {
  /** Contact-center host, 'http://127.0.0.1:<port>'. */
  url: string;
  /** Identity host (People API, OAuth), a different origin. */
  identityUrl: string;
  orgId: string;
  /** Administrator token (the connector's integration user): may change only its own agent state by default. */
  integrationToken: string;
  /** Token of "Sam Supervisor", who supervises every team. */
  supervisorToken: string;
  /** Each agent's own desktop token. */
  agentToken(agentId: string): string;
  /** A fresh token (role scopes, integration client) for any known user id: agent, supervisor or administrator. */
  tokenFor(userId: string): string;
  /** The registered OAuth integration and Service App. */
  oauthClient: OAuthClient;
  serviceApp: ServiceApp;
  /** An authorization code as the consent redirect would carry it. */
  authorizationCode(userId: string, scope?: string): string;
  agents(): { id: string; ccUserId: string; name: string; email: string; teamId: string; teamName: string }[];
  /** Administrator and supervisors (with the teams they manage). */
  staff(): User[];
  idleCodes(): { id: string; name: string; isSystemCode: boolean; active: boolean; defaultCode: boolean }[];
  inventions: Readonly<WebexInventions>;
  clock: EmulatorClock;
  close(): Promise<void>;
}

async function listen(server: http.Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startWebexEmulator(opts: WebexEmulatorOptions = {}): Promise<WebexEmulator> {
  const orgId = opts.orgId ?? DEFAULT_ORG_ID;
  const inv: WebexInventions = { ...opts.inventions };
  const clock = opts.clock ?? new EmulatorClock();
  const log = opts.quiet ? (): void => {} : (msg: string): void => void process.stderr.write(`[webex-cc-emulator] ${msg}\n`);
  const stats = new EmulatorStats();
  const faults = new FaultInjector(opts.faults);
  const badFault = new FaultInjector().update({ ...opts.faults });
  if (badFault) throw new Error(`faults.${badFault.field}: ${badFault.message}`);
  const limiter = new RateLimiter(opts.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE, () => clock.now());
  const reg = new AgentRegistry(orgId, opts.agents ?? demoAgents(8), buildAuxCodes(orgId), opts.historyPerAgent ?? 50, clock.now());
  const staff: User[] = [ADMIN_USER, { role: 'supervisor', ...SUPERVISOR_USER, teamIds: reg.teams.map((t) => t.id) }, { role: 'supervisor', ...TEAM_LEAD_USER, teamIds: [reg.teams[0].id] }];
  const tokens = new TokenBook(clock, (id) => reg.agent(id), staff, opts.accessTokenLifetimeSec ?? ACCESS_TOKEN_LIFETIME_SEC);
  const oauth = new OAuthServer(tokens, clock, opts.refreshTokenLifetimeSec ?? REFRESH_TOKEN_LIFETIME_SEC);
  const hub = new EventHub(orgId, faults, stats, opts.keepaliveTimeoutMs ?? 16_000, opts.serverKeepaliveMs ?? 4_000, log);
  const webhooks = new WebhookDispatcher(orgId, faults, stats, clock);
  const engine = new StateEngine(reg, hub, webhooks, stats, clock, inv);
  hub.onAgentGone = (agentId) => {
    const a = reg.agent(agentId);
    if (a) engine.socketDropped(a);
  };
  const contacts = new ContactSimulator(engine, opts.ronaTimeoutSec ?? 8);

  /** Bearer token, then the client id's request budget, then the route's scope. */
  const authenticate = (ctx: { req: http.IncomingMessage; fail: Ctx['fail'] }, scope: string | undefined): Principal | null => {
    const r = tokens.resolve(ctx.req.headers.authorization);
    if (!r.ok) return (ctx.fail(401, r.reason), null);
    const retryAfter = limiter.take(r.principal.clientId);
    if (retryAfter !== null) {
      stats.rateLimited++;
      return (ctx.fail(429, `more than ${limiter.limit} requests per minute for this client`, undefined, { 'Retry-After': String(retryAfter) }), null);
    }
    if (scope && !r.principal.scopes.has(scope)) return (ctx.fail(403, `the token lacks the scope ${scope}`), null);
    return r.principal;
  };

  const router = new Router<Principal, RouteMeta>({ stats, faults, requestIdHeader: 'TrackingId', errorBody: ccErrorBody, guard: (ctx) => authenticate(ctx, ctx.meta?.scope) });
  const idRouter = new Router<IdPrincipal, IdMeta>({
    stats,
    requestIdHeader: 'TrackingId',
    errorBody: platformErrorBody,
    guard: (ctx) => (ctx.meta?.auth ? authenticate(ctx, undefined) : 'anonymous'),
  });
  let wsBase = '';

  registerConfigRoutes(router, reg, () => tokens.staff());
  registerAgentRoutes(router, engine, opts.stateChangeDelayMs ?? 20, inv);
  registerActivityRoutes(router, engine);
  registerNotificationRoutes(router, hub, inv, () => wsBase);
  registerSubscriptionRoutes(router, webhooks, inv, opts.maxSubscriptions ?? 10);
  registerControlRoutes(router, { engine, contacts, hub, faults, stats, log, clock, limiter });
  registerIdentityRoutes(idRouter, oauth, orgId);
  if (inv.peopleOnCcHost) router.add('GET', '/v1/people/me', (ctx) => peopleMe(ctx, ctx.principal, orgId));

  const server = http.createServer((req, res) => router.handle(req, res));
  server.on('upgrade', (req, socket, head) => {
    if (!hub.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  const idServer = http.createServer((req, res) => idRouter.handle(req, res));
  // Longer than Node's 5 s default, so a client's pooled keep-alive connection is not closed under it mid-reuse.
  server.keepAliveTimeout = idServer.keepAliveTimeout = 65_000;
  const url = await listen(server, opts.port ?? 0);
  const identityUrl = await listen(idServer, opts.identityPort ?? 0);
  wsBase = url.replace(/^http/, 'ws');
  const on = Object.entries(inv).filter(([, v]) => v).map(([k]) => k);
  log(`listening on ${url}, identity ${identityUrl} (org ${orgId}, ${reg.agents.length} agents${on.length ? `, inventions: ${on.join(', ')}` : ''})`);

  const tokenFor = (userId: string): string => {
    const u = tokens.user(userId);
    if (!u) throw new Error(`unknown user ${userId}`);
    return tokens.issue(u.id, u.role, ROLE_SCOPES[u.role], oauth.client.clientId).token;
  };

  return {
    url,
    identityUrl,
    orgId,
    integrationToken: tokenFor(ADMIN_USER.id),
    supervisorToken: tokenFor(SUPERVISOR_USER.id),
    agentToken: (agentId) => tokens.agentToken(agentId),
    tokenFor,
    oauthClient: oauth.client,
    serviceApp: oauth.serviceApp,
    authorizationCode(userId, scope) {
      const code = oauth.authorize(userId, scope ? scope.split(/\s+/).filter(Boolean) : []);
      if (!code) throw new Error(`unknown user ${userId}`);
      return code;
    },
    agents: () => reg.agents.map((a) => ({ id: a.id, ccUserId: a.ccUserId, name: a.name, email: a.email, teamId: a.teamId, teamName: reg.team(a.teamId)?.name ?? '' })),
    staff: () => tokens.staff(),
    idleCodes: () =>
      reg.auxCodes
        .filter((c) => c.workTypeCode === 'IDLE_CODE')
        .map((c) => ({ id: c.id, name: c.name, isSystemCode: c.isSystemCode, active: c.active, defaultCode: c.defaultCode })),
    inventions: inv,
    clock,
    async close() {
      contacts.close();
      hub.close();
      webhooks.close();
      server.closeAllConnections();
      idServer.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), new Promise<void>((resolve) => idServer.close(() => resolve()))]);
    },
  };
}
