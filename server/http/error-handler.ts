import type { NextFunction, Request, Response } from 'express';
import { AppError, errorBody } from '../errors.js';
import type { Logger } from '../logger.js';

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
    res.status(e instanceof AppError ? e.status : 500).json({ error: body });
  };
}

export function notFoundHandler(req: Request, res: Response): void {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
}
