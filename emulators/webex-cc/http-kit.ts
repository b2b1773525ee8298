/**
 * A minimal router over node:http, kept dependency-free so the emulator answers thousands of requests per second
 * on a shared core: static paths are looked up in a Map, parametric ones scanned (a few dozen routes).
 * Webex routes get bearer auth and injected faults; `/_emulator/` routes get neither.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorStats, FaultInjector } from './fault-injector.js';
import type { Principal, TokenBook } from './token-book.js';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Null only on control routes. */
  principal: Principal;
  body: unknown;
  trackingId: string;
  route: string;
  stats: EmulatorStats;
}

export type Handler = (ctx: Ctx) => void | Promise<void>;

interface Route {
  method: string;
  route: string;
  segments: string[];
  handler: Handler;
  control: boolean;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
const MAX_BODY = 1024 * 1024;
const EMPTY_QUERY = new URLSearchParams();

export function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const h: Record<string, string | number> = { TrackingId: ctx.trackingId, ...headers };
  if (text) h['content-type'] = 'application/json';
  h['content-length'] = Buffer.byteLength(text);
  ctx.res.writeHead(status, h);
  ctx.res.end(text);
  ctx.stats.countRequest(ctx.route || 'unmatched', status);
}

/** Webex-style error body: `{trackingId, error:{key, reason, message:[{description}], field?}}`. */
export function sendError(ctx: Ctx, status: number, description: string, field?: string, headers?: Record<string, string>): void {
  sendJson(ctx, status, { trackingId: ctx.trackingId, error: { key: String(status), reason: STATUS_TEXT[status] ?? 'Error', message: [{ description }], ...(field ? { field } : {}) } }, headers);
}

export class Router {
  private readonly staticRoutes = new Map<string, Route>();
  private readonly paramRoutes: Route[] = [];

  constructor(
    private readonly tokens: TokenBook,
    private readonly faults: FaultInjector,
    private readonly stats: EmulatorStats,
  ) {}

  add(method: string, route: string, handler: Handler): void {
    const r: Route = { method, route, segments: route.split('/'), handler, control: route.startsWith('/_emulator/') };
    if (route.includes(':')) this.paramRoutes.push(r);
    else this.staticRoutes.set(`${method} ${route}`, r);
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    const s = this.staticRoutes.get(`${method} ${path}`);
    if (s) return { route: s, params: {} };
    const parts = path.split('/');
    for (const r of this.paramRoutes) {
      if (r.method !== method || r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = r.segments[i];
        if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(parts[i]);
        else if (seg !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (ok) return { route: r, params };
    }
    return null;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const given = req.headers['trackingid'];
    const trackingId = typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
    const ctx: Ctx = { req, res, params: {}, query: q === -1 ? EMPTY_QUERY : new URLSearchParams(url.slice(q + 1)), principal: null as unknown as Principal, body: undefined, trackingId, route: '', stats: this.stats };
    const m = this.match(req.method ?? 'GET', path);
    if (!m) {
      req.resume();
      sendError(ctx, 404, `no route for ${req.method} ${path}`);
      return;
    }
    ctx.params = m.params;
    ctx.route = `${m.route.method} ${m.route.route}`;
    const latency = m.route.control ? 0 : this.faults.settings.latencyMs;
    const run = (): void => void this.run(ctx, m.route).catch(() => {
      if (!res.headersSent) sendError(ctx, 500, 'internal error');
    });
    if (latency > 0) setTimeout(run, latency);
    else run();
  }

  private async run(ctx: Ctx, route: Route): Promise<void> {
    if (!route.control) {
      const fault = this.faults.restFault();
      if (fault) {
        ctx.req.resume();
        const headers: Record<string, string> = fault.retryAfterSec !== undefined ? { 'Retry-After': String(fault.retryAfterSec) } : {};
        sendError(ctx, fault.status, fault.status === 429 ? 'rate limit exceeded (injected)' : 'service failure (injected)', undefined, headers);
        return;
      }
      const principal = this.tokens.resolve(ctx.req.headers.authorization);
      if (!principal) {
        ctx.req.resume();
        sendError(ctx, 401, 'missing or invalid bearer token');
        return;
      }
      ctx.principal = principal;
    }
    const method = ctx.req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      const parsed = await readJson(ctx.req);
      if (parsed.error) {
        sendError(ctx, parsed.status, parsed.error, 'body');
        return;
      }
      ctx.body = parsed.value;
    } else ctx.req.resume();
    await route.handler(ctx);
  }
}

async function readJson(req: IncomingMessage): Promise<{ value?: unknown; error?: string; status: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { error: 'request body too large', status: 413 };
    chunks.push(chunk);
  }
  if (size === 0) return { value: undefined, status: 200 };
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString('utf8')), status: 200 };
  } catch {
    return { error: 'request body is not valid JSON', status: 400 };
  }
}

/** Reads an integer query parameter; returns null when absent, NaN when malformed. */
export function intParam(query: URLSearchParams, name: string): number | null {
  const v = query.get(name);
  if (v === null || v === '') return null;
  return /^-?\d+$/.test(v) ? Number(v) : NaN;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
