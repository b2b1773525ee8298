import { createServer, type Server as HttpServer } from 'node:http';
import express, { type RequestHandler, type Router } from 'express';
import { SocketGateway } from '../gateway/socket-gateway.js';
import { registerReadiness } from './admin-status.js';
import { adminAuditRecorder } from './admin-audit.js';
import { API_MODULES } from './api-modules.js';
import { authenticate, type Authenticator } from './auth.js';
import { AuthGuard } from './auth-guard.js';
import { securityHeaders, staticCors } from './browser-security.js';
import { directEndpoints, pathOf } from './direct-endpoints.js';
import { socketOptions } from '../gateway/socket-options.js';
import { securityConfigSchema, type SecurityConfig } from '../config-security.js';
import { errorHandler, methodNotAllowed, notFoundHandler, requireJsonBody } from './error-handler.js';
import { openApiDocument } from './openapi.js';
import { mountOps, type OpsState } from './ops-routes.js';
import { createPrometheus } from './prometheus.js';
import { ReadinessProbe, sqliteWritable } from './readiness.js';
import { requestLogger } from './request-log.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { HttpHandler } from '../ports.js';
import type { Services } from '../services/index.js';
import type { Db } from '../store/db.js';

/** The authenticated API routers by mount path (from API_MODULES); the OpenAPI test walks this table. */
export const API_ROUTERS: readonly [string, (s: Services) => Router][] = API_MODULES.map((m) => [m.routes.mount, m.create]);

export interface OpsOptions {
  /** Bearer token for /metrics; without it /metrics answers loopback callers only. */
  metricsToken?: string;
  /** Readiness probe interval and each upstream's health budget. */
  readinessIntervalMs?: number;
  readinessBudgetMs?: number;
  /** Throws when the store cannot take a write (default: a write lock on the stores' SQLite database). */
  storeProbe?: () => void;
}

export interface AppDeps {
  auth: Authenticator;
  logger: Logger;
  /** Unauthenticated routers that check their own credentials (Graph and contact-center webhooks). */
  webhooks?: [string, HttpHandler][];
  /** Static folders: [url path, directory]. */
  statics?: [string, string][];
  /** Extra routes (the sandbox page and its control panel). */
  extra?: HttpHandler;
  bodyLimit?: string;
  ops?: OpsOptions;
  /** Origin allow-list, failed-authentication limits, socket caps (config `security`; defaults when absent). */
  security?: SecurityConfig;
}

export interface App {
  http: HttpServer;
  gateway: SocketGateway;
  express: express.Express;
  /** Mounts the API once the services exist (they need the gateway as their publisher). */
  attach(services: Services): void;
  /**
   * Stops taking new work (readiness turns 503, new requests are refused with 503 and `Connection: close`) and
   * waits until in-flight HTTP requests and state commands finish or `deadlineMs` passes. Resolves to what was
   * still in flight at the deadline (0 and 0 when everything drained).
   */
  drain(deadlineMs: number): Promise<{ requests: number; commands: number }>;
}

/** The app's operational options from the `ops` configuration and the connector's database. */
export function opsOptions(o: Config['ops'], db: Db): OpsOptions {
  return {
    ...(o.metricsToken ? { metricsToken: o.metricsToken } : {}),
    readinessIntervalMs: o.readinessIntervalMs,
    readinessBudgetMs: o.readinessBudgetMs,
    storeProbe: sqliteWritable(db),
  };
}

