/**
 * The notification WebSocket (`/v1/notification/subscription/{id}`). A subscription is created by
 * `POST /v1/notification/subscribe` and consumed by one WebSocket connection. An agent token's socket receives
 * that agent's frames; a supervisor or integration token's socket receives the frames of every agent in the org
 * (an emulator convenience standing in for the supervisor realtime feed). Each frame is serialized once and sent
 * to every matching socket.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { EmulatorStats, FaultInjector } from './fault-injector.js';

export interface SubscriptionRequest {
  userId: string;
  /** true: frames of all agents; false: only the frames of `userId`. */
  orgWide: boolean;
  keepalive: boolean;
  clientType: string;
  allowMultiLogin: boolean;
  force: boolean;
}

interface Conn {
  ws: WebSocket;
  sub: SubscriptionRequest;
  subscriptionId: string;
  lastKeepalive: number;
}

const PATH_PREFIX = '/v1/notification/subscription/';
const PENDING_TTL_MS = 5 * 60_000;
const MAX_MULTI_LOGIN = 10;

export class EventHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly pending = new Map<string, { sub: SubscriptionRequest; createdAt: number }>();
  private readonly byAgent = new Map<string, Set<Conn>>();
  private readonly orgWide = new Set<Conn>();
  private readonly conns = new Set<Conn>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly orgId: string,
    private readonly faults: FaultInjector,
    private readonly stats: EmulatorStats,
    private readonly keepaliveTimeoutMs: number,
    private readonly log: (msg: string) => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(1000, Math.max(50, Math.floor(keepaliveTimeoutMs / 4))));
    this.sweeper.unref();
  }

  /** Registers a subscription; returns its id, or an error when the multi-login limit is reached. */
  subscribe(sub: SubscriptionRequest): { subscriptionId: string } | { error: string } {
    if (sub.allowMultiLogin && !sub.force) {
      let same = 0;
      for (const c of this.conns) if (c.sub.userId === sub.userId && c.sub.clientType === sub.clientType) same++;
      if (same >= MAX_MULTI_LOGIN) return { error: `more than ${MAX_MULTI_LOGIN} connections for clientType ${sub.clientType}` };
    }
    const subscriptionId = `${sub.clientType}-${randomBytes(10).toString('hex')}`;
    this.pending.set(subscriptionId, { sub, createdAt: Date.now() });
    return { subscriptionId };
  }

  /** Handles an HTTP upgrade; returns false when the path is not a notification socket. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (!path.startsWith(PATH_PREFIX)) return false;
    const id = decodeURIComponent(path.slice(PATH_PREFIX.length));
    const entry = this.pending.get(id);
    if (this.faults.settings.refuseSockets) {
      this.stats.socketsRefused++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    if (!entry) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.pending.delete(id);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, entry.sub, id));
    return true;
  }

  private attach(ws: WebSocket, sub: SubscriptionRequest, subscriptionId: string): void {
    if (!sub.allowMultiLogin || sub.force) this.evictOthers(sub);
    const conn: Conn = { ws, sub, subscriptionId, lastKeepalive: Date.now() };
    this.conns.add(conn);
    if (sub.orgWide) this.orgWide.add(conn);
    else {
      let set = this.byAgent.get(sub.userId);
      if (!set) this.byAgent.set(sub.userId, (set = new Set()));
      set.add(conn);
    }
    this.stats.socketsOpened++;
    ws.on('message', (raw) => {
      const text = raw.toString();
      if (text.includes('keepalive')) {
        try {
          if ((JSON.parse(text) as { keepalive?: unknown }).keepalive === 'true') conn.lastKeepalive = Date.now();
        } catch {
          /* not JSON: ignored like any other client message */
        }
      }
    });
    ws.on('close', () => this.detach(conn));
    ws.on('error', () => this.detach(conn));
    ws.send(JSON.stringify({ type: 'Welcome', orgId: this.orgId, trackingId: randomUUID(), data: { agentId: sub.userId, subscriptionId } }));
    this.log(`socket open ${subscriptionId} (${sub.orgWide ? 'org-wide' : 'agent'})`);
  }

  /** Without allowMultiLogin (or with force) a new login closes the user's older sockets of the same clientType. */
  private evictOthers(sub: SubscriptionRequest): void {
    for (const c of [...this.conns]) {
      if (c.sub.userId !== sub.userId || c.sub.clientType !== sub.clientType) continue;
      const frame = { type: 'AGENT_MULTI_LOGIN', orgId: this.orgId, trackingId: randomUUID(), data: { type: 'AgentMultiLoginCloseSession', agentId: sub.userId, reason: 'Multiple logins', agentSessionId: c.subscriptionId } };
      c.ws.send(JSON.stringify(frame));
      c.ws.close(4000, 'multi-login');
      this.detach(c);
    }
  }

  private detach(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    this.orgWide.delete(conn);
    const set = this.byAgent.get(conn.sub.userId);
    if (set) {
      set.delete(conn);
      if (set.size === 0) this.byAgent.delete(conn.sub.userId);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of this.conns) {
      if (c.sub.keepalive && now - c.lastKeepalive > this.keepaliveTimeoutMs) {
        this.stats.socketsClosedByKeepalive++;
        this.log(`socket ${c.subscriptionId} dropped: no keepalive for ${this.keepaliveTimeoutMs} ms`);
        c.ws.close(4001, 'keepalive timeout');
        this.detach(c);
      }
    }
    for (const [id, p] of this.pending) if (now - p.createdAt > PENDING_TTL_MS) this.pending.delete(id);
  }

  /** True when some socket would receive a frame about this agent (lets callers skip building frames). */
  hasListeners(agentId: string): boolean {
    return this.orgWide.size > 0 || this.byAgent.has(agentId);
  }

  /** Sends one frame about `agentId` to the agent's sockets and to the org-wide sockets, faults applied. */
  publish(agentId: string, frame: object): void {
    const own = this.byAgent.get(agentId);
    if (this.orgWide.size === 0 && !own) return;
    const fate = this.faults.delivery();
    if (fate === 'drop') {
      this.stats.framesDropped++;
      return;
    }
    const text = JSON.stringify(frame);
    const send = (): void => {
      if (own) for (const c of own) this.sendText(c, text);
      for (const c of this.orgWide) this.sendText(c, text);
    };
    if (fate === 'delay') {
      this.stats.framesDelayed++;
      setTimeout(send, this.faults.settings.reorderDelayMs).unref();
      return;
    }
    send();
    if (fate === 'duplicate') {
      this.stats.framesDuplicated++;
      send();
    }
  }

  private sendText(c: Conn, text: string): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    c.ws.send(text);
    this.stats.framesSent++;
  }

  /** Drops every socket abruptly, as a network failure would (no close handshake). */
  closeAll(): number {
    const n = this.conns.size;
    for (const c of [...this.conns]) {
      c.ws.terminate();
      this.detach(c);
    }
    return n;
  }

  socketCount(): { agent: number; orgWide: number } {
    return { agent: this.conns.size - this.orgWide.size, orgWide: this.orgWide.size };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.closeAll();
    this.wss.close();
  }
}
