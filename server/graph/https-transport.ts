import https from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/**
 * One HTTPS transport for both Microsoft libraries. msal-node and the Graph client each default to the
 * global fetch, which cannot be told to trust an extra CA without a separate dispatcher package. Routing
 * both through node:https with an optional `ca` keeps a single code path: the public CA store for
 * login.microsoftonline.com / graph.microsoft.com, the emulator's CA when configured.
 */

export interface HttpsTransportOptions {
  /** PEM of an extra CA to trust (added to Node's public roots, not replacing them). */
  caCertPem?: string;
  timeoutMs?: number;
  maxSockets?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as received; the Graph client's Response takes these bytes as they are. */
  bytes: Buffer;
  /** The body as text (decoded on each read). */
  readonly body: string;
}

export interface HttpsTransport {
  request(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse>;
  close(): void;
}

export function createHttpsTransport(options: HttpsTransportOptions = {}): HttpsTransport {
  // The extra CA goes in one secure context built here, not in a `ca` option: the agent names its connection pool
  // from the request's TLS options, and a `ca` list (every public root plus this one) was joined into that name on
  // every request.
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? 16,
    ...(options.caCertPem ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.caCertPem] }) } : {}),
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    request(url, init) {
      return new Promise<RawResponse>((resolve, reject) => {
        const target = new URL(url);
        if (target.protocol !== 'https:') {
          reject(new Error(`refusing non-HTTPS Microsoft endpoint ${target.origin}`));
          return;
        }
        const req = https.request(target, { method: init.method, headers: init.headers, agent, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              headers,
              bytes,
              get body() {
                return bytes.toString('utf8');
              },
            });
          });
        });
        req.on('timeout', () => req.destroy(new Error(`request to ${target.host} timed out after ${timeoutMs} ms`)));
        req.on('error', reject);
        if (init.body !== undefined) req.write(init.body);
        req.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}


/** msal-node's INetworkModule over the shared transport; msal parses the JSON body itself from `body`. */
export function msalNetworkModule(transport: HttpsTransport): INetworkModule {
  const send = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const res = await transport.request(url, { method, headers: options?.headers, body: options?.body });
    let body: unknown = {};
    try {
      body = res.body ? JSON.parse(res.body) : {};
    } catch {
      body = {};
    }
    return { status: res.status, headers: res.headers, body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

function headersToRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) {
    headers.forEach((v, k) => (out[k] = v));
    return out;
  }
  if (Array.isArray(headers)) {
    for (const [k, v] of headers as [string, string][]) out[k] = v;
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) if (v !== undefined) out[k] = String(v);
  return out;
}

/** Last link of the Graph client's middleware chain: sends the request through the shared transport. */
export class HttpsMessageHandler implements Middleware {
  constructor(private readonly transport: HttpsTransport) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : (context.request as Request).url;
    const options = context.options ?? {};
    const body = options.body;
    if (body !== undefined && body !== null && typeof body !== 'string') throw new Error('only string request bodies are supported');
    const res = await this.transport.request(url, {
      method: options.method ?? 'GET',
      headers: headersToRecord(options.headers),
      body: (body as string | null | undefined) ?? undefined,
    });
    const noBody = res.status === 204 || res.status === 304 || res.bytes.length === 0;
    // The bytes, not a decoded string: Response would encode a string back to bytes before the client parses them.
    context.response = new Response(noBody ? null : (res.bytes as Uint8Array<ArrayBuffer>), { status: res.status, headers: res.headers });
  }
}
