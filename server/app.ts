import { createServer, type Server as HttpServer } from 'node:http';
import express, { type Router } from 'express';
import { SocketGateway } from './gateway/socket-gateway.js';
import { createAdminRouter } from './http/admin-router.js';
import { createAgentRouter, createDirectoryRouter } from './http/agent-router.js';
import { authenticate, type Authenticator } from './http/auth.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { openApiDocument } from './http/openapi.js';
import { createSupervisorRouter } from './http/supervisor-router.js';
import type { Logger } from './logger.js';
import type { Services } from './services/index.js';

/** The authenticated API routers by mount path; the OpenAPI test walks this table. */
export const API_ROUTERS: readonly [string, (s: Services) => Router][] = [
  ['/api/admin', createAdminRouter],
  ['/api/me', createAgentRouter],
  ['/api/directory', createDirectoryRouter],
  ['/api', createSupervisorRouter],
];

export interface AppDeps {
  auth: Authenticator;
  logger: Logger;
  /** Unauthenticated routers that check their own credentials (Graph and contact-center webhooks). */
  webhooks?: [string, Router][];
  /** Static folders: [url path, directory]. */
  statics?: [string, string][];
  /** Extra routes (the sandbox page and its control panel). */
  extra?: (app: express.Express) => void;
  bodyLimit?: string;
}

export interface App {
  http: HttpServer;
  gateway: SocketGateway;
  express: express.Express;
  /** Mounts the API once the services exist (they need the gateway as their publisher). */
  attach(services: Services): void;
}

/** Builds the HTTP server and socket gateway; never listens by itself. */
export function createApp(deps: AppDeps): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const http = createServer(app);
  const gateway = new SocketGateway(http, deps.auth, deps.logger);

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  for (const [path, router] of deps.webhooks ?? []) app.use(path, router);
  for (const [path, dir] of deps.statics ?? []) app.use(path, express.static(dir, { fallthrough: true, maxAge: '5m' }));
  deps.extra?.(app);

  const api = express.Router();
  app.use(api);

  return {
    http,
    gateway,
    express: app,
    attach(services) {
      gateway.attach(services);
      const json = express.json({ limit: deps.bodyLimit ?? '256kb', strict: false });
      // Credentials first: an anonymous caller cannot make the server read and parse a body.
      for (const [path, make] of API_ROUTERS) api.use(path, authenticate(deps.auth), json, make(services));
      app.use(notFoundHandler);
      app.use(errorHandler(deps.logger));
    },
  };
}
