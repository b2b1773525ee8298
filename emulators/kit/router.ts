/**
 * The router shared by the emulators, dependency-free so an emulator answers thousands of requests per second on a
 * shared core: `RouteTable` looks static paths up in a Map and scans parametric ones (`:name`), with optional
 * Graph-style matching (case-insensitive literals, a tolerated trailing slash, 405 for a path known under another
 * method). Two modes sit on it:
 * - `Router` writes to the socket: routes under `/_emulator/` are control routes, never faulted, never guarded;
 *   every other route passes the injected faults, then the emulator's `guard` (authentication, scopes, rate
 *   limits), which answers and returns null to stop; bodies are parsed as JSON or form-encoded (OAuth).
 * - `Dispatcher` is transport-neutral: a handler takes a request value (raw body included) and returns a result,
 *   so the same handler serves a direct request and a sub-request (Graph's `$batch` steps); the emulator runs its
 *   own pipeline around `match`/`dispatch` and writes with `writeResult`.
 * Body reading and parsing (`body.ts`) are shared by both; `Dispatcher` and `writeResult` are in `dispatcher.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
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
  handler: Handler<P, M>;
  control: boolean;
  meta: M | undefined;
}

const EMPTY_QUERY = new URLSearchParams();

/** How a route table compares a request path with its templates. All off by default. */
export interface MatchOptions {
  /** Literal segments compare case-insensitively (parameters keep the request's case), as Graph's do. */
  caseInsensitive?: boolean;
  /** One trailing slash after the path is ignored. */
  trailingSlash?: boolean;
  /** Parameter segments are already decoded (the whole path was); a parameter must be non-empty. */
  predecodedParams?: boolean;
}

interface Entry<T> {
  method: string;
  template: string;
  segments: string[];
  /** `segments` with literals folded as the options say. */
  folded: string[];
  value: T;
}

export type TableMatch<T> = { value: T; method: string; template: string; params: Record<string, string> } | { value?: undefined; methodAllowed: boolean };

/**
 * Templates like `/v1.0/users/:id/presence` (`:name` is one segment). Static templates are looked up in a Map,
 * parametric ones scanned in the order added. A miss says whether the path exists under another method (405).
 */
export class RouteTable<T> {
  private readonly statics = new Map<string, Entry<T>[]>();
  private readonly params: Entry<T>[] = [];

  constructor(private readonly opts: MatchOptions = {}) {}

  add(method: string, template: string, value: T): void {
    const segments = template.split('/');
    const e: Entry<T> = { method, template, segments, folded: segments.map((x) => (x.startsWith(':') ? x : this.fold(x))), value };
    if (template.includes(':')) this.params.push(e);
    else {
      const key = this.fold(template);
      const list = this.statics.get(key);
      if (list) list.push(e);
      else this.statics.set(key, [e]);
    }
  }

  match(method: string, path: string): TableMatch<T> {
    let p = path;
    if (this.opts.trailingSlash && p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
    const key = this.fold(p);
    const list = this.statics.get(key);
    let known = list !== undefined;
    if (list) for (const e of list) if (e.method === method) return { value: e.value, method, template: e.template, params: {} };
    const raw = p.split('/');
    const folded = this.opts.caseInsensitive ? key.split('/') : raw;
    for (const e of this.params) {
      if (e.segments.length !== raw.length) continue;
      const params = this.bind(e, raw, folded);
      if (!params) continue;
      if (e.method === method) return { value: e.value, method, template: e.template, params };
      known = true;
    }
    return { methodAllowed: !known };
  }

  private bind(e: Entry<T>, raw: string[], folded: string[]): Record<string, string> | null {
    const params: Record<string, string> = {};
    for (let i = 0; i < raw.length; i++) {
      const seg = e.folded[i]!;
      if (seg.startsWith(':')) {
        if (this.opts.predecodedParams) {
          if (raw[i] === '') return null;
          params[seg.slice(1)] = raw[i]!;
        } else params[seg.slice(1)] = decodeURIComponent(raw[i]!);
      } else if (seg !== folded[i]) return null;
    }
    return params;
  }

  private fold(s: string): string {
    return this.opts.caseInsensitive ? s.toLowerCase() : s;
  }
}

export class Router<P, M = unknown> {
  private readonly table = new RouteTable<Route<P, M>>();

  constructor(private readonly opts: RouterOptions<P, M>) {}

  add(method: string, route: string, handler: Handler<P, M>, meta?: M): void {
    this.table.add(method, route, { method, route, handler, control: route.startsWith('/_emulator/'), meta });
  }

  private match(method: string, path: string): { route: Route<P, M>; params: Record<string, string> } | null {
    const m = this.table.match(method, path);
    return m.value ? { route: m.value, params: m.params } : null;
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


/** Reads an integer query parameter; returns null when absent, NaN when malformed. */
export function intParam(query: URLSearchParams, name: string): number | null {
  const v = query.get(name);
  if (v === null || v === '') return null;
  return /^-?\d+$/.test(v) ? Number(v) : NaN;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
