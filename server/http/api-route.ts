import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Role } from '../store/key-store.js';
import { parseOrThrow } from '../validation.js';

/**
 * How an API router describes its routes (the OpenAPI document is generated from these, never written by hand):
 *   1. In the router's own file, next to its zod schemas, declare each route with `apiRoute({...})`: method, express
 *      path relative to the mount, a unique `operationId`, summary, roles, and the schemas of its path params,
 *      query, body and success response (`response: null` for an empty answer, e.g. 204).
 *   2. Group them with `apiRoutes('/api/mount', { name: route, ... })` and export the group.
 *   3. In the router factory register each one with `handle(router, GROUP.name, (input, req, res) => body)`: the
 *      handler gets `input.params/query/body` already parsed by those same schemas and returns the response body.
 *   4. Add `{ routes: GROUP, create: createXyzRouter }` to API_MODULES in server/http/api-modules.ts.
 * Tests keep the document equal to the routes the routers register, lint it, and check real answers against the
 * response schemas. Schemas become named components when they carry `.meta({ id: 'Name' })`.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType | null = z.ZodType | null> {
  method: HttpMethod;
  /** Express syntax, relative to the router's mount: `/profiles/:id`. */
  path: string;
  operationId: string;
  summary: string;
  roles: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** Success status (default 200; 204 when `response` is null). */
  status?: 200 | 201 | 202 | 204;
  /** Error statuses this route may answer besides 400/401/403/415 (e.g. 404, 409, 502). */
  errors?: readonly number[];
  /** Response headers worth documenting, e.g. Content-Disposition. */
  headers?: Record<string, string>;
}

export interface ApiRouteGroup<T extends Record<string, ApiRoute<any, any, any, any>>> {
  mount: string;
  routes: T;
}

export const apiRoute = <P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType | null = null>(
  route: ApiRoute<P, Q, B, R>,
): ApiRoute<P, Q, B, R> => route;

export const apiRoutes = <T extends Record<string, ApiRoute<any, any, any, any>>>(mount: string, routes: T): ApiRouteGroup<T> => ({ mount, routes });

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type ResponseBody<R> = R extends z.ZodType ? z.output<R> : void;

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}

/**
 * Registers one declared route on the router: parses params, query and body with the declared schemas (400 naming
 * every bad field), runs the handler and answers its result with the declared status.
 */
export function handle<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType | null>(
  router: Router,
  route: ApiRoute<P, Q, B, R>,
  handler: (input: RouteInput<P, Q, B>, req: Request, res: Response) => ResponseBody<R> | Promise<ResponseBody<R>>,
): void {
  const what = `${route.operationId}`;
  router[route.method](route.path, async (req: Request, res: Response) => {
    // The request log writes this template instead of the path, which may carry a caller's secret.
    (req as Request & { routeTemplate?: string }).routeTemplate = route.path;
    const input = {
      params: route.params ? parseOrThrow(route.params, req.params, `${what} path`) : undefined,
      query: route.query ? parseOrThrow(route.query, req.query, `${what} query`) : undefined,
      body: route.body ? parseOrThrow(route.body, req.body, `${what} body`) : undefined,
    } as RouteInput<P, Q, B>;
    const result = await handler(input, req, res);
    const status = route.status ?? (route.response ? 200 : 204);
    if (status === 204 || route.response === null) res.status(status).end();
    else res.status(status).json(result);
  });
}

/** Every declared route of a group with its full OpenAPI path (`/api/profiles/{id}`). */
export function flattenRoutes(group: ApiRouteGroup<Record<string, ApiRoute<any, any, any, any>>>): (ApiRoute & { fullPath: string })[] {
  return Object.values(group.routes).map((r) => ({
    ...r,
    fullPath: (group.mount + (r.path === '/' ? '' : r.path)).replace(/:(\w+)/g, '{$1}'),
  }));
}
