import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { contentSecurityPolicy } from '../server/http/browser-security.js';

/**
 * The sandbox serves demo keys (/sandbox/info) and drives the emulators (/sandbox/control): it must answer only
 * pages of its own origin on loopback.
 *  - DNS rebinding: a page on evil.example whose name later resolves to 127.0.0.1 sends `Host: evil.example`; every
 *    request whose Host is not a loopback name with the sandbox's port is refused (421).
 *  - Cross-site requests: control calls must be JSON (a form or text/plain post from another page cannot send
 *    that without a CORS preflight, which is never granted) and, when the browser names an origin, the sandbox's own.
 */
export function sandboxHostCheck(port: () => number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = (req.headers.host ?? '').toLowerCase();
    const p = port();
    if (![`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`].includes(host)) {
      res.status(421).json({ error: { code: 'misdirected', message: 'the sandbox answers only http://127.0.0.1 or http://localhost on its own port' } });
      return;
    }
    next();
  };
}

export function sandboxControlOriginCheck(req: Request, res: Response, next: NextFunction): void {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  const sameOrigin = origin === undefined || origin === `http://${req.headers.host}`;
  if (!sameOrigin || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
    res.status(403).json({ error: { code: 'forbidden', message: 'the sandbox control panel accepts requests from its own page only' } });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD' && !req.is('application/json')) {
    res.status(415).json({ error: { code: 'unsupported_media_type', message: 'control requests must be application/json' } });
    return;
  }
  next();
}

/** The page's policy: its one inline module script allowed by hash. */
export function sandboxPagePolicy(html: string, allowedOrigins: readonly string[]): string {
  const hashes = [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => `sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}`);
  return contentSecurityPolicy(allowedOrigins, true, hashes);
}
