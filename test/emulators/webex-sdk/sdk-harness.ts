/**
 * Runs Cisco's own SDK code against the emulator without the rest of the Webex SDK (fidelity audit, section D):
 * the compiled `dist/services/agent` request builders, the `core/aqm-reqs` notification matcher and the
 * `core/websocket/WebSocketManager`, loaded unchanged from the npm tarball. What the full SDK gets from
 * webex-core is replaced by a small `webex.request()` that fetches the emulator with a bearer token; browser
 * globals are shimmed: `window`, `WebSocket` (the ws package), `navigator`, and a timer-driven `Worker` for the
 * SDK's keepalive worker script.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import WebSocket from 'ws';

/** The SDK's keepalive worker, driven by timers instead of a browser thread. */
class TimerWorker {
  onmessage: ((e: { data: { type: string } }) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  constructor(_url: string) {}
  postMessage(msg: { type: string; intervalDuration?: number }): void {
    if (msg.type === 'start') {
      if (this.timer) clearInterval(this.timer);
      this.timer = setInterval(() => this.onmessage?.({ data: { type: 'keepalive' } }), msg.intervalDuration ?? 4000);
      this.timer.unref();
    } else if (msg.type === 'terminate' && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

function installBrowserShims(): void {
  const g = globalThis as Record<string, unknown>;
  g.window ??= globalThis;
  g.WebSocket ??= WebSocket;
  g.Worker ??= TimerWorker;
  if (!('navigator' in g) || g.navigator === undefined) g.navigator = { onLine: true };
}

export interface FakeWebex {
  baseUrl: string;
  token: string;
  orgId: string;
  /** Every request the SDK made: method and path. */
  calls: { method: string; path: string; status: number }[];
}

export interface SdkSlice {
  webex: FakeWebex;
  agent: Record<string, (p?: unknown) => Promise<any>>;
  config: { getListOfAuxCodes(o: string, page: number, size: number, filter: string[], attrs: string[]): Promise<any>; getDesktopProfileById(o: string, id: string): Promise<any> };
  webSocketManager: { initWebSocket(o: { body: unknown }): Promise<{ agentId: string }>; close(reconnect: boolean, reason?: string): void; on(ev: string, fn: (m: string) => void): void };
  auxAttributes: string[];
}

/** Loads the SDK slice from the unpacked package; one per test file (the SDK keeps singletons). */
export function loadSdkSlice(pkgDir: string, init: { baseUrl: string; token: string; orgId: string }): SdkSlice {
  installBrowserShims();
  const req = createRequire(path.join(pkgDir, 'package.json'));
  const dist = (p: string) => req(path.join(pkgDir, 'dist', p));
  const webex: FakeWebex & { request(o: { resource: string; method: string; body?: unknown }): Promise<unknown>; credentials: unknown; internal: unknown } = {
    ...init,
    calls: [],
    credentials: { getOrgId: () => webex.orgId },
    internal: { services: { isIntegrationEnvironment: () => false } },
    async request({ resource, method, body }) {
      const url = `${webex.baseUrl}/${resource.replace(/^\//, '')}`;
      const res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${webex.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      webex.calls.push({ method, path: new URL(url).pathname, status: res.status });
      const out = { statusCode: res.status, body: text ? JSON.parse(text) : undefined, headers: Object.fromEntries(res.headers) };
      if (res.status >= 400) throw Object.assign(new Error(`${method} ${resource} answered ${res.status}`), out);
      return out;
    },
  };
  dist('services/core/WebexRequest.js').default.getInstance({ webex });
  const { WebSocketManager } = dist('services/core/websocket/WebSocketManager.js');
  const AqmReqs = dist('services/core/aqm-reqs.js').default;
  const routingAgent = dist('services/agent/index.js').default;
  const AgentConfigService = dist('services/config/index.js').default;
  const { DEFAULT_AUXCODE_ATTRIBUTES } = dist('services/config/constants.js');
  const webSocketManager = new WebSocketManager({ webex });
  const aqm = new AqmReqs(webSocketManager);
  return { webex, agent: routingAgent(aqm), config: new AgentConfigService(), webSocketManager, auxAttributes: DEFAULT_AUXCODE_ATTRIBUTES };
}
