import type { NextFunction, Request, Response } from 'express';
import { AppError, errorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ApiModule } from './api-modules.js';
import { flattenRoutes } from './api-route.js';

/** Maps AppError codes to status codes; body-parser and router errors to 400/413/415; anything else to 500 `internal`. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let e: unknown = err;
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') e = new AppError('payload_too_large', 'request body is too large');
    else if (type === 'entity.parse.failed') e = new AppError('invalid', `request body is not valid JSON: ${(err as Error).message}`, '(body)');
    else if (type === 'charset.unsupported' || type === 'encoding.unsupported') e = new AppError('unsupported_media_type', (err as Error).message);
    // The router's own client errors, e.g. a path parameter that is not valid percent-encoding (URIError, 400).
    else if (!(err instanceof AppError) && (err as { status?: unknown }).status === 400) e = new AppError('invalid', `malformed request: ${(err as Error).message}`, '(path)');
    if (!(e instanceof AppError)) logger.error({ err: (err as Error)?.message, stack: (err as Error)?.stack, path: req.path }, 'unhandled error');
    else if (e.status >= 500) logger.warn({ code: e.code, path: req.path, msg: e.message }, 'request failed');
    const body = errorBody(e);
    // RFC 6750: a 401 names the scheme; with a credential that was refused, also why.
    if (e instanceof AppError && e.code === 'unauthenticated') {
      res.setHeader('WWW-Authenticate', req.headers.authorization ? 'Bearer realm="connector", error="invalid_token"' : 'Bearer realm="connector"');
    }
    res.status(e instanceof AppError ? e.status : 500).json({ error: body });
  };
}

/** A request that carries a body must say it is JSON (415 otherwise); bodiless requests pass. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    next(new AppError('unsupported_media_type', `the body must be application/json, not ${req.headers['content-type'] ?? 'unlabelled'}`));
    return;
  }
  next();
}

/** 405 with `Allow` for a documented path asked with a method it does not have. */
export function methodNotAllowed(modules: readonly ApiModule[]) {
  const byPath = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const m of modules) {
    for (const r of flattenRoutes(m.routes)) {
      const entry = byPath.get(r.fullPath) ?? {
        re: new RegExp(`^${r.fullPath.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}|\{\w+\}/g, '[^/]+')}/?$`),
        methods: new Set<string>(),
      };
      entry.methods.add(r.method.toUpperCase());
      byPath.set(r.fullPath, entry);
    }
  }
  return (req: Request, res: Response, next: NextFunction): void => {
    const allowed = new Set<string>();
    for (const { re, methods } of byPath.values()) if (re.test(req.path)) for (const m of methods) allowed.add(m);
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    res.setHeader('Allow', [...allowed].sort().join(', '));
    res.status(405).json({ error: { code: 'method_not_allowed', message: `${req.method} is not allowed on ${req.path}; use ${[...allowed].sort().join(' or ')}` } });
  };
}

export function notFoundHandler(req: Request, res: Response): void {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
}
