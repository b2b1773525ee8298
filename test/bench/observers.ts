import WebSocket from 'ws';
import { io as connect, type Socket } from 'socket.io-client';
import type { AgentView, ClientToServerEvents, ServerToClientEvents } from '../../server/gateway/contract.js';
import { openDatabase } from '../../server/store/db.js';
import { KeyStore } from '../../server/store/key-store.js';
import { http } from './processes.js';

/**
 * What the benchmark watches from the outside: widget clients on the connector's socket.io gateway (as an
 * agent desktop would connect them) and the Webex CC emulator's org-wide notification socket (every agent
 * state change the contact center applied).
 */

const now = (): number => performance.timeOrigin + performance.now();

/** Agent API keys, created on the connector's database exactly as `npm run cli -- keys create` does. */
export function createAgentKeys(dbPath: string, agentIds: readonly string[]): Map<string, string> {
  const db = openDatabase(dbPath);
  try {
    const keys = new KeyStore(db);
    return new Map(agentIds.map((id) => [id, keys.create(`bench widget ${id}`, 'agent', id, Date.now()).key]));
  } finally {
    db.close();
  }
}

export interface WidgetFleet {
  /** Presence-change pushes: receive time − view.presence.observedAt (ms). */
  latencies: number[];
  views: number;
  close(): void;
}

/** Connects one widget client per agent key; records the push latency of every view that carries new presence. */
export async function connectWidgets(url: string, keys: Map<string, string>): Promise<WidgetFleet> {
  const fleet: WidgetFleet = { latencies: [], views: 0, close: () => sockets.forEach((s) => s.close()) };
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  const last = new Map<string, string>();
  await Promise.all(
    [...keys].map(
      ([agentId, key]) =>
        new Promise<void>((resolve, reject) => {
          const s: Socket<ServerToClientEvents, ClientToServerEvents> = connect(url, { auth: { token: key }, transports: ['websocket'], reconnection: true });
          sockets.push(s);
          s.on('agent:view', (view: AgentView) => {
            const at = now();
            fleet.views++;
            const p = view.presence;
            if (!p) return;
            const sig = `${p.availability}/${p.activity}`;
            const before = last.get(agentId);
            last.set(agentId, sig);
            if (before !== undefined && before !== sig) fleet.latencies.push(at - p.observedAt);
          });
          s.once('connect', () => {
            s.emit('agent:get', (res) => {
              if (res.ok && res.data.presence) last.set(agentId, `${res.data.presence.availability}/${res.data.presence.activity}`);
              resolve();
            });
          });
          s.once('connect_error', (err) => reject(err));
        }),
    ),
  );
  return fleet;
}

export interface StateFrame {
  agentId: string;
  subStatus: string;
  auxCodeId: string;
  changedBy?: string;
  at: number;
}

/** The Webex emulator's org-wide event socket (supervisor token); calls `onState` for every applied state change. */
export async function watchWebexStates(baseUrl: string, supervisorToken: string, onState: (f: StateFrame) => void): Promise<{ close(): void }> {
  const sub = await http('POST', `${baseUrl}/v1/notification/subscribe`, { clientType: 'Bench', allowMultiLogin: true }, supervisorToken);
  if (sub.status !== 200) throw new Error(`webex subscribe failed: ${sub.status} ${JSON.stringify(sub.body)}`);
  const ws = new WebSocket(sub.body.webSocketUrl as string);
  ws.on('message', (raw) => {
    const at = now();
    const frame = JSON.parse(raw.toString()) as { type?: string; data?: Record<string, any> };
    const d = frame.data;
    if (frame.type !== 'AgentStateChange' || d?.type !== 'AgentStateChangeSuccess') return;
    onState({ agentId: d.agentId, subStatus: d.subStatus, auxCodeId: d.auxCodeId, changedBy: d.changedBy, at });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { close: () => ws.close() };
}
