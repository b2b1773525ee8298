import type { IncomingMessage } from 'node:http';
import type { ServerOptions } from 'socket.io';
import type { SecurityConfig } from '../config-security.js';

/** Whether a browser Origin may use the connector: absent (not a browser page), the connector's own, or listed. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * socket.io options: browsers from other origins are refused before the handshake (WebSockets are not covered by
 * CORS, so `allowRequest` is where the allow-list holds), at most `maxPendingSockets` connections may be waiting to
 * authenticate at once, and one that has not authenticated within `pendingSocketTimeoutMs` is closed.
 */
export function socketOptions(security: SecurityConfig, counts: () => { engine: number; authenticated: number }): Partial<ServerOptions> {
  return {
    cors: { origin: (origin, cb) => cb(null, origin === undefined || security.allowedOrigins.includes(origin)), credentials: false },
    connectTimeout: security.pendingSocketTimeoutMs,
    allowRequest: (req: IncomingMessage, cb: (err: string | null | undefined, ok: boolean) => void) => {
      if (!originAllowed(req.headers.origin, req.headers.host, security.allowedOrigins)) return cb('origin not allowed', false);
      const { engine, authenticated } = counts();
      if (engine - authenticated >= security.maxPendingSockets) return cb('too many unauthenticated connections', false);
      cb(null, true);
    },
  };
}
