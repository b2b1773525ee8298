import { io as connect, type Socket } from 'socket.io-client';
import type { Ack } from '../../server/gateway/contract.js';

/** Roles as the harness names its keys. */
export const WHO = ['admin', 'supervisor', 'agent1'] as const;
export type Who = (typeof WHO)[number];
export const roleOf = (who: Who): 'admin' | 'supervisor' | 'agent' => (who === 'agent1' ? 'agent' : who);

/** Roles each documented route allows, read from the OpenAPI document (the description names them). */
export function rolesFromDoc(doc: Record<string, unknown>, path: string, method: string): string[] {
  const op = (doc.paths as Record<string, Record<string, { description: string }>>)[path]![method]!;
  const m = /^Roles: (.+)\.$/.exec(op.description);
  if (!m) throw new Error(`no roles documented for ${method} ${path}`);
  return m[1]!.split(', ');
}

/** A concrete URL for a documented path; ids that exist, chosen so an allowed call cannot destroy data. */
export function concretePath(path: string): string {
  return path
    .replace('/api/profiles/{id}', '/api/profiles/default')
    .replace('/api/teams/{id}', '/api/teams/team-a')
    .replace('/api/admin/teams/{id}', '/api/admin/teams/team-a')
    .replace('/api/agents/{id}', '/api/agents/agent-1');
}

/** Every socket event a client may send and the roles allowed to send it (server/gateway/socket-gateway.ts). */
export const SOCKET_EVENTS: { event: string; roles: string[]; body?: unknown }[] = [
  { event: 'agent:get', roles: ['agent'] },
  { event: 'agent:pause', roles: ['agent'], body: { minutes: 5 } },
  { event: 'agent:resume', roles: ['agent'] },
  { event: 'directory:search', roles: ['agent', 'supervisor'], body: { query: 'Sam' } },
  { event: 'supervisor:agents', roles: ['supervisor', 'admin'] },
  { event: 'admin:status', roles: ['admin'] },
];

export type ClientSocket = Socket;

/** A real socket.io client over WebSocket, connected (or rejected) before it resolves. */
export function openSocket(url: string, token: string | null): Promise<{ socket: ClientSocket; error: string | null }> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(token ? { auth: { token } } : {}) });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err) => resolve({ socket, error: err.message }));
  });
}

/** Emits with an ack; resolves with the ack or 'no-ack' after a short wait. */
export function call(socket: ClientSocket, event: string, ...args: unknown[]): Promise<Ack<unknown> | 'no-ack'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('no-ack'), 500);
    socket.emit(event, ...args, (res: Ack<unknown>) => {
      clearTimeout(timer);
      resolve(res);
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
