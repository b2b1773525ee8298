import { normalizeFieldPath } from './format.js';

/**
 * The supervisor and admin components' HTTP client: JSON over `fetch` with `Authorization: Bearer <token>`.
 * Failures always surface as {@link ApiError}, carrying the server's `{error:{code,message,field?,details?}}`
 * so forms can show each message next to the input it names.
 */

export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly field?: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Every problem keyed by normalised field path (`rules[1].idleCodeId`); the first message per field wins. */
  fieldErrors(): Map<string, string> {
    const out = new Map<string, string>();
    const add = (field: string | undefined, message: string): void => {
      if (!field) return;
      const key = normalizeFieldPath(field);
      if (!out.has(key)) out.set(key, message);
    };
    for (const d of this.details) add(d.field, d.message);
    add(this.field, this.message);
    return out;
  }
}

function parseDetails(raw: unknown): FieldProblem[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((d): d is { field: unknown; message: unknown } => typeof d === 'object' && d !== null)
    .map((d) => ({ field: String(d.field ?? ''), message: String(d.message ?? '') }))
    .filter((d) => d.message !== '');
}

async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy page, an empty 502): fall back to the status line below.
  }
  const err = (body as { error?: Record<string, unknown> } | null)?.error;
  if (err && typeof err === 'object') {
    return new ApiError(
      typeof err.code === 'string' ? err.code : 'error',
      typeof err.message === 'string' ? err.message : `HTTP ${res.status}`,
      res.status,
      typeof err.field === 'string' ? err.field : undefined,
      parseDetails(err.details),
    );
  }
  return new ApiError('http', `The connector answered HTTP ${res.status} ${res.statusText}`.trim(), res.status);
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export class ApiClient {
  constructor(
    private readonly serverUrl: string,
    private readonly token: string,
  ) {}

  /** `serverUrl` may be empty (same origin) and may end with a slash. */
  url(path: string): string {
    return `${this.serverUrl.replace(/\/+$/, '')}${path}`;
  }

  async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The raw answer, for downloads. Errors still throw {@link ApiError}. */
  async send(method: HttpMethod, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError('network', 'The connector cannot be reached.', 0);
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}

/** Message for any thrown value, safe to show. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong; try again.';
}
