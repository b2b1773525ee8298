import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
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
 */

export interface WebexWebhookSink {
  handleWebhook(payload: unknown): unknown;
}

export interface WebexWebhookRouterOptions {
  logger?: Logger;
  /** Largest accepted body (default 256 KB; a single agent event is a few hundred bytes). */
  bodyLimit?: string;
  path?: string;
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

export function createWebexWebhookRouter(adapter: WebexWebhookSink, secret: string, options: WebexWebhookRouterOptions = {}): Router {
  if (!secret) throw new Error('a webhook secret is required to verify Webex signatures');
  const logger = options.logger ?? silentLogger;
  // Refusals are sampled: a flood of forged or broken posts writes a line per kind per minute, with the count.
  const warn = sampledWarn(logger);
  const path = options.path ?? WEBEX_WEBHOOK_PATH;
  const router = express.Router();
  // Raw bytes: the signature covers the body exactly as sent, so it must be checked before JSON parsing.
  const raw = express.raw({ type: () => true, limit: options.bodyLimit ?? '256kb' });

  router.post(path, raw, (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyWebexSignature(body, req.get(SIGNATURE_HEADER), secret)) {
      warn('signature', { path, signed: req.get(SIGNATURE_HEADER) !== undefined }, 'Webex webhook refused: bad or missing signature');
      res.status(401).json({ error: { code: 'unauthenticated', message: 'invalid signature' } });
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      warn('json', { path }, 'Webex webhook body is not JSON');
      res.status(400).json({ error: { code: 'invalid', message: 'body is not valid JSON', field: '(body)' } });
      return;
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload) || typeof (payload as { type?: unknown }).type !== 'string') {
      warn('type', { path }, 'Webex webhook without an event type');
      res.status(400).json({ error: { code: 'invalid', message: 'expected an event object with a type', field: 'type' } });
      return;
    }
    try {
      adapter.handleWebhook(payload);
    } catch (err) {
      logger.error({ err: (err as Error).message, path }, 'could not handle Webex webhook');
      res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
      return;
    }
    res.status(202).end();
  });

  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status;
    if (status === 413) {
      warn('size', { path: req.path }, 'Webex webhook body too large');
      res.status(413).json({ error: { code: 'payload_too_large', message: 'body too large' } });
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      warn(`malformed-${status}`, { path: req.path, status }, 'malformed Webex webhook request');
      res.status(status).json({ error: { code: 'invalid', message: 'malformed request' } });
      return;
    }
    next(err);
  });
  return router;
}
