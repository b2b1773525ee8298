import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A throw-away change-notification receiver on 127.0.0.1 for tests and benchmarks of the emulator itself:
 * echoes Graph's validation handshake and records every notification POST. (The connector has its own
 * webhook; this stands in for it where only the emulator is under test.)
 */
export interface WebhookReceiver {
  /** `http(s)://127.0.0.1:<port>/webhook`. */
  url: string;
  posts: { query: string; body: any }[];
  validations: number;
  /** Statuses for the next notification POSTs (consumed front to back); 202 afterwards. */
  statuses: number[];
  /** Answer validation requests with this instead of echoing the token. */
  validationReply?: { status: number; body: string };
  /** Every notification item received, in arrival order. */
  items(): any[];
  /** Resolves once `cond()` holds, polling every 10 ms; rejects after `ms`. */
  waitFor(cond: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(tls?: { key: string; cert: string }): Promise<WebhookReceiver> {
  const rec: WebhookReceiver = {
    url: '',
    posts: [],
    validations: 0,
    statuses: [],
    items: () => rec.posts.flatMap((p) => (Array.isArray(p.body?.value) ? p.body.value : [])),
    async waitFor(cond, ms = 5000) {
      const until = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > until) throw new Error('webhook receiver: condition not met in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: async () => undefined,
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        rec.validations++;
        const reply = rec.validationReply ?? { status: 200, body: token };
        res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body);
        return;
      }
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      rec.posts.push({ query: url.search, body });
      res.writeHead(rec.statuses.shift() ?? 202).end();
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  rec.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  rec.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return rec;
}
