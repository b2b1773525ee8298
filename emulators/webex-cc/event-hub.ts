/**
 * The notification WebSocket (`/v1/notification/subscription/{id}`). A subscription is created by
 * `POST /v1/notification/subscribe` and consumed by one WebSocket connection, which receives the subscribing
 * user's own frames only. With the `orgWideSocket` invention a supervisor's or administrator's socket receives
 * every agent's frames instead. The server sends `{"keepalive":"true"}` frames of its own; when an agent's last
 * socket drops, `onAgentGone` lets the state engine record `agent-wss-disconnect`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { FaultInjector } from '../kit/faults.js';
import type { EmulatorStats } from './stats.js';

export interface SubscriptionRequest {
  userId: string;
  /** The subscriber is an agent (its socket is a desktop socket). */
  isAgent: boolean;
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
  private readonly keepaliveTimer: NodeJS.Timeout | null;
  /** Called when the last socket of a logged-in agent closes for any reason other than a newer login. */
  onAgentGone: (agentId: string) => void = () => {};

  constructor(
    private readonly orgId: string,
    private readonly faults: FaultInjector,
    private readonly stats: EmulatorStats,
    private readonly keepaliveTimeoutMs: number,
    serverKeepaliveMs: number,
    private readonly log: (msg: string) => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(1000, Math.max(50, Math.floor(keepaliveTimeoutMs / 4))));
    this.sweeper.unref();
    this.keepaliveTimer = serverKeepaliveMs > 0 ? setInterval(() => this.sendKeepalives(), serverKeepaliveMs) : null;
    this.keepaliveTimer?.unref();
  }

  private sendKeepalives(): void {
    for (const c of this.conns) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      c.ws.send('{"keepalive":"true"}');
      this.stats.keepalivesSent++;
    }
  }

  /** Registers a subscription; returns its id, or an error when the multi-login limit is reached. */
  subscribe(sub: SubscriptionRequest): { subscriptionId: string } | { error: string } {
    if (sub.allowMultiLogin && !sub.force && this.sameClient(sub).length >= MAX_MULTI_LOGIN) {
      return { error: `more than ${MAX_MULTI_LOGIN} connections for clientType ${sub.clientType}` };
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

  private sameClient(sub: SubscriptionRequest): Conn[] {
    return [...this.conns].filter((c) => c.sub.userId === sub.userId && c.sub.clientType === sub.clientType);
  }

  private attach(ws: WebSocket, sub: SubscriptionRequest, subscriptionId: string): void {
    // Without allowMultiLogin every connection of that clientType is dropped; with it and force, one random
    // connection is dropped once the limit is reached (OAS NotificationRequest).
    const same = this.sameClient(sub);
    if (!sub.allowMultiLogin) for (const c of same) this.evict(c);
    else if (sub.force && same.length >= MAX_MULTI_LOGIN) this.evict(same[Math.floor(Math.random() * same.length)]);
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
    ws.on('close', () => this.detach(conn, true));
    ws.on('error', () => this.detach(conn, true));
    ws.send(JSON.stringify({ type: 'Welcome', orgId: this.orgId, trackingId: randomUUID(), data: { agentId: sub.userId, subscriptionId } }));
    this.log(`socket open ${subscriptionId} (${sub.orgWide ? 'org-wide' : 'agent'})`);
  }

  /** A newer login closes an older socket; it receives `AGENT_MULTI_LOGIN` first. */
  private evict(c: Conn): void {
    const frame = { type: 'AGENT_MULTI_LOGIN', orgId: this.orgId, trackingId: randomUUID(), data: { type: 'AgentMultiLoginCloseSession', agentId: c.sub.userId, reason: 'Multiple logins', agentSessionId: c.subscriptionId } };
    c.ws.send(JSON.stringify(frame));
    c.ws.close(4000, 'multi-login');
    this.detach(c, false);
  }

  private detach(conn: Conn, dropped: boolean): void {
    if (!this.conns.delete(conn)) return;
    this.orgWide.delete(conn);
    const set = this.byAgent.get(conn.sub.userId);
    if (set) {
      set.delete(conn);
      if (set.size === 0) this.byAgent.delete(conn.sub.userId);
    }
    if (dropped && conn.sub.isAgent && !this.byAgent.has(conn.sub.userId)) this.onAgentGone(conn.sub.userId);
  }

  private sweep(): void {
    const now = Date.now();
    for (const c of this.conns) {
      if (c.sub.keepalive && now - c.lastKeepalive > this.keepaliveTimeoutMs) {
        this.stats.socketsClosedByKeepalive++;
        this.log(`socket ${c.subscriptionId} dropped: no keepalive for ${this.keepaliveTimeoutMs} ms`);
        c.ws.close(4001, 'keepalive timeout');
        this.detach(c, true);
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
      this.detach(c, true);
    }
    return n;
  }

  socketCount(): { agent: number; orgWide: number } {
    return { agent: this.conns.size - this.orgWide.size, orgWide: this.orgWide.size };
  }

  close(): void {
    clearInterval(this.sweeper);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.onAgentGone = () => {};
    this.closeAll();
    this.wss.close();
  }
}
