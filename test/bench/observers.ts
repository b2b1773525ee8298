import { io as connect, type Socket } from 'socket.io-client';
import type { AgentView, ClientToServerEvents, ServerToClientEvents } from '../../server/gateway/contract.js';
import { openDatabase } from '../../server/store/db.js';
import { KeyStore } from '../../server/store/key-store.js';
import { http } from './processes.js';

/**
 * What the benchmark watches from the outside: widget clients on the connector's socket.io gateway (as an
 * agent desktop would connect them) and every agent state change the Webex CC emulator applied, read from its
 * control surface.
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

/**
 * Every agent state change the Webex CC emulator applied, read from its control surface (`GET /_emulator/agents?
 * changedSince=`), not from a notification socket: a real one carries only the subscriber's own events, and the
 * emulator's org-wide socket is an invention. Each frame carries the emulator's own time of the change, so the poll
 * interval does not add to measured freshness. `_token` is unused (kept so callers need not change).
 */
export async function watchWebexStates(baseUrl: string, _token: string, onState: (f: StateFrame) => void, pollMs = 50): Promise<{ close(): void }> {
  type Row = { id: string; currentState: string; auxCodeId: string; changedBy?: string | null; changedAt: number };
  const seen = new Map<string, number>();
  const first = await http('GET', `${baseUrl}/_emulator/agents`);
  if (first.status !== 200) throw new Error(`webex emulator agent list answered ${first.status}`);
  let since = 0;
  for (const a of first.body as Row[]) {
    seen.set(a.id, a.changedAt);
    since = Math.max(since, a.changedAt);
  }
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, pollMs));
      const res = await http('GET', `${baseUrl}/_emulator/agents?changedSince=${since - 1}`).catch(() => null);
      if (!res || res.status !== 200) continue;
      for (const a of res.body as Row[]) {
        since = Math.max(since, a.changedAt);
        if ((seen.get(a.id) ?? -1) >= a.changedAt) continue;
        seen.set(a.id, a.changedAt);
        const subStatus = a.currentState === 'available' ? 'Available' : a.currentState === 'idle' ? 'Idle' : a.currentState;
        onState({ agentId: a.id, subStatus, auxCodeId: a.auxCodeId, ...(a.changedBy ? { changedBy: a.changedBy } : {}), at: a.changedAt });
      }
    }
  };
  void loop();
  return { close: () => void (stopped = true) };
}
