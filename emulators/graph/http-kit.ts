import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Transport-neutral request/response values. Handlers return an `EmuResult` instead of writing to the socket,
 * so the same handler serves a direct HTTPS request and a sub-request of `POST /v1.0/$batch`.
 */
export interface EmuRequest {
  method: string;
  /** Decoded path without query string, e.g. `/v1.0/users/abc/presence`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** Assigned per request; echoed in `request-id` and Graph error bodies. */
  requestId: string;
  clientRequestId: string;
  params: Record<string, string>;
}

export interface EmuResult {
  status: number;
  headers?: Record<string, string>;
  /** Object → JSON; string → text/plain; undefined → empty body. */
  body?: unknown;
}

export type Handler<C> = (req: EmuRequest, ctx: C) => EmuResult | Promise<EmuResult>;

const ODATA_JSON = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

export function json(status: number, body: unknown, headers?: Record<string, string>): EmuResult {
  return { status, body, headers };
}

export function empty(status = 200, headers?: Record<string, string>): EmuResult {
  return { status, headers };
}

/** Graph's error envelope: `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`. */
export function graphError(
  req: EmuRequest,
  status: number,
  code: string,
  message: string,
  extraInner: Record<string, string> = {},
  headers?: Record<string, string>,
): EmuResult {
  return {
    status,
    headers,
    body: {
      error: {
        code,
        message,
        innerError: {
          ...extraInner,
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': req.requestId,
          'client-request-id': req.clientRequestId,
        },
      },
    },
  };
}

/** The Microsoft identity platform's OAuth error body (AADSTS codes). */
export function aadError(status: number, error: string, aadsts: number, description: string, correlationId?: string): EmuResult {
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId ?? traceId} Timestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId ?? traceId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  });
}

export function parseJsonBody(req: EmuRequest): { ok: true; value: unknown } | { ok: false } {
  if (req.rawBody.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(req.rawBody.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function toEmuRequest(req: IncomingMessage, rawBody: Buffer): EmuRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const requestId = randomUUID();
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers,
    rawBody,
    requestId,
    clientRequestId: headers['client-request-id'] ?? requestId,
    params: {},
  };
}

export function writeResult(res: ServerResponse, req: EmuRequest, result: EmuResult): void {
  const headers: Record<string, string> = {
    'request-id': req.requestId,
    'client-request-id': req.clientRequestId,
    ...result.headers,
  };
  let payload: Buffer | string | undefined;
  if (result.body === undefined || result.body === null) payload = undefined;
  else if (typeof result.body === 'string') {
    payload = result.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (Buffer.isBuffer(result.body)) payload = result.body;
  else {
    payload = JSON.stringify(result.body);
    headers['content-type'] ??= ODATA_JSON;
  }
  headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
  res.writeHead(result.status, headers);
  res.end(payload);
}

interface Route<C> {
  method: string;
  regex: RegExp;
  names: string[];
  template: string;
  handler: Handler<C>;
}

/**
 * Minimal router: templates like `/v1.0/users/:id/presence`; `:name` matches one segment. Matching is
 * case-insensitive on literal segments, as Graph's is. Returns the template so stats group by route.
 */
export class Router<C> {
  private readonly routes: Route<C>[] = [];

  add(method: string, template: string, handler: Handler<C>): this {
    const names: string[] = [];
    const pattern = template
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          names.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${pattern}/?$`, 'i'), names, template, handler });
    return this;
  }

  /** `methodAllowed` is false when the path exists under another method (→ 405). */
  match(method: string, path: string): { handler: Handler<C>; template: string; params: Record<string, string> } | { methodAllowed: boolean } {
    let pathKnown = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        pathKnown = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = m[i + 1]!));
      return { handler: route.handler, template: route.template, params };
    }
    return { methodAllowed: !pathKnown };
  }
}
