import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentView, ClientToServerEvents, ServerToClientEvents } from '../../server/gateway/contract.js';
import { ConnectionController, type ConnectionStatus } from '../../widget/connection-controller.js';

/** A host that records what a Lit element would: its controllers and how often it was asked to re-render. */
class RecordingHost {
  controllers: ConnectionController[] = [];
  updates = 0;
  addController(c: ConnectionController): void {
    this.controllers.push(c);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates++;
  }
  get updateComplete(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

const view = (agentId: string, state: string): AgentView =>
  ({ agentId, state, name: agentId, lastDecision: null, presence: null }) as unknown as AgentView;

interface Running {
  http: HttpServer;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  url: string;
  tokens: string[];
}

const running: Running[] = [];
const controllers: ConnectionController[] = [];

async function startServer(port = 0, acceptToken = (t: string) => t.startsWith('agent-')): Promise<Running> {
  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  const tokens: string[] = [];
  io.use((socket, next) => {
    const token = String(socket.handshake.auth.token ?? '');
    tokens.push(token);
    next(acceptToken(token) ? undefined : new Error('unauthenticated'));
  });
  io.on('connection', (socket) => {
    socket.on('agent:get', (ack) => ack({ ok: true, data: view('a1', 'Available') }));
    socket.on('agent:pause', (body, ack) =>
      body.minutes > 0 ? ack({ ok: true, data: view('a1', 'Available') }) : ack({ ok: false, error: { code: 'invalid', message: 'minutes', field: 'minutes' } }),
    );
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const r = { http, io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, tokens };
  running.push(r);
  return r;
}

async function stop(r: Running): Promise<void> {
  r.io.disconnectSockets(true);
  await new Promise<void>((resolve) => r.io.close(() => resolve()));
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(async () => {
  for (const c of controllers.splice(0)) c.hostDisconnected();
  for (const r of running.splice(0)) await stop(r).catch(() => undefined);
});

function connect(url: () => string, token: () => string, extra: Partial<ConstructorParameters<typeof ConnectionController>[1]> = {}) {
  const host = new RecordingHost();
  const seen: { views: AgentView[]; connects: number; statuses: ConnectionStatus[] } = { views: [], connects: 0, statuses: [] };
  const controller = new ConnectionController(host, {
    serverUrl: url,
    token,
    onConnect: () => {
      seen.connects++;
      void controller.request('agent:get').then((res) => res.ok && seen.views.push(res.data));
    },
    listeners: { 'agent:view': (v) => seen.views.push(v) },
    ...extra,
  });
  controllers.push(controller);
  return { host, controller, seen };
}

describe('ConnectionController', () => {
  it('registers with its host, connects with the token and fetches the view on connect', async () => {
    const server = await startServer();
    const { host, controller, seen } = connect(() => server.url, () => 'agent-a1');
    expect(host.controllers).toEqual([controller]);
    expect(controller.status).toBe('disconnected');
    controller.hostConnected();
    // The socket opens right after the host's first render, not inside it.
    expect(controller.status).toBe('disconnected');
    await until(() => controller.status === 'connecting' || controller.status === 'connected', 'the socket to open');
    await until(() => seen.views.length === 1, 'the view');
    expect(controller.status).toBe('connected');
    expect(server.tokens).toEqual(['agent-a1']);
    expect(seen.views[0].state).toBe('Available');
    expect(host.updates).toBeGreaterThanOrEqual(2);

    server.io.emit('agent:view', view('a1', 'Idle'));
    await until(() => seen.views.length === 2, 'the pushed view');
    expect(seen.views[1].state).toBe('Idle');
  });

  it('returns error acks as values and never throws', async () => {
    const server = await startServer();
    const { controller, seen } = connect(() => server.url, () => 'agent-a1', { ackTimeoutMs: 300 });
    controller.hostConnected();
    await until(() => seen.connects === 1, 'connect');
    await expect(controller.request('agent:pause', { minutes: 0 })).resolves.toEqual({
      ok: false,
      error: { code: 'invalid', message: 'minutes', field: 'minutes' },
    });
    // No handler on the server: the ack never comes.
    const res = await controller.request('directory:search', { query: 'ada' });
    expect(res).toMatchObject({ ok: false, error: { code: 'timeout' } });
    controller.hostDisconnected();
    expect(controller.status).toBe('disconnected');
    await expect(controller.request('agent:get')).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
  });

  it('fetches a fresh view again after a graceful server restart and after a dropped transport', async () => {
    const first = await startServer();
    const port = Number(new URL(first.url).port);
    const { controller, seen } = connect(() => first.url, () => 'agent-a1', { retryAfterRejectMs: 50 });
    controller.hostConnected();
    await until(() => seen.connects === 1, 'first connect');

    // Graceful shutdown: the server disconnects every socket, which socket.io clients do not retry by themselves.
    await stop(first);
    await until(() => controller.status !== 'connected', 'the drop');
    // The host is told why, so it can say the connector is gone instead of showing the last state.
    expect(['closed', 'unreachable']).toContain(controller.problem);
    const second = await startServer(port);
    await until(() => seen.connects === 2 && seen.views.length === 2, 'reconnect and refetch', 10_000);
    expect(controller.status).toBe('connected');

    // A crash looks like a closed transport; socket.io's own reconnection brings the view back.
    for (const socket of second.io.sockets.sockets.values()) socket.conn.close();
    await until(() => controller.problem === 'unreachable' || seen.connects === 3, 'the dropped transport to be noticed');
    await until(() => seen.connects === 3 && seen.views.length === 3, 'reconnect after the transport closed', 10_000);
    expect(controller.status).toBe('connected');
    expect(controller.problem).toBeNull();
  });

  it('says the connector is unreachable when nothing listens, and keeps trying', async () => {
    const { controller } = connect(() => 'http://127.0.0.1:9', () => 'agent-a1');
    controller.hostConnected();
    await until(() => controller.problem === 'unreachable', 'the failed attempt');
    expect(controller.status).toBe('connecting');
  });

  it('waits for a token, then retries a refused handshake with the refreshed token', async () => {
    const server = await startServer();
    let token = '';
    const { controller, seen } = connect(() => server.url, () => token, { retryAfterRejectMs: 50 });
    controller.hostConnected();
    await until(() => controller.problem === 'no-token', 'the missing token to be noticed');
    expect(controller.status).toBe('disconnected');
    expect(controller.error).toMatch(/token/);

    token = 'expired';
    controller.configure();
    await until(() => controller.status === 'disconnected' && controller.error === 'unauthenticated', 'the refusal');
    expect(controller.problem).toBe('unauthorised');
    token = 'agent-a1';
    controller.configure();
    await until(() => seen.connects === 1, 'connect with the new token');
    expect(server.tokens).toContain('expired');
    expect(server.tokens.at(-1)).toBe('agent-a1');
  });

  it('moves to a new server when the URL changes', async () => {
    const a = await startServer();
    const b = await startServer();
    let url = a.url;
    const { controller, seen } = connect(() => url, () => 'agent-a1');
    controller.hostConnected();
    await until(() => seen.connects === 1, 'first server');
    url = b.url;
    controller.configure();
    await until(() => seen.connects === 2, 'second server');
    expect(a.tokens).toHaveLength(1);
    expect(b.tokens).toHaveLength(1);
    expect(a.io.sockets.sockets.size).toBe(0);
  });
});
