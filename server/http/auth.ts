import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.js';
import type { Authenticator, Principal, Role } from '../ports.js';

export type { Authenticator, Principal };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

/** Authenticates every request under it; no or unknown credential → 401. */
export function authenticate(auth: Authenticator) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw new AppError('unauthenticated', 'missing bearer token (Authorization: Bearer <key>)');
      const principal = await auth(token, req.socket.remoteAddress ?? 'unknown').catch((err: unknown) => {
        const wait = err instanceof AppError && err.code === 'rate_limited' ? (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : undefined;
        if (wait) res.setHeader('Retry-After', String(wait));
        throw err;
      });
      if (!principal) throw new AppError('unauthenticated', 'unknown or revoked credential');
      req.principal = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Allows only the given roles; admin is not implicitly a supervisor (roles are explicit). */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const p = req.principal;
    if (!p) return next(new AppError('unauthenticated', 'not authenticated'));
    if (!roles.includes(p.role)) return next(new AppError('forbidden', `this route needs the ${roles.join(' or ')} role; you are ${p.role}`));
    next();
  };
}
