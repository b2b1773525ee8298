import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import type { WebexEmulatorOptions } from '../../emulators/webex-cc/options.js';
import { createWebexAdapter, type WebexAdapter, type WebexAdapterOptions } from '../../server/contact-center/webex/webex-adapter.js';
import { createWebexWebhookRouter, WEBEX_WEBHOOK_PATH } from '../../server/http/webex-webhook-router.js';
import type { AgentEvent } from '../../server/ports.js';

/**
 * The Webex adapter on the emulator's documented defaults, as production runs it: a supervisor credential acting on
 * agents, events by signed webhooks to a real Express receiver on loopback (registered with the administrator's
 * credential), reconciliation through activities. The only emulator flag is `loopbackWebhooks`, since Webex
 * delivers only to https on port 443. `receiverFailNext(n)` makes the receiver answer 503 to the next n deliveries.
 */

export const HARNESS_SECRET = 'adapter-harness-webhook-secret-0123456789';

export interface WebhookHarness {
  emu: WebexEmulator;
  adapter: WebexAdapter;
  events: AgentEvent[];
  hookUrl: string;
  receiverFailNext(n: number): void;
  received(): number;
  close(): Promise<void>;
}

export async function startWebhookHarness(o: { emulator?: Omit<WebexEmulatorOptions, 'inventions'>; adapter?: Partial<WebexAdapterOptions> } = {}): Promise<WebhookHarness> {
  const emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5, ...o.emulator, inventions: { loopbackWebhooks: true } });
  const app = express();
  let failNext = 0;
  let received = 0;
  app.use((req, res, next) => {
    if (req.method !== 'POST') return next();
    received++;
    if (failNext > 0) {
      failNext--;
      res.status(503).end();
      return;
    }
    next();
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBEX_WEBHOOK_PATH}`;
  const events: AgentEvent[] = [];
  const adapter = createWebexAdapter({
    baseUrl: emu.url,
    identityBaseUrl: emu.identityUrl,
    orgId: emu.orgId,
    accessToken: emu.supervisorToken,
    admin: { accessToken: emu.integrationToken },
    events: 'webhook',
    webhook: { destinationUrl: hookUrl, secret: HARNESS_SECRET },
    http: { baseDelayMs: 10, maxDelayMs: 50 },
    ...o.adapter,
  });
  app.use(createWebexWebhookRouter(adapter, HARNESS_SECRET));
  await adapter.start((batch) => events.push(...batch));
  return {
    emu,
    adapter,
    events,
    hookUrl,
    receiverFailNext: (n) => void (failNext = n),
    received: () => received,
    async close() {
      await adapter.stop();
      await emu.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
