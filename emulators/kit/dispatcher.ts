import type { ServerResponse } from 'node:http';
import { type MatchOptions, RouteTable, type TableMatch } from './router.js';

/**
 * Transport-neutral mode: a handler takes a request value (raw body included) and returns a result instead of
 * writing to a socket, so one handler serves a direct request and a sub-request (Graph's `$batch` steps).
 */
export interface KitRequest {
  method: string;
  /** Path without query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  requestId: string;
  /** Filled in by `dispatch` (or by a caller that matched itself). */
  params: Record<string, string>;
}

export interface KitResult {
  status: number;
  headers?: Record<string, string>;
  /** Object → JSON; string → text; Buffer → as is; undefined → empty body. */
  body?: unknown;
}

export type DispatchHandler<R extends KitRequest, C> = (req: R, ctx: C) => KitResult | Promise<KitResult>;

export function json(status: number, body: unknown, headers?: Record<string, string>): KitResult {
  return { status, body, headers };
}

export function empty(status = 200, headers?: Record<string, string>): KitResult {
  return { status, headers };
}

/** Route table of result-returning handlers. `dispatch` matches, binds `req.params`, and runs the handler. */
export class Dispatcher<R extends KitRequest, C> {
  private readonly table: RouteTable<DispatchHandler<R, C>>;

  constructor(opts: MatchOptions = {}) {
    this.table = new RouteTable(opts);
  }

  add(method: string, template: string, handler: DispatchHandler<R, C>): this {
    this.table.add(method, template, handler);
    return this;
  }

  match(method: string, path: string): TableMatch<DispatchHandler<R, C>> {
    return this.table.match(method, path);
  }

  /** The handler's result and route template, or null and whether the path exists under another method. */
  async dispatch(req: R, ctx: C): Promise<{ result: KitResult; route: string } | { result: null; methodAllowed: boolean }> {
    const m = this.table.match(req.method, req.path);
    if (!m.value) return { result: null, methodAllowed: m.methodAllowed };
    req.params = m.params;
    return { result: await m.value(req, ctx), route: m.template };
  }
}

/** Writes a result: objects as JSON with `jsonType` unless the result names a content type. */
export function writeResult(res: ServerResponse, result: KitResult, baseHeaders: Record<string, string>, jsonType = 'application/json'): void {
  const headers: Record<string, string> = { ...baseHeaders, ...result.headers };
  let payload: Buffer | string | undefined;
  if (result.body === undefined || result.body === null) payload = undefined;
  else if (typeof result.body === 'string') {
    payload = result.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (Buffer.isBuffer(result.body)) payload = result.body;
  else {
    payload = JSON.stringify(result.body);
    headers['content-type'] ??= jsonType;
  }
  headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
  res.writeHead(result.status, headers);
  res.end(payload);
}