/** Builds the HTTP server and socket gateway; never listens by itself. */
export function createApp(deps: AppDeps): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const security = deps.security ?? securityConfigSchema.parse(undefined);
  const direct = directEndpoints(deps.webhooks ?? [], security);
  const http = createServer((req, res) => {
    const endpoint = req.method === 'POST' && !ops.draining ? direct.get(pathOf(req.url)) : undefined;
    if (!endpoint) return void app(req, res);
    inFlight++;
    const started = performance.now();
    res.once('close', () => {
      inFlight--;
      ops.prometheus?.webhookHandled(endpoint.source, res.statusCode, (performance.now() - started) / 1000);
    });
    for (const [name, value] of endpoint.headers) res.setHeader(name, value);
    endpoint.handle(req, res);
  });
  const guard = new AuthGuard({ limit: security.authFailureLimit, windowMs: security.authFailureWindowMs, logger: deps.logger.child({ component: 'auth-guard' }) });
  const auth = guard.wrap(deps.auth);
  const gateway: SocketGateway = new SocketGateway(http, auth, deps.logger, socketOptions(security, () => ({ engine: gateway.io.engine.clientsCount, authenticated: gateway.io.of('/').sockets.size })));
  const ops: OpsState = { readiness: null, prometheus: null, draining: false };
  let inFlight = 0;
  let commandsInFlight = (): number => 0;

  app.use((req, res, next) => {
    if (ops.draining && !req.path.endsWith('z')) {
      res.setHeader('Connection', 'close');
      res.status(503).json({ error: { code: 'unavailable', message: 'the connector is shutting down' } });
      return;
    }
    inFlight++;
    let done = false;
    const finish = (): void => {
      if (!done) inFlight--;
      done = true;
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  });
  app.use(requestLogger(deps.logger));
  app.use(securityHeaders(security));
  mountOps(app, ops, deps.ops?.metricsToken);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  for (const [path, router] of deps.webhooks ?? []) {
    app.use(path, (req, res, next) => {
      const started = performance.now();
      res.on('finish', () => {
        const [first, source] = req.originalUrl.split('?')[0]!.split('/').filter(Boolean);
        if (first === 'webhooks' && source) ops.prometheus?.webhookHandled(source, res.statusCode, (performance.now() - started) / 1000);
      });
      next();
    }, router as RequestHandler);
  }
  // The widget bundles are scripts that the agent desktop loads from its own origin; as module scripts they need
  // CORS, granted to the allow-listed origins (security.allowedOrigins) only.
  const cors = staticCors(security);
  for (const [path, dir] of deps.statics ?? []) app.use(path, express.static(dir, { fallthrough: true, maxAge: '5m', setHeaders: cors }));
  if (deps.extra) app.use(deps.extra as RequestHandler);

  const api = express.Router();
  app.use(api);

  return {
    http,
    gateway,
    express: app,
    attach(services) {
      gateway.attach(services);
      const readiness = new ReadinessProbe({
        storeProbe: deps.ops?.storeProbe ?? services.reads.storeProbe(),
        graphProbe: () => services.directory.search('readiness probe', 1),
        cc: services.cc,
        intervalMs: deps.ops?.readinessIntervalMs ?? 15_000,
        budgetMs: deps.ops?.readinessBudgetMs ?? 5_000,
      });
      ops.readiness = readiness;
      registerReadiness(services, readiness);
      // The admin page reads the status over HTTP and the socket alike: both carry readiness (degraded, and why).
      const status = services.status;
      services.status = () => ({ ...status(), readiness: readiness.state() });
      const prometheus = createPrometheus(services, readiness);
      ops.prometheus = prometheus;
      commandsInFlight = () => prometheus.commandsInFlight();
      void readiness.start();
      http.once('close', () => readiness.stop());
      const json = express.json({ limit: deps.bodyLimit ?? '256kb', strict: false });
      // Credentials first: an anonymous caller cannot make the server read and parse a body.
      api.use(adminAuditRecorder(services));
      for (const [path, make] of API_ROUTERS) api.use(path, authenticate(auth), requireJsonBody, json, make(services));
      app.use(methodNotAllowed(API_MODULES));
      app.use(notFoundHandler);
      app.use(errorHandler(deps.logger));
    },
    async drain(deadlineMs) {
      ops.draining = true;
      const until = Date.now() + deadlineMs;
      // Idle keep-alive connections would otherwise hold the server open; busy ones close after their answer. A
      // request a client had already written on an idle connection may not have been read yet (a long collection
      // pause is enough): it gets a moment to arrive and be answered before idle connections are cut.
      await new Promise((r) => setTimeout(r, Math.min(200, deadlineMs)));
      http.closeIdleConnections();
      while ((inFlight > 0 || commandsInFlight() > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return { requests: inFlight, commands: commandsInFlight() };
    },
  };
}
