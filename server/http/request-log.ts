import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';

type RoutedRequest = IncomingMessage & { originalUrl?: string; routeTemplate?: string; route?: { path?: unknown } };

/** The declared route template under the path it was mounted at (a router's `baseUrl` is gone when the line is written). */
function loggedPath(req: RoutedRequest): string {
  const segments = (req.originalUrl ?? req.url ?? '').split('?')[0]!.split('/')
  const declared = req.routeTemplate ?? (typeof req.route?.path === 'string' ? req.route.path : null);
  if (declared !== null) {
    const template = declared.split('/').filter(Boolean);
    return `${segments.slice(0, Math.max(1, segments.length - template.length)).join('/')}/${template.join('/')}`;
  }
  return segments.length > 3 ? `${segments.slice(0, 3).join('/')}/…` : segments.join('/');
}

/**
 * One line per HTTP request (component "http"): method, path without its query string, status, duration and the
 * caller's role. Headers and query strings are never logged, and the path is the matched route's template
 * (`/api/profiles/:id`), so no key, token or signature can reach a log line even when a caller puts one in the path;
 * an unmatched path keeps only its first two segments.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger: logger.child({ component: 'http' }),
    quietReqLogger: true,
    wrapSerializers: false,
    serializers: {
      // Bound when the request arrives, before routing: the path is added when the line is written (below).
      req: (req: IncomingMessage) => ({ method: req.method }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: err.message }),
    },
    customSuccessObject: (req, _res, line: object) => ({ ...line, path: loggedPath(req as RoutedRequest) }),
    customErrorObject: (req, _res, _err, line: object) => ({ ...line, path: loggedPath(req as RoutedRequest) }),
    customProps: (req) => ({ role: (req as { principal?: { role: string } }).principal?.role ?? null }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    autoLogging: { ignore: (req) => ['/livez', '/healthz', '/readyz', '/metrics'].includes((req.url ?? '').split('?')[0]!) },
  });
}
