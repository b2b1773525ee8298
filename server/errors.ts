/**
 * One error type with a stable code. Adapters translate vendor errors into it at the edge; transports map
 * codes to HTTP status or socket acks. Anything else is logged and answered as `internal`, never echoed.
 */
export const ERROR_CODES = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Path of the offending field, e.g. "rules[2].idleCodeId". */
    readonly field?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; field?: string; details?: unknown } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

export const invalid = (message: string, field?: string, details?: unknown): AppError => new AppError('invalid', message, field, details);
export const notFound = (message: string): AppError => new AppError('not_found', message);
export const conflict = (message: string): AppError => new AppError('conflict', message);

/** Plain JSON for any thrown value; unknown errors never leak their message. */
export function errorBody(err: unknown): { code: ErrorCode; message: string; field?: string; details?: unknown } {
  if (err instanceof AppError) return err.toJSON();
  return { code: 'internal', message: 'internal error' };
}
