import { io, type Socket } from 'socket.io-client';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../server/gateway/contract.js';

/**
 * The live socket.io connection of a component. Opens in `hostConnected`, closes in `hostDisconnected`, and
 * calls `onConnect` on every connect and reconnect so the host fetches its fresh view: after a server restart
 * the widget never shows what it knew before the gap. Every status change re-renders the host.
 */

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';
/**
 * Why the component is not connected, as a code the component renders in its reader's language: no token yet,
 * the handshake refused the credential, the server cannot be reached, or the server closed the session.
 */
export type ConnectionProblem = 'no-token' | 'unauthorised' | 'unreachable' | 'closed';
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type Listeners = { [E in keyof ServerToClientEvents]?: ServerToClientEvents[E] };

export interface ConnectionOptions {
  serverUrl: () => string;
  token: () => string;
  /** Runs after each (re)connect; the place to request the fresh view. */
  onConnect?: (socket: ClientSocket) => void;
  listeners?: Listeners;
  /** How long to wait for an ack. */
  ackTimeoutMs?: number;
  /** First delay before trying again after the server refused or closed the connection (an expired token, a restart). */
  retryAfterRejectMs?: number;
}

type AckEvent = {
  [E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]> extends [...infer _A, (res: Ack<infer _T>) => void]
    ? E
    : never;
}[keyof ClientToServerEvents];

type AckData<E extends AckEvent> = Parameters<ClientToServerEvents[E]> extends [...infer _A, (res: Ack<infer T>) => void] ? T : never;
type AckArgs<E extends AckEvent> = Parameters<ClientToServerEvents[E]> extends [...infer A, (res: Ack<infer _T>) => void] ? A : never;

export class ConnectionController implements ReactiveController {
  status: ConnectionStatus = 'disconnected';
  /** Why the last connection attempt failed, in English words (logs), or null. */
  error: string | null = null;
  /** Why the component is not connected, or null while connected or on the first attempt. */
  problem: ConnectionProblem | null = null;
  private socket: ClientSocket | null = null;
  private connectedUrl = '';
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ConnectionOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // After the first render: the component shows "connecting" at once, and the socket's set-up does not delay it.
    this.openTimer = setTimeout(() => {
      this.openTimer = undefined;
      if (!this.socket) this.open();
    }, 0);
  }

  hostDisconnected(): void {
    this.close();
  }

  /**
   * Call after the host's attributes change. A new server URL reconnects; a new token is used for the next
   * handshake (Webex Desktop refreshes `$STORE.auth.accessToken` while the socket stays up); a token that
   * arrives after start-up opens the first connection.
   */
  configure(): void {
    const url = this.options.serverUrl();
    if (this.socket && url !== this.connectedUrl) {
      this.close();
      this.open();
      return;
    }
    if (this.socket) {
      this.socket.auth = { token: this.options.token() };
      if (this.status === 'disconnected' && !this.socket.active) this.socket.connect();
      return;
    }
    // A first open already scheduled by hostConnected reads the current URL and token when it runs.
    if (this.openTimer === undefined) this.open();
  }

  get connected(): boolean {
    return this.status === 'connected';
  }

  /** Emits an event and resolves with its ack; a missing connection or a timeout resolves as an error ack. */
  async request<E extends AckEvent>(event: E, ...args: AckArgs<E>): Promise<Ack<AckData<E>>> {
    const socket = this.socket;
    if (!socket || !socket.connected) {
      return { ok: false, error: { code: 'disconnected', message: 'Not connected to the connector.' } };
    }
    const timeout = this.options.ackTimeoutMs ?? 8000;
    try {
      const emit = socket.timeout(timeout).emitWithAck as unknown as (ev: string, ...a: unknown[]) => Promise<Ack<AckData<E>>>;
      const res = await emit.call(socket, event, ...(args as unknown[]));
      if (!res || typeof res !== 'object' || typeof res.ok !== 'boolean') {
        return { ok: false, error: { code: 'bad_answer', message: 'The connector sent an answer this widget does not understand.' } };
      }
      return res;
    } catch {
      return { ok: false, error: { code: 'timeout', message: 'The connector did not answer in time.' } };
    }
  }

  private open(): void {
    const url = this.options.serverUrl();
    const token = this.options.token();
    if (!token) {
      this.setStatus('disconnected', 'No sign-in token yet.', 'no-token');
      return;
    }
    this.connectedUrl = url;
    const socket: ClientSocket = url
      ? io(url, { auth: { token }, transports: ['websocket'] })
      : io({ auth: { token }, transports: ['websocket'] });
    this.socket = socket;
    this.setStatus('connecting', null, null);

    socket.on('connect', () => {
      this.retries = 0;
      this.setStatus('connected', null, null);
      this.options.onConnect?.(socket);
    });
    socket.on('disconnect', (reason) => {
      if (socket.active) {
        // The transport dropped (server stopped, network gone): socket.io retries; nothing shown is current.
        this.setStatus('connecting', null, 'unreachable');
        return;
      }
      // The server closed the session itself (a graceful restart, a revoked token): socket.io will not reconnect
      // on its own, but the widget must come back with a fresh view once the server is up again.
      this.setStatus('disconnected', reason === 'io server disconnect' ? 'The connector closed the connection; retrying.' : 'Disconnected.', 'closed');
      if (reason === 'io server disconnect') this.scheduleRetry(socket);
    });
    socket.on('connect_error', (err: Error) => {
      // `active` false means the server refused the handshake (middleware error): the client will not retry by
      // itself, so try again later with whatever token the host holds by then.
      if (!socket.active) {
        this.setStatus('disconnected', err.message || 'The connector refused the connection.', 'unauthorised');
        this.scheduleRetry(socket);
      } else {
        this.setStatus('connecting', 'The connector cannot be reached; retrying.', 'unreachable');
      }
    });
    for (const [event, listener] of Object.entries(this.options.listeners ?? {})) {
      socket.on(event as keyof ServerToClientEvents, listener as never);
    }
  }

  /** Retries back off exponentially from `retryAfterRejectMs` to a minute, and reset on a successful connect. */
  private scheduleRetry(socket: ClientSocket): void {
    clearTimeout(this.retryTimer);
    const base = this.options.retryAfterRejectMs ?? 5000;
    const delay = Math.min(base * 2 ** this.retries, 60_000);
    this.retries++;
    this.retryTimer = setTimeout(() => {
      if (this.socket !== socket || socket.connected) return;
      socket.auth = { token: this.options.token() };
      this.setStatus('connecting', this.error, this.problem);
      socket.connect();
    }, delay);
  }

  private close(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.openTimer);
    this.openTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
    this.setStatus('disconnected', null, null);
  }

  private setStatus(status: ConnectionStatus, error: string | null, problem: ConnectionProblem | null): void {
    if (this.status === status && this.error === error && this.problem === problem) return;
    this.status = status;
    this.error = error;
    this.problem = problem;
    this.host.requestUpdate();
  }
}
