import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import { silentLogger, type Logger } from '../logger.js';
import { lifecycleBodySchema, notificationBodySchema, type WebhookIntake } from '../graph/notification-schema.js';
import { describeIssues } from '../validation.js';

/**
 * Microsoft Graph's webhook contract for presence subscriptions:
 * - `POST …?validationToken=X` (subscription create/renew handshake) → 200 text/plain echoing X, at once;
 * - change notifications → clientState checked item by item and the batch (with its validation tokens) queued
 *   in SQLite, then 202 (Graph wants an answer within 3 s; tokens, signatures, replays and decryption are
 *   handled after the answer by the inbox worker);
 * - malformed, unreadable or oversized bodies → 202 as well, and dropped: any other answer makes Graph retry
 *   the same body for hours. Logged sampled (one line per kind per minute), never an exception escaping;
 * - only a storage failure answers 503, so that Graph retries what could not be kept.
 */

export interface GraphWebhookRouterOptions {
  logger?: Logger;
  /** Largest accepted body (default 1 MB). */
  bodyLimit?: string;
}

export const GRAPH_NOTIFICATIONS_PATH = '/webhooks/graph/notifications';
export const GRAPH_LIFECYCLE_PATH = '/webhooks/graph/lifecycle';
const MAX_VALIDATION_TOKEN = 4_096;
const LOG_EVERY_MS = 60_000;

/** One log line per key per minute, with how many were left out since. */
function sampler(logger: Logger): (key: string, fields: Record<string, unknown>, message: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, fields, message) => {
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < LOG_EVERY_MS) {
      seen.suppressed += 1;
      return;
    }
    logger.warn({ ...fields, suppressedSinceLast: seen?.suppressed ?? 0 }, message);
    last.set(key, { at: now, suppressed: 0 });
  };
}

export function createGraphWebhookRouter(handler: WebhookIntake, options: GraphWebhookRouterOptions = {}): Router {
  const logger = options.logger ?? silentLogger;
  const warn = sampler(logger);
  const router = express.Router();
  const json = express.json({ limit: options.bodyLimit ?? '1mb', type: ['application/json', 'application/*+json'] });

  const handshake = (req: Request, res: Response, next: NextFunction): void => {
    const token = req.query.validationToken;
    if (token === undefined) return next();
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_VALIDATION_TOKEN) {
      logger.warn({ path: req.path }, 'Graph validation request with an unusable validationToken');
      res.status(400).type('text/plain').send('invalid validationToken');
      return;
    }
    // Echoed as plain text only, never rendered: nosniff stops a browser from treating it as HTML.
    res.status(200).set('X-Content-Type-Options', 'nosniff').type('text/plain; charset=utf-8').send(token);
  };

  const route = <S extends z.ZodType>(path: string, schema: S, accept: (value: z.infer<S>) => { accepted: number; rejected: number }) => {
    router.post(path, handshake, json, (req: Request, res: Response) => {
      if (!req.is('application/json') && !req.is('application/*+json')) {
        warn(`${path}:type`, { path, contentType: (req.get('content-type') ?? '').slice(0, 100) || null }, 'Graph notification with unsupported content type dropped');
        res.status(202).end();
        return;
      }
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        const problems = describeIssues(parsed.error).slice(0, 5);
        warn(`${path}:shape`, { path, problems }, 'malformed Graph notification dropped');
        res.status(202).end();
        return;
      }
      try {
        const result = accept(parsed.data);
        if (result.rejected > 0) warn(`${path}:rejected`, { path, ...result }, 'Graph notification batch partly rejected');
        // 202 even when every item was rejected: a forged or stale POST learns nothing, and Graph would
        // otherwise retry a notification for a subscription the connector already dropped for hours.
        res.status(202).end();
      } catch (err) {
        // Storage failure: 503 asks Graph to retry later rather than losing the notification.
        logger.error({ err, path }, 'could not queue Graph notifications');
        res.status(503).json({ code: 'unavailable', message: 'try again later' });
      }
    });
  };

  route(GRAPH_NOTIFICATIONS_PATH, notificationBodySchema, (body) => handler.acceptNotifications(body.value, body.validationTokens));
  route(GRAPH_LIFECYCLE_PATH, lifecycleBodySchema, (body) => handler.acceptLifecycle(body.value));

  // Body-parser failures (bad JSON, too large) arrive here; answered with their 4xx and a log line.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status ?? 500;
    const type = (err as { type?: string }).type;
    if (status >= 400 && status < 500) {
      // Too large or not JSON: retrying would not make it readable, so Graph is told it arrived.
      warn(`${req.path}:unreadable`, { path: req.path, type, status }, 'unreadable Graph notification body dropped');
      res.status(202).end();
    } else {
      logger.error({ err, path: req.path }, 'Graph webhook failure');
      res.status(500).json({ code: 'internal', message: 'internal error' });
    }
  });
  return router;
}
