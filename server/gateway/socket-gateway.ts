import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { z } from 'zod';
import { AppError, errorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Authenticator, Principal, Publisher } from '../ports.js';
import type { Services } from '../services/index.js';
import { directoryEntryView } from '../services/view-service.js';
import { parseOrThrow } from '../validation.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from './contract.js';

type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;

const agentRoom = (id: string): string => `agent:${id}`;
const SUPERVISORS = 'supervisors';
const ADMINS = 'admins';

const pauseBody = z.object({ minutes: z.number().int().min(1) }).strict();
const searchBody = z.object({ query: z.string().trim().min(2).max(100) }).strict();

/**
 * socket.io gateway. Authentication happens at connect; each agent socket joins only its own room, and every
 * event checks the role. Acks are `{ok, data} | {ok:false, error}`. Pushes are coalesced: many changes to one
 * agent within a tick become one view.
 */
export class SocketGateway implements Publisher {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;
  private services: Services | null = null;
  private readonly dirty = new Set<string>();
  private flushScheduled = false;

  /** `options` (origin allow-list, pending-socket caps) come from server/http/socket-guard.ts. */
  constructor(httpServer: HttpServer, private readonly auth: Authenticator, private readonly logger: Logger, options: Partial<ServerOptions> = {}) {
    this.io = new Server(httpServer, { cors: { origin: true, credentials: false }, maxHttpBufferSize: 16_384, serveClient: false, ...options });
    this.io.use((socket, next) => {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : null;
      if (!token) return next(new Error('unauthenticated: missing token'));
      this.auth(token, socket.handshake.address)
        .then((principal) => {
          if (!principal) return next(new Error('unauthenticated: unknown or revoked credential'));
          socket.data.principal = principal;
          next();
        })
        .catch(() => next(new Error('unauthenticated: credential check failed')));
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  attach(services: Services): void {
    this.services = services;
  }

  agentsChanged(agentIds: Iterable<string>): void {
    for (const id of agentIds) this.dirty.add(id);
    if (this.dirty.size > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  connectorChanged(): void {
    const s = this.services;
    if (!s) return;
    this.io.to(ADMINS).emit('connector:status', s.status());
    this.agentsChanged(s.views.agentIds());
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.io.close(() => resolve()));
  }

  private flush(): void {
    this.flushScheduled = false;
    const s = this.services;
    if (!s) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    // A view is built and encoded only for someone who receives it: the agent's own widget, or a supervisor.
    const rooms = this.io.sockets.adapter.rooms;
    const supervisors = Boolean(rooms.get(SUPERVISORS)?.size);
    const views = [];
    for (const id of ids) {
      const room = agentRoom(id);
      const watched = Boolean(rooms.get(room)?.size);
      if (!watched && !supervisors) continue;
      const view = s.views.view(id);
      if (!view) continue;
      if (supervisors) views.push(view);
      if (watched) this.io.to(room).emit('agent:view', view);
    }
    if (views.length) this.io.to(SUPERVISORS).emit('agents:changed', views);
  }

  private onConnection(socket: GatewaySocket): void {
    const p = socket.data.principal;
    if (p.role === 'agent' && p.agentId) void socket.join(agentRoom(p.agentId));
    if (p.role === 'supervisor' || p.role === 'admin') void socket.join(SUPERVISORS);
    if (p.role === 'admin') void socket.join(ADMINS);

    const handle = <T>(roles: Principal['role'][], fn: () => T | Promise<T>, ack: unknown): void => {
      if (typeof ack !== 'function') return; // every event needs an ack; ignore malformed calls
      const reply = ack as (res: Ack<T>) => void;
      Promise.resolve()
        .then(() => {
          if (!roles.includes(p.role)) throw new AppError('forbidden', `this event needs the ${roles.join(' or ')} role`);
          if (!this.services) throw new AppError('unavailable', 'the connector is starting');
          return fn();
        })
        .then((data) => reply({ ok: true, data }))
        .catch((err: unknown) => {
          if (!(err instanceof AppError)) this.logger.error({ err: (err as Error)?.message }, 'socket handler failed');
          const { code, message, field } = errorBody(err);
          reply({ ok: false, error: { code, message, ...(field ? { field } : {}) } });
        });
    };
    const own = (): string => {
      if (!p.agentId) throw new AppError('forbidden', 'this credential is not bound to an agent');
      return p.agentId;
    };
    const viewOf = (id: string) => {
      const v = this.services!.views.view(id);
      if (!v) throw new AppError('not_found', 'your agent is not known to the connector yet');
      return v;
    };

    socket.on('agent:get', (ack) => handle(['agent'], () => viewOf(own()), ack));
    socket.on('agent:pause', (body, ack) =>
      handle(['agent'], () => {
        const { minutes } = parseOrThrow(pauseBody, body, 'pause body');
        this.services!.agents.pause(own(), minutes);
        return viewOf(own());
      }, ack),
    );
    socket.on('agent:resume', (ack) =>
      handle(['agent'], () => {
        this.services!.agents.resume(own());
        return viewOf(own());
      }, ack),
    );
    socket.on('directory:search', (body, ack) =>
      handle(['agent', 'supervisor'], async () => {
        const { query } = parseOrThrow(searchBody, body, 'search body');
        const entries = await this.services!.directory.search(query, 20, p.keyId ?? p.agentId ?? p.name);
        return entries.map((e) => directoryEntryView(e, Date.now()));
      }, ack),
    );
    socket.on('supervisor:agents', (ack) => handle(['supervisor', 'admin'], () => this.services!.views.all(), ack));
    socket.on('admin:status', (ack) => handle(['admin'], () => this.services!.status(), ack));
  }
}
