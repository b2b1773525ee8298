import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../ports.js';
import type { CommandScheduler, Priority } from '../command-scheduler.js';
import type { TokenSource } from './webex-token-source.js';
import { WebexTransport, type WebexMethod, type WebexResponse } from './webex-http-transport.js';

export type { WebexMethod, WebexResponse } from './webex-http-transport.js';

/**
 * The one HTTP client that talks to Webex Contact Center (undici's `Pool`: one keep-alive pool per origin). It
 * owns the bearer token (never logged), the timeouts, the retry policy and the translation of vendor failures
 * into `AppError` at the edge, so nothing above it ever sees a transport error.
 *
 * Retried: network errors and timeouts, 5xx, and 429 (waiting for `Retry-After` when given). Everything
 * else is final. Backoff is exponential with full jitter, capped, so a fleet of connectors that lost the
 * service at the same moment does not come back in lockstep.
 */

export interface WebexHttpOptions {
  baseUrl: string;
  /** Bearer tokens (refreshed before expiry and after a 401); never logged. */
  tokens: TokenSource;
  /** The one request budget every call waits on (none: unbudgeted, for tests of this class alone). */
  scheduler?: CommandScheduler;
  clock: Clock;
  logger: Logger;
  /** Connecting, waiting for the answer's headers, and each pause in its body; default 10 s. */
  timeoutMs?: number;
  /** Attempts after the first one. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest `Retry-After` honoured; a longer one ends the call as unavailable. */
  maxRetryAfterMs?: number;
  random?: () => number;
  /** Concurrent connections to the contact center (kept alive); default 32. */
  maxSockets?: number;
}

export interface WebexRequest {
  method: WebexMethod;
  path: string;
  params?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the bearer token for this call (an agent's own token). */
  token?: string;
  /** Status codes answered without an error (e.g. 401 when validating someone else's token). */
  acceptStatus?: readonly number[];
  /** Set false for calls that must not be repeated. */
  retry?: boolean;
  /** Place in the budget's queue (default 4, a read). */
  priority?: Priority;
  /** Coalescing key (the agent): a newer request with the same key supersedes this one while it waits. */
  key?: string;
}

export interface WebexHttpStats {
  lastSuccessAt: number | null;
  lastError: string | null;
  calls: number;
  retries: number;
  throttled: number;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504, 429]);

export class WebexHttpClient {
  private readonly transport: WebexTransport;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly random: () => number;
  private closed = false;
  readonly stats: WebexHttpStats = { lastSuccessAt: null, lastError: null, calls: 0, retries: 0, throttled: 0 };

  constructor(private readonly opts: WebexHttpOptions) {
    this.retries = opts.retries ?? 4;
    this.baseDelayMs = opts.baseDelayMs ?? 200;
    this.maxDelayMs = opts.maxDelayMs ?? 10_000;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
    this.random = opts.random ?? Math.random;
    // A bounded pool of kept-alive connections: a burst of commands queues here instead of opening hundreds
    // of sockets at once, which costs both ends far more CPU than the requests themselves. Redirects are not
    // followed: every status comes back as a response, and the retry and translation logic below decides.
    this.transport = new WebexTransport(opts.baseUrl, { timeoutMs: opts.timeoutMs ?? 10_000, connections: opts.maxSockets ?? 32 });
  }

