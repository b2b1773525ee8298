import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson } from '../kit/body.js';
import { type DispatchHandler, Dispatcher, type KitRequest, type KitResult, writeResult } from '../kit/dispatcher.js';
import type { MatchOptions } from '../kit/router.js';

/**
 * What is Graph's own on top of the kit's transport-neutral router (`emulators/kit/dispatcher.ts`): the
 * `client-request-id` a request carries, Graph's route matching (case-insensitive literals, a tolerated trailing
 * slash, 405 for a path known under another method), the OData JSON content type, the `request-id` /
 * `client-request-id` answer headers, and the Graph and identity-platform error bodies.
 */
export { empty, json } from '../kit/dispatcher.js';

export interface EmuRequest extends KitRequest {
  /** Assigned per request; echoed in `request-id` and Graph error bodies. */
  requestId: string;
  clientRequestId: string;
}

export type EmuResult = KitResult;
export type Handler<C> = DispatchHandler<EmuRequest, C>;

const GRAPH_MATCH: MatchOptions = { caseInsensitive: true, trailingSlash: true, predecodedParams: true };

/** Templates like `/v1.0/users/:id/presence`, matched as Graph matches them. */
export class Router<C> extends Dispatcher<EmuRequest, C> {
  constructor() {
    super(GRAPH_MATCH);
  }
}

const ODATA_JSON = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

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
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId ?? traceId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId ?? traceId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}

export function parseJsonBody(req: EmuRequest): { ok: true; value: unknown } | { ok: false } {
  return parseJson(req.rawBody);
}

/** The request value of a direct request: the whole path decoded, a fresh `request-id`. */
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

export function writeGraphResult(res: ServerResponse, req: EmuRequest, result: EmuResult): void {
  writeResult(res, result, { 'request-id': req.requestId, 'client-request-id': req.clientRequestId }, ODATA_JSON);
}
