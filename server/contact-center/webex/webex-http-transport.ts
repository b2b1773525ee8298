import { Pool, type Dispatcher } from 'undici';

/**
 * The wire under `WebexHttpClient`: one undici `Pool` per contact-center origin (Node's own HTTP client
 * library), a bounded set of kept-alive connections, and a response collector that hands back status, headers
 * and the parsed body without streams, per-request URL objects or errors on the success path.
 */

export type WebexMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface WebexResponse<T> {
  status: number;
  data: T;
  /** Lower-case names; repeated headers as arrays. */
  headers: Record<string, string | string[] | undefined>;
}

export interface WebexTransportOptions {
  /** Per-phase timeout: connecting, waiting for the headers, and between body chunks. */
  timeoutMs: number;
  /** Connections kept to the origin. */
  connections: number;
  /** How long an idle connection is kept when the server gives no `Keep-Alive` hint. */
  keepAliveMs?: number;
}

export class WebexTransport {
  private readonly pool: Pool;
  /** The base URL's path (no trailing slash), prefixed to every request path. */
  private readonly prefix: string;

  constructor(baseUrl: string, opts: WebexTransportOptions) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the Webex CC base URL must be http or https, not ${url.protocol}`);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: opts.connections,
      pipelining: 1,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connect: { timeout: opts.timeoutMs },
      keepAliveTimeout: opts.keepAliveMs ?? 30_000,
    });
  }

  /** The request path under the base URL, with its query string. */
  path(path: string, params?: Record<string, string | number | boolean | undefined | null>): string {
    const full = path.charCodeAt(0) === 47 /* / */ ? this.prefix + path : `${this.prefix}/${path}`;
    if (!params) return full;
    const query = queryString(params);
    return query ? full + (full.includes('?') ? '&' : '?') + query : full;
  }

  /** One exchange. Rejects only for network failures and timeouts (undici's errors, with their `code`). */
  send<T>(method: WebexMethod, path: string, headers: Record<string, string>, body: string | undefined): Promise<WebexResponse<T>> {
    return new Promise((resolve, reject) => {
      this.pool.dispatch({ method, path, headers, body }, new Collector<T>(resolve, reject));
    });
  }

  /** Waits for requests in flight, then closes every connection. */
  close(): Promise<void> {
    return this.pool.closed ? Promise.resolve() : this.pool.close();
  }
}

/**
 * Params as the connector has always sent them: `undefined`/`null` skipped, values stringified, each name and value
 * through encodeURIComponent with `:`, `$` and `,` left readable and spaces as `+`.
 */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  let out = '';
  for (const name in params) {
    const value = params[name];
    if (value === undefined || value === null) continue;
    out += `${out ? '&' : ''}${encodeParam(name)}=${encodeParam(String(value))}`;
  }
  return out;
}

function encodeParam(text: string): string {
  const encoded = encodeURIComponent(text);
  return encoded.includes('%') ? encoded.replace(/%3A/gi, ':').replace(/%24/g, '$').replace(/%2C/gi, ',').replace(/%20/g, '+') : encoded;
}

/** Collects one response: JSON when the content type says so (text when it does not parse), else text; empty is ''. */
class Collector<T> implements Dispatcher.DispatchHandler {
  private status = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private chunks: Buffer[] = [];

  constructor(
    private readonly resolve: (res: WebexResponse<T>) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  /** Present so undici takes this for a handler of its current interface. */
  onRequestStart(): void {}

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = status;
    this.headers = headers;
    this.chunks.length = 0;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const { chunks } = this;
    const text = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    this.resolve({ status: this.status, headers: this.headers, data: parseBody(text, this.headers['content-type']) as T });
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.reject(err);
  }
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '' || typeof contentType !== 'string' || !/json/i.test(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
