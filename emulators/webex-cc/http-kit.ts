/**
 * The contact-center host's view of the shared router (`emulators/kit/router.ts`): route metadata (the OAuth
 * scope a route needs), the Webex CC error body, and the `sendJson`/`sendError` helpers the route files use.
 */
import { type Ctx as KitCtx, type Router as KitRouter, intParam, isRecord } from '../kit/router.js';
import type { Principal } from './token-book.js';

export { intParam, isRecord };

export interface RouteMeta {
  /** OAuth scope the token must carry. */
  scope: string;
}

export type Ctx = KitCtx<Principal, RouteMeta>;
export type Router = KitRouter<Principal, RouteMeta>;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

/** Webex CC error body: `{trackingId, error:{key, reason, message:[{description}], field?}}`. */
export function ccErrorBody(trackingId: string, status: number, description: string, field?: string): unknown {
  return { trackingId, error: { key: String(status), reason: STATUS_TEXT[status] ?? 'Error', message: [{ description }], ...(field ? { field } : {}) } };
}

/** Webex platform error body (identity origin): `{message, errors:[{description}], trackingId}`. */
export function platformErrorBody(trackingId: string, _status: number, description: string): unknown {
  return { message: description, errors: [{ description }], trackingId };
}

export function sendJson(ctx: Ctx, status: number, body: unknown, headers?: Record<string, string>): void {
  ctx.send(status, body, headers);
}

export function sendError(ctx: Ctx, status: number, description: string, field?: string, headers?: Record<string, string>): void {
  ctx.fail(status, description, field, headers);
}
