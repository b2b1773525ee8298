import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, AgentView } from '../../server/gateway/contract.js';

export type ClientSocket = Socket;

/** A real socket.io client; resolves once connected or refused (with the server's reason). */
export function connectSocket(url: string, token: string | null, opts: { reconnection?: boolean } = {}): Promise<{ socket: ClientSocket; error: string | null }> {
  const socket = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: opts.reconnection ?? false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    ...(token ? { auth: { token } } : {}),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err) => resolve({ socket, error: err.message }));
  });
}

export function ask<T = unknown>(socket: ClientSocket, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 2000);
    socket.emit(event, ...args, (res: Ack<T>) => {
      clearTimeout(timer);
      resolve(res);
    });
  });
}

/** Collects pushed agent views; `next(pred)` waits for the first (already seen or future) view matching. */
export function viewRecorder(socket: ClientSocket) {
  const views: AgentView[] = [];
  const waiters: { pred: (v: AgentView) => boolean; resolve: (v: AgentView) => void }[] = [];
  socket.on('agent:view', (v: AgentView) => {
    views.push(v);
    for (const w of [...waiters]) if (w.pred(v)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(v);
    }
  });
  return {
    views,
    /** Waits for a view pushed after this call that satisfies pred. */
    next(pred: (v: AgentView) => boolean = () => true, timeoutMs = 3000): Promise<AgentView> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching agent:view within ${timeoutMs} ms; saw ${JSON.stringify(views.map((v) => [v.agentId, v.state, v.idleCodeName]))}`)), timeoutMs);
        waiters.push({ pred, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
