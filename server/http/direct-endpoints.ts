import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecurityConfig } from '../config-security.js';
import type { HttpHandler } from '../ports.js';
import { contentSecurityPolicy } from './browser-security.js';

/**
 * Webhook endpoints the HTTP server answers itself, ahead of Express: a router that carries a `direct` endpoint
 * (webex-webhook-router.ts) is served from Node's request and response, so the contact center's event for every
 * state change of every agent costs no middleware chain, request logger or body parser. Such an endpoint checks its
 * own credentials and logs its own refusals; it gets the headers every other answer of a sensitive path gets.
 */
export interface ServedDirectly {
  /** The webhook's source as metrics name it (`/webhooks/<source>`). */
  source: string;
  headers: [string, string][];
  handle(req: IncomingMessage, res: ServerResponse): void;
}

interface DirectRoute {
  direct?: { path: string; handle(req: IncomingMessage, res: ServerResponse): void };
}

export function directEndpoints(webhooks: readonly [string, HttpHandler][], security: Pick<SecurityConfig, 'allowedOrigins'>): Map<string, ServedDirectly> {
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    ['Content-Security-Policy', contentSecurityPolicy(security.allowedOrigins, false)],
    ['Cache-Control', 'no-store'],
    ['Pragma', 'no-cache'],
  ];
  const served = new Map<string, ServedDirectly>();
  for (const [mount, router] of webhooks) {
    const direct = (router as DirectRoute).direct;
    if (!direct) continue;
    const path = `${mount.replace(/\/+$/, '')}${direct.path}`;
    served.set(path, { source: path.split('/').filter(Boolean)[1] ?? 'unknown', headers, handle: direct.handle });
  }
  return served;
}

/** The path of a request target, without its query string. */
export const pathOf = (url: string | undefined): string => {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
};
