import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';

/**
 * One line per HTTP request (component "http"): method, path without its query string, status, duration and the
 * caller's role. Headers and query strings are never logged, so no key, token or signature can reach a log line.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger: logger.child({ component: 'http' }),
    quietReqLogger: true,
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { path?: string; raw?: IncomingMessage }) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: err.message }),
    },
    customProps: (req) => ({ role: (req as { principal?: { role: string } }).principal?.role ?? null }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    autoLogging: { ignore: (req) => ['/livez', '/healthz', '/readyz', '/metrics'].includes((req.url ?? '').split('?')[0]!) },
  });
}
