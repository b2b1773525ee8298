/**
 * Test helpers for the Webex CC emulator: bearer-authenticated fetch and a notification-socket client that
 * records frames and waits for one matching a predicate.
 */
import WebSocket from 'ws';

export interface Frame {
  type: string;
  orgId?: string;
  trackingId?: string;
  data: Record<string, any>;
}

export async function api(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POSTs an `application/x-www-form-urlencoded` body (the OAuth token endpoint's format). */
export async function form(base: string, path: string, fields: Record<string, string>): Promise<{ status: number; json: any }> {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export class SocketClient {
  readonly frames: Frame[] = [];
  closed = false;
  closeCode = 0;
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const f = JSON.parse(raw.toString()) as Frame;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve(f);
        return false;
      });
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
  }

  /** Subscribes with the token and connects; resolves after the Welcome frame. */
  static async open(base: string, token: string, body: Record<string, unknown> = {}): Promise<SocketClient> {
    const sub = await api(base, token, 'POST', '/v1/notification/subscribe', { clientType: 'AgentDesktop', ...body });
    if (sub.status !== 200) throw new Error(`subscribe failed: ${sub.status} ${sub.text}`);
    const ws = new WebSocket(sub.json.webSocketUrl);
    const client = new SocketClient(ws);
    const failed = new Promise<never>((_, reject) => ws.once('error', (err) => reject(err)));
    ws.on('error', () => {});
    await Promise.race([client.next((f) => f.type === 'Welcome'), failed]);
    return client;
  }

  /** Frames other than the server's `{"keepalive":"true"}`. */
  events(): Frame[] {
    return this.frames.filter((f) => (f as unknown as { keepalive?: string }).keepalive === undefined);
  }

  /** The first recorded or future frame matching `pred`. */
  next(pred: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.data?.type ?? f.type).join(',')}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Resolves when the socket closes. */
  whenClosed(timeoutMs = 3000): Promise<number> {
    if (this.closed) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.once('close', (code) => (clearTimeout(timer), resolve(code)));
    });
  }

  close(): void {
    this.ws.close();
  }
}

export const byData = (type: string, extra: (d: Record<string, any>) => boolean = () => true) => (f: Frame): boolean => f.data?.type === type && extra(f.data);
