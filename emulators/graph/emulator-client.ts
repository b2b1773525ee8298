import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A small HTTPS client for the emulator that trusts its generated certificate: for tests, the benchmark and
 * the sandbox to drive the `/_emulator/` control surface (and to call Graph directly without msal).
 */
export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  /** JSON body. */
  body?: unknown;
  /** Form body (application/x-www-form-urlencoded), as the token endpoint expects. */
  form?: Record<string, string>;
  token?: string;
  headers?: Record<string, string>;
}

export class GraphEmulatorClient {
  private readonly agent: https.Agent;

  constructor(
    readonly url: string,
    caCertPem: string,
    private readonly tenantId?: string,
    private readonly clientId?: string,
    private readonly clientSecret?: string,
  ) {
    this.agent = new https.Agent({ ca: caCertPem, keepAlive: true, maxSockets: 32 });
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpReply> {
    const headers: Record<string, string> = { ...opts.headers };
    let payload: string | undefined;
    if (opts.form) {
      payload = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const target = new URL(path, this.url);
    return new Promise((resolve, reject) => {
      const req = https.request(target, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** `/_emulator/...` call that must succeed (2xx); returns the parsed JSON (or null for an empty body). */
  async control<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.request(method, path.startsWith('/') ? path : `/_emulator/${path}`, { body });
    if (reply.status < 200 || reply.status >= 300) throw new Error(`${method} ${path} → ${reply.status}: ${reply.text}`);
    return (reply.text ? JSON.parse(reply.text) : null) as T;
  }

  /** Client-credentials app token with the configured secret. */
  async appToken(): Promise<string> {
    const reply = await this.request('POST', `/${this.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'client_credentials', client_id: this.clientId ?? '', client_secret: this.clientSecret ?? '', scope: 'https://graph.microsoft.com/.default' },
    });
    if (reply.status !== 200) throw new Error(`token → ${reply.status}: ${reply.text}`);
    return reply.json<{ access_token: string }>().access_token;
  }

  /** Delegated token of a seeded user (password grant), as a subscribe-mode service account gets it. */
  async delegatedToken(username: string, password: string): Promise<string> {
    const reply = await this.request('POST', `/${this.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'password', client_id: this.clientId ?? '', client_secret: this.clientSecret ?? '', username, password, scope: 'https://graph.microsoft.com/.default offline_access' },
    });
    if (reply.status !== 200) throw new Error(`token → ${reply.status}: ${reply.text}`);
    return reply.json<{ access_token: string }>().access_token;
  }

  close(): void {
    this.agent.destroy();
  }
}
