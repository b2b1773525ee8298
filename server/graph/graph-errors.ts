import { AppError } from '../errors.js';

/**
 * Reading Graph client failures without depending on its error classes: a GraphError carries `statusCode`,
 * `code` and the raw response `headers`; a transport failure has no status.
 */

export function graphStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

export function graphCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code ? code : undefined;
}

/** Retry-After of a 429/503 in milliseconds (seconds, fractional seconds or an HTTP date), or null. */
export function retryAfterMs(err: unknown, now: number = Date.now()): number | null {
  const headers = (err as { headers?: unknown } | null)?.headers;
  let value: string | null | undefined;
  if (headers instanceof Headers) value = headers.get('retry-after');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, string>)['retry-after'];
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** A short, secret-free description for health and logs. */
export function describeGraphError(err: unknown): string {
  const status = graphStatus(err);
  const code = graphCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const clipped = message.length > 200 ? `${message.slice(0, 200)}…` : message;
  if (status) return `Graph ${status}${code ? ` ${code}` : ''}: ${clipped}`;
  const msalCode = (err as { errorCode?: unknown } | null)?.errorCode;
  if (typeof msalCode === 'string' && msalCode) return `token: ${msalCode}`;
  return clipped;
}

/** Translates a Graph failure to the product's error type at the adapter edge. */
export function toAppError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const status = graphStatus(err);
  const detail = describeGraphError(err);
  if (status === 401) return new AppError('unauthenticated', `${what}: Microsoft Graph refused the credentials (${detail})`);
  if (status === 403) return new AppError('forbidden', `${what}: permission missing in Microsoft Graph (${detail})`);
  if (status === 404) return new AppError('not_found', `${what}: not found in Microsoft Graph`);
  if (status === 429) return new AppError('rate_limited', `${what}: Microsoft Graph throttled the request`);
  if (status === 400) return new AppError('invalid', `${what}: ${detail}`);
  return new AppError(status ? 'upstream' : 'unavailable', `${what}: ${detail}`);
}

export const isRetryable = (err: unknown): boolean => {
  const status = graphStatus(err);
  return status === undefined || status === 429 || status >= 500;
};

/**
 * Runs a single Graph call, retrying 429 (after Retry-After) and 5xx/network failures a few times with
 * backoff. For user-facing calls (directory, admin, write-back); the presence poller paces itself instead.
 */
export async function withRetry<T>(op: () => Promise<T>, sleep: (ms: number) => Promise<void>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      const wait = retryAfterMs(err) ?? Math.min(8_000, 250 * 2 ** attempt);
      await sleep(Math.min(wait, 30_000));
    }
  }
}
