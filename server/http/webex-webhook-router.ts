import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import { silentLogger, type Logger } from '../logger.js';
import { sampledWarn } from './log-sampler.js';

/**
 * Receiver of Webex Contact Center `agent:*` webhooks (the alternative to the agent event stream).
 *
 * Every POST must carry `X-Webex-Signature`, the hex HMAC-SHA256 of the raw body under the subscription's
 * secret; it is checked in constant time on the exact bytes received, before the body is parsed, so a forged
 * or altered request is refused without being interpreted. Accepted payloads go through the adapter's
 * translation (the same as the event stream's) and are answered 202. Malformed bodies get a 4xx and a log
 * line, never an exception escaping the router.
 *
 * The handler works on Node's request and response alone: the app serves it straight from the HTTP server, ahead
 * of Express and its per-request middleware (`direct`), because every state change of every agent arrives here;
 * the Express router built around it serves the same handler where an app mounts routers.
 */

export interface WebexWebhookSink {
  handleWebhook(payload: unknown): unknown;
}

export interface WebexWebhookRouterOptions {
  logger?: Logger;
  /** Largest accepted body in bytes (default 256 KB; a single agent event is a few hundred bytes). */
  bodyLimitBytes?: number;
  path?: string;
}

/** A POST endpoint served on Node's request and response, without a framework in between. */
export interface DirectEndpoint {
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
}

export const WEBEX_WEBHOOK_PATH = '/webhooks/webex';
const SIGNATURE_HEADER = 'x-webex-signature';

/** Constant-time check of a hex HMAC-SHA256 signature over the raw body. */
export function verifyWebexSignature(rawBody: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function answer(res: ServerResponse, status: number, error?: { code: string; message: string; field?: string }): void {
  if (res.headersSent) return;
  if (!error) {
    res.writeHead(status).end();
    return;
  }
  const body = JSON.stringify({ error });
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

export function webexWebhookEndpoint(adapter: WebexWebhookSink, secret: string, options: WebexWebhookRouterOptions = {}): DirectEndpoint {
  if (!secret) throw new Error('a webhook secret is required to verify Webex signatures');
  const logger = options.logger ?? silentLogger;
  // Refusals are sampled: a flood of forged or broken posts writes a line per kind per minute, with the count.
  const warn = sampledWarn(logger);
  const path = options.path ?? WEBEX_WEBHOOK_PATH;
  const limit = options.bodyLimitBytes ?? 256 * 1024;

  const accept = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const signature = req.headers[SIGNATURE_HEADER];
    const signed = typeof signature === 'string' ? signature : undefined;
    if (!verifyWebexSignature(body, signed, secret)) {
      warn('signature', { path, signed: signed !== undefined }, 'Webex webhook refused: bad or missing signature');
      answer(res, 401, { code: 'unauthenticated', message: 'invalid signature' });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      warn('json', { path }, 'Webex webhook body is not JSON');
      answer(res, 400, { code: 'invalid', message: 'body is not valid JSON', field: '(body)' });
      return;
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload) || typeof (payload as { type?: unknown }).type !== 'string') {
      warn('type', { path }, 'Webex webhook without an event type');
      answer(res, 400, { code: 'invalid', message: 'expected an event object with a type', field: 'type' });
      return;
    }
    try {
      adapter.handleWebhook(payload);
    } catch (err) {
      logger.error({ err: (err as Error).message, path }, 'could not handle Webex webhook');
      answer(res, 500, { code: 'internal', message: 'internal error' });
      return;
    }
    answer(res, 202);
  };

  const tooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    warn('size', { path }, 'Webex webhook body too large');
    res.setHeader('Connection', 'close');
    answer(res, 413, { code: 'payload_too_large', message: 'body too large' });
    req.resume();
  };

  return {
    path,
    handle(req, res) {
      // Raw bytes: the signature covers the body exactly as sent, so it is checked before JSON parsing.
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) return tooLarge(req, res);
      const chunks: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on('data', (chunk: Buffer) => {
        if (refused) return;
        size += chunk.length;
        if (size > limit) {
          refused = true;
          tooLarge(req, res);
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!refused) accept(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      });
      req.on('error', () => {
        if (refused) return;
        refused = true;
        warn('malformed-400', { path, status: 400 }, 'malformed Webex webhook request');
        answer(res, 400, { code: 'invalid', message: 'malformed request' });
      });
    },
  };
}

/** The same endpoint as an Express router (for apps that mount routers); `direct` is what the app serves ahead of Express. */
export function createWebexWebhookRouter(adapter: WebexWebhookSink, secret: string, options: WebexWebhookRouterOptions = {}): Router & { direct: DirectEndpoint } {
  const endpoint = webexWebhookEndpoint(adapter, secret, options);
  const router = express.Router();
  router.post(endpoint.path, (req, res) => endpoint.handle(req, res));
  return Object.assign(router, { direct: endpoint });
}