  /** `call` names the operation in errors and logs, e.g. "list idle codes". */
  async request<T>(call: string, req: WebexRequest): Promise<WebexResponse<T>> {
    const attempts = req.retry === false ? 1 : this.retries + 1;
    const path = this.transport.path(req.path, req.params);
    const headers = requestHeaders(req.headers);
    let body: string | undefined;
    if (req.body !== undefined && req.body !== null) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    let lastFailure: AppError | null = null;
    let reauthorised = false;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) this.stats.retries++;
      await this.opts.scheduler?.slot(req.priority ?? 4, req.key);
      const bearer = req.token ?? (await this.opts.tokens.token());
      if (this.closed) throw new AppError('unavailable', `Webex CC ${call} failed: the contact-center connection is stopping`);
      this.stats.calls++;
      headers.authorization = `Bearer ${bearer}`;
      let res: WebexResponse<T>;
      try {
        res = await this.transport.send<T>(req.method, path, headers, body);
      } catch (err) {
        lastFailure = new AppError('unavailable', `Webex CC ${call} failed: ${networkReason(err)}`);
        this.noteFailure(lastFailure);
        if (attempt + 1 >= attempts) break;
        const delay = this.backoff(attempt);
        this.opts.logger.warn({ call, attempt: attempt + 1, delayMs: delay, reason: networkReason(err) }, 'webex call failed, retrying');
        await this.sleep(delay);
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || req.acceptStatus?.includes(res.status)) {
        this.stats.lastSuccessAt = this.opts.clock.now();
        return res;
      }
      lastFailure = translateStatus(call, res.status, res.data);
      this.noteFailure(lastFailure);
      // An expired or revoked token of our own: refresh once and try again at once.
      if (res.status === 401 && req.token === undefined && !reauthorised && this.opts.tokens.canRefresh) {
        reauthorised = true;
        await this.opts.tokens.refresh(bearer).catch(() => undefined);
        attempt--;
        continue;
      }
      const retryAfter = retryAfterMs(res.headers['retry-after'], this.opts.clock.now());
      if (res.status === 429) {
        this.stats.throttled++;
        this.opts.scheduler?.throttled(retryAfter ?? this.backoff(attempt));
      }
      if (!RETRYABLE_STATUS.has(res.status) || attempt + 1 >= attempts) break;
      if (retryAfter !== null && retryAfter > this.maxRetryAfterMs) break;
      // The scheduler already holds every request back for a 429's Retry-After.
      if (res.status === 429 && this.opts.scheduler) continue;
      const delay = retryAfter ?? this.backoff(attempt);
      this.opts.logger.warn({ call, status: res.status, attempt: attempt + 1, delayMs: delay }, 'webex call refused, retrying');
      await this.sleep(delay);
    }
    throw lastFailure ?? new AppError('unavailable', `Webex CC ${call} failed`);
  }

  /** Lets requests in flight finish, then closes every connection; later calls fail as unavailable. */
  async close(): Promise<void> {
    this.closed = true;
    await this.transport.close();
  }

  private noteFailure(err: AppError): void {
    this.stats.lastError = err.message;
  }

  /** Full jitter: uniform in [base, base·2^attempt], capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
    return Math.round(this.baseDelayMs + this.random() * Math.max(0, ceiling - this.baseDelayMs));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.opts.clock.setTimeout(resolve, ms));
  }
}

/** `Retry-After` as delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: unknown, now: number): number | null {
  if (typeof header !== 'string' && typeof header !== 'number') return null;
  const text = String(header).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Vendor status → AppError. The message names the call and carries the vendor's short reason, never headers. */
export function translateStatus(call: string, status: number, body: unknown): AppError {
  const detail = vendorReason(body);
  const suffix = detail ? `: ${detail}` : '';
  if (status === 400 || status === 404 || status === 409 || status === 422) {
    return new AppError('invalid', `Webex CC ${call} was rejected (${status})${suffix}`, undefined, { status });
  }
  if (status === 401 || status === 403) {
    return new AppError('upstream', `Webex CC ${call} was not authorised (${status}); check the integration token and its scopes`, undefined, { status });
  }
  if (status === 429 || status >= 500) {
    return new AppError('unavailable', `Webex CC ${call} is unavailable (${status})${suffix}`, undefined, { status });
  }
  return new AppError('upstream', `Webex CC ${call} answered ${status}${suffix}`, undefined, { status });
}

/** The human part of a Webex error body: `{error:{reason|message}}`, `{message}` or `{errors:[…]}`. */
function vendorReason(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 200);
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const err = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : null;
  const described = Array.isArray(err?.message)
    ? err.message.map((m) => (m && typeof m === 'object' ? (m as Record<string, unknown>).description : m)).filter((m) => typeof m === 'string' && m)
    : [];
  if (described.length) return (described as string[]).join('; ').slice(0, 200);
  const candidates = [err?.reason, err?.message, b.message, b.reason, b.description];
  for (const c of candidates) {
    if (typeof c === 'string' && c) return c.slice(0, 200);
    if (Array.isArray(c) && c.length) return JSON.stringify(c).slice(0, 200);
  }
  if (Array.isArray(b.errors) && b.errors.length) return JSON.stringify(b.errors).slice(0, 200);
  return '';
}

/** Request headers with lower-case names; the caller's own ones over the default `accept`. */
function requestHeaders(extra: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (extra) for (const name in extra) headers[name.toLowerCase()] = extra[name]!;
  return headers;
}

/** undici's failure codes in the words the errors have always used. */
function networkReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timed out';
  return typeof code === 'string' && code ? `network error ${code}` : 'network error';
}
