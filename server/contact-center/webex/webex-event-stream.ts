import WebSocket from 'ws';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../ports.js';
import type { WebexHttpClient } from './webex-http-client.js';
import { obj, str } from './webex-payload.js';

/**
 * The agent event stream: `POST /v1/notification/subscribe` (keepalive enabled) answers a one-off WebSocket
 * URL; the socket's first frame is `Welcome`. Webex drops a socket that stays silent for 16 s, so the client
 * sends `{"keepalive":"true"}` every 4 s; a protocol ping rides along, and a socket whose pongs stop is
 * treated as dead even when TCP has not noticed yet.
 *
 * Whenever the socket closes, fails to open, or the subscribe call fails, the stream reports `down` once and
 * subscribes again with exponential backoff and jitter; it reports `up` when the next Welcome arrives. Events
 * emitted while the socket was down are lost, which is why the engine reconciles on every `up`.
 */

export interface WebexEventStreamOptions {
  http: WebexHttpClient;
  clock: Clock;
  logger: Logger;
  keepaliveMs?: number;
  welcomeTimeoutMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  clientType?: string;
  random?: () => number;
}

export type StreamStatus = 'up' | 'down';

export class WebexEventStream {
  private socket: WebSocket | null = null;
  private timers: { cancel(): void }[] = [];
  private keepaliveTimer: { cancel(): void } | null = null;
  private stopped = true;
  private status: StreamStatus | null = null;
  private failures = 0;
  private onFrame: (frame: unknown) => void = () => {};
  private onStatus: (status: StreamStatus) => void = () => {};
  private firstAttempt: (() => void) | null = null;
  private readonly keepaliveMs: number;

  constructor(private readonly opts: WebexEventStreamOptions) {
    this.keepaliveMs = opts.keepaliveMs ?? 4_000;
  }

  get up(): boolean {
    return this.status === 'up';
  }

  /** Resolves once the first connection attempt has either come up or failed (retries go on in the background). */
  start(onFrame: (frame: unknown) => void, onStatus: (status: StreamStatus) => void): Promise<void> {
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.stopped = false;
    return new Promise((resolve) => {
      this.firstAttempt = resolve;
      void this.connect();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.terminate();
      });
    }
    this.settleFirstAttempt();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let url: string | undefined;
    try {
      const res = await this.opts.http.request<unknown>('subscribe to agent events', {
        method: 'POST',
        path: '/v1/notification/subscribe',
        body: { isKeepAliveEnabled: true, clientType: this.opts.clientType ?? 'PresenceConnector', allowMultiLogin: true },
        retry: false,
      });
      url = str(obj(res.data).webSocketUrl);
      if (!url) throw new Error('subscribe answered without webSocketUrl');
    } catch (err) {
      this.fail(`subscribe failed: ${(err as Error).message}`);
      return;
    }
    if (this.stopped) return;
    this.open(url);
  }

  private open(url: string): void {
    const socket = new WebSocket(url, { handshakeTimeout: 10_000 });
    this.socket = socket;
    let lastPongAt = this.opts.clock.now();
    const welcome = this.opts.clock.setTimeout(() => {
      this.opts.logger.warn('webex event stream sent no Welcome in time');
      socket.terminate();
    }, this.opts.welcomeTimeoutMs ?? 30_000);
    this.timers.push(welcome);

    const keepalive = (): void => {
      if (socket !== this.socket || socket.readyState !== WebSocket.OPEN) return;
      if (this.opts.clock.now() - lastPongAt > this.keepaliveMs * 4) {
        this.opts.logger.warn('webex event stream stopped answering pings');
        socket.terminate();
        return;
      }
      socket.send(JSON.stringify({ keepalive: 'true' }));
      socket.ping();
      this.keepaliveTimer = this.opts.clock.setTimeout(keepalive, this.keepaliveMs);
    };

    socket.on('open', () => {
      lastPongAt = this.opts.clock.now();
      this.keepaliveTimer = this.opts.clock.setTimeout(keepalive, this.keepaliveMs);
    });
    socket.on('pong', () => {
      lastPongAt = this.opts.clock.now();
    });
    socket.on('message', (raw) => {
      if (socket !== this.socket) return;
      let frame: unknown;
      try {
        frame = JSON.parse(raw.toString());
      } catch {
        this.opts.logger.warn('webex event stream sent a frame that is not JSON');
        return;
      }
      const type = str(obj(frame).type);
      if (type === 'Welcome') {
        welcome.cancel();
        this.failures = 0;
        this.setStatus('up');
        this.settleFirstAttempt();
        return;
      }
      if (type === 'KeepAlive' || obj(frame).keepalive !== undefined) return;
      this.onFrame(frame);
    });
    socket.on('error', (err) => {
      this.opts.logger.warn({ reason: err.message }, 'webex event stream error');
    });
    socket.on('close', (code) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.clearTimers();
      if (!this.stopped) this.fail(`socket closed (${code})`);
    });
  }

  private fail(reason: string): void {
    if (this.stopped) return;
    this.setStatus('down');
    this.settleFirstAttempt();
    const delay = this.backoff();
    this.failures++;
    this.opts.logger.warn({ reason, retryInMs: delay }, 'webex event stream down, reconnecting');
    this.clearTimers();
    this.timers.push(this.opts.clock.setTimeout(() => void this.connect(), delay));
  }

  private backoff(): number {
    const base = this.opts.reconnectBaseMs ?? 500;
    const ceiling = Math.min(this.opts.reconnectMaxMs ?? 30_000, base * 2 ** this.failures);
    return Math.round(ceiling / 2 + (this.opts.random ?? Math.random)() * (ceiling / 2));
  }

  private setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.onStatus(status);
  }

  private settleFirstAttempt(): void {
    const resolve = this.firstAttempt;
    this.firstAttempt = null;
    resolve?.();
  }

  private clearTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.keepaliveTimer?.cancel();
    this.keepaliveTimer = null;
  }
}
