import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodObject } from 'zod';
import { API_MODULES } from './api-modules.js';
import { flattenRoutes } from './api-route.js';
import { errorSchema } from './api-schemas.js';
import { OPS_ROUTES } from './ops-routes.js';

/**
 * The OpenAPI 3.1 document, generated from the routes each router declares with its zod schemas (api-route.ts):
 * the schemas that validate requests and describe responses are the ones documented here. A test keeps the
 * document equal to the routes the routers register, lints it, and checks real answers against it.
 */
const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input (the error names the field)',
  401: 'Missing or unknown credential (see WWW-Authenticate)',
  403: 'The credential’s role may not use this route',
  404: 'Not found',
  405: 'The path exists but not with this method (see Allow)',
  409: 'Conflicts with the current state',
  415: 'The body is not application/json',
  502: 'An upstream service failed',
  503: 'Not ready',
};

const errorResponse = (status: number): ResponseConfig => ({
  description: STATUS_TEXT[status] ?? 'Error',
  content: { 'application/json': { schema: errorSchema } },
  ...(status === 401 ? { headers: { 'WWW-Authenticate': { description: 'Bearer challenge', schema: { type: 'string' } } } } : {}),
});

/** Authenticated API routes as `{ method, path }` (OpenAPI path syntax), in mount order. */
export function documentedRoutes(): { method: string; path: string }[] {
  return API_MODULES.flatMap((m) => flattenRoutes(m.routes).map((r) => ({ method: r.method, path: r.fullPath })));
}

function build(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key (admin, supervisor, agent) or an agent’s contact-center desktop token',
  });
  registry.registerComponent('securitySchemes', 'scrapeToken', { type: 'http', scheme: 'bearer', description: 'The metrics scrape token (metrics.token)' });
  for (const m of API_MODULES) {
    const tag = m.routes.mount.replace(/^\/api\/?/, '') || 'supervisor';
    for (const r of flattenRoutes(m.routes)) {
      const status = r.status ?? (r.response ? 200 : 204);
      const errors = [...new Set([400, 401, 403, ...(r.body ? [415] : []), ...(r.errors ?? [])])].sort();
      registry.registerPath({
        method: r.method,
        path: r.fullPath,
        operationId: r.operationId,
        summary: r.summary,
        description: `Roles: ${r.roles.join(', ')}.`,
        tags: [tag],
        security: [{ bearer: [] }],
        request: {
          ...(r.params ? { params: r.params as ZodObject } : {}),
          ...(r.query ? { query: r.query as ZodObject } : {}),
          ...(r.body ? { body: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
        },
        responses: {
          [status]: r.response
            ? {
                description: 'Success',
                content: { 'application/json': { schema: r.response } },
                ...(r.headers ? { headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, { description: v, schema: { type: 'string' } }])) } : {}),
              }
            : { description: 'Done; no content' },
          ...Object.fromEntries(errors.map((e) => [e, errorResponse(e)])),
        },
      });
    }
  }
  for (const op of OPS_ROUTES) {
    registry.registerPath({
      method: 'get',
      path: op.path,
      operationId: op.operationId,
      summary: op.summary,
      tags: ['operations'],
      security: op.scrape ? [{ scrapeToken: [] }, {}] : [],
      responses: {
        200: { description: 'OK', content: { [op.contentType]: { schema: op.response } } },
        ...(op.path === '/readyz' ? { 503: { description: 'Not ready: a dependency fails (named in the body)', content: { 'application/json': { schema: op.response } } } } : {}),
        ...(op.scrape ? { 401: errorResponse(401), 403: errorResponse(403) } : {}),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Teams Presence Connector API',
      version: '0.1.0',
      description: 'Moves contact-center agents to an idle code while Microsoft Teams says they are busy, and back when they are free.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The connector serving this document' }],
  }) as unknown as Record<string, unknown>;
}

let cached: Record<string, unknown> | null = null;

/** The document (built once; the routes are static). */
export function openApiDocument(): Record<string, unknown> {
  cached ??= build();
  return structuredClone(cached);
}

