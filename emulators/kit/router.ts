/**
 * A minimal router over node:http shared by the emulators, dependency-free so an emulator answers thousands of
 * requests per second on a shared core: static paths are looked up in a Map, parametric ones (`:name`) scanned.
 * Bodies are parsed as JSON or as `application/x-www-form-urlencoded` (OAuth token requests). Routes under
 * `/_emulator/` are control routes: never faulted, never guarded. Every other route passes the injected faults,
 * then the emulator's `guard` (authentication, scopes, rate limits), which answers and returns null to stop.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjector } from './faults.js';
import type { RequestStats } from './stats.js';

export interface Ctx<P, M = unknown> {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Whatever `guard` returned; null on control routes. */
  principal: P;
  body: unknown;
  /** Request id echoed in a response header (the request's own when it sent a valid one). */
  trackingId: string;
  route: string;
  meta: M | undefined;
  send(status: number, body: unknown, headers?: Record<string, string>): void;
  fail(status: number, description: string, field?: string, headers?: Record<string, string>): void;
}

export type Handler<P, M> = (ctx: Ctx<P, M>) => void | Promise<void>;

export interface RouterOptions<P, M> {
  stats: RequestStats;
  faults?: FaultInjector;
  /** Name of the request-id header read from requests and written on every answer. */
  requestIdHeader: string;
  /** Body of an error answer. */
  errorBody(trackingId: string, status: number, description: string, field?: string): unknown;
  /** Authenticates and authorises a non-control request; answers through ctx and returns null to stop. */
  guard?(ctx: Ctx<P, M>): P | null | Promise<P | null>;
  maxBodyBytes?: number;
}

interface Route<P, M> {
  method: string;
  route: string;
  segments: string[];
  handler: Handler<P, M>;
  control: boolean;
  meta: M | undefined;
}

const EMPTY_QUERY = new URLSearchParams();

export class Router<P, M = unknown> {
  private readonly staticRoutes = new Map<string, Route<P, M>>();
  private readonly paramRoutes: Route<P, M>[] = [];

  constructor(private readonly opts: RouterOptions<P, M>) {}

  add(method: string, route: string, handler: Handler<P, M>, meta?: M): void {
    const r: Route<P, M> = { method, route, segments: route.split('/'), handler, control: route.startsWith('/_emulator/'), meta };
    if (route.includes(':')) this.paramRoutes.push(r);
    else this.staticRoutes.set(`${method} ${route}`, r);
  }

  private match(method: string, path: string): { route: Route<P, M>; params: Record<string, string> } | null {
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
    const given = req.headers[this.opts.requestIdHeader.toLowerCase()];
    const trackingId = typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
    const o = this.opts;
    const ctx: Ctx<P, M> = {
      req,
      res,
      path,
      params: {},
      query: q === -1 ? EMPTY_QUERY : new URLSearchParams(url.slice(q + 1)),
      principal: null as P,
      body: undefined,
      trackingId,
      route: '',
      meta: undefined,
      send(status, body, headers = {}) {
        const text = body === undefined ? '' : JSON.stringify(body);
        const h: Record<string, string | number> = { [o.requestIdHeader]: ctx.trackingId, ...headers };
        if (text) h['content-type'] = 'application/json';
        h['content-length'] = Buffer.byteLength(text);
        res.writeHead(status, h);
        res.end(text);
        o.stats.countRequest(ctx.route || 'unmatched', status);
      },
      fail(status, description, field, headers) {
        ctx.send(status, o.errorBody(ctx.trackingId, status, description, field), headers);
      },
    };
    const m = this.match(req.method ?? 'GET', path);
    if (!m) {
      req.resume();
      ctx.fail(404, `no route for ${req.method} ${path}`);
      return;
    }
    ctx.params = m.params;
    ctx.route = `${m.route.method} ${m.route.route}`;
    ctx.meta = m.route.meta;
    const latency = m.route.control || !o.faults ? 0 : o.faults.settings.latencyMs;
    const run = (): void =>
      void this.run(ctx, m.route).catch(() => {
        if (!res.headersSent) ctx.fail(500, 'internal error');
      });
    if (latency > 0) setTimeout(run, latency);
    else run();
  }

  private async run(ctx: Ctx<P, M>, route: Route<P, M>): Promise<void> {
    if (!route.control) {
      const fault = this.opts.faults?.restFault();
      if (fault) {
        ctx.req.resume();
        const headers: Record<string, string> = fault.retryAfterSec !== undefined ? { 'Retry-After': String(fault.retryAfterSec) } : {};
        ctx.fail(fault.status, fault.status === 429 ? 'rate limit exceeded (injected)' : 'service failure (injected)', undefined, headers);
        return;
      }
      if (this.opts.guard) {
        const principal = await this.opts.guard(ctx);
        if (principal === null) {
          ctx.req.resume();
          return;
        }
        ctx.principal = principal;
      }
    }
    const method = ctx.req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      const parsed = await readBody(ctx.req, this.opts.maxBodyBytes ?? 1024 * 1024);
      if (parsed.error) return ctx.fail(parsed.status, parsed.error, 'body');
      ctx.body = parsed.value;
    } else ctx.req.resume();
    await route.handler(ctx);
  }
}

async function readBody(req: IncomingMessage, max: number): Promise<{ value?: unknown; error?: string; status: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return { error: 'request body too large', status: 413 };
    chunks.push(chunk);
  }
  if (size === 0) return { value: undefined, status: 200 };
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return { value: Object.fromEntries(new URLSearchParams(text)), status: 200 };
  }
  try {
    return { value: JSON.parse(text), status: 200 };
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
