import type { NextFunction, Request, Response } from 'express';
import type { SecurityConfig } from '../config-security.js';

/**
 * Browser hardening for every answer: `nosniff`, a Content-Security-Policy whose `frame-ancestors` lets only the
 * connector itself and the configured Desktop origins embed its pages (API answers may be framed by nobody),
 * `Cache-Control: no-store` on everything that carries state or credentials (API, admin, sign-in, sandbox info,
 * metrics), and CORS on the widget bundles for the allow-listed origins only. The socket gets the same allow-list
 * (server/gateway/socket-options.ts).
 */

/** Paths whose answers must never be stored by a browser or proxy. */
const SENSITIVE = /^\/(api|admin|auth|sandbox\/info|sandbox\/control|metrics|webhooks)(\/|$)/;

export function contentSecurityPolicy(allowed: readonly string[], page: boolean, scriptHashes: readonly string[] = []): string {
  const ancestors = page ? ["'self'", ...allowed].join(' ') : "'none'";
  return [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.map((h) => ` '${h}'`).join('')}`,
    // Momentum and lit inject component styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

export function securityHeaders(security: Pick<SecurityConfig, 'allowedOrigins'>) {
  const pagePolicy = contentSecurityPolicy(security.allowedOrigins, true);
  const apiPolicy = contentSecurityPolicy(security.allowedOrigins, false);
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const sensitive = SENSITIVE.test(req.path);
    res.setHeader('Content-Security-Policy', sensitive ? apiPolicy : pagePolicy);
    if (sensitive) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    next();
  };
}

/** `setHeaders` for the widget bundles: CORS for the allow-listed origins only (the Desktop loads them as module scripts). */
export function staticCors(security: Pick<SecurityConfig, 'allowedOrigins'>) {
  return (res: Response): void => {
    res.setHeader('Vary', 'Origin');
    const req = res.req as Request | undefined;
    const origin = req?.headers.origin;
    if (origin && security.allowedOrigins.includes(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
  };
}
