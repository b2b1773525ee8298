import http from 'node:http';
import https from 'node:https';

/**
 * Outbound POSTs to subscribers' webhooks. Only loopback hosts are ever contacted (the emulator must not
 * reach beyond the machine), and the receivers' certificates are not verified: test and sandbox webhooks use
 * throw-away self-signed certificates. Keep-alive agents keep delivery cheap under load.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname.toLowerCase());
}

export interface WebhookReply {
  status: number;
  body: string;
}

export class WebhookClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: false });

  post(target: string, body: string, contentType: string, timeoutMs: number): Promise<WebhookReply> {
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        reject(new Error(`invalid URL ${target}`));
        return;
      }
      if (!isLoopbackUrl(url)) {
        reject(new Error(`refusing to contact non-loopback host ${url.hostname}`));
        return;
      }
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'user-agent': 'Microsoft-Graph-Emulator-ChangeTracking' },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
