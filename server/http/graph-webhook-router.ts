import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import { silentLogger, type Logger } from '../logger.js';
import { lifecycleBodySchema, notificationBodySchema, type WebhookIntake } from '../graph/notification-schema.js';
import { describeIssues } from '../validation.js';

/**
 * Microsoft Graph's webhook contract for presence subscriptions:
 * - `POST …?validationToken=X` (subscription create/renew handshake) → 200 text/plain echoing X, at once;
 * - change notifications → checked item by item (clientState, signature) and queued in SQLite, then 202
 *   (Graph wants an answer within 3 s; processing happens after the answer);
 * - malformed or oversized bodies → 4xx with a log line, never an exception escaping the router.
 */

export interface GraphWebhookRouterOptions {
  logger?: Logger;
  /** Largest accepted body (default 1 MB). */
  bodyLimit?: string;
}

export const GRAPH_NOTIFICATIONS_PATH = '/webhooks/graph/notifications';
export const GRAPH_LIFECYCLE_PATH = '/webhooks/graph/lifecycle';
const MAX_VALIDATION_TOKEN = 4_096;

export function createGraphWebhookRouter(handler: WebhookIntake, options: GraphWebhookRouterOptions = {}): Router {
  const logger = options.logger ?? silentLogger;
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
        logger.warn({ path, contentType: req.get('content-type') ?? null }, 'Graph notification with unsupported content type');
        res.status(415).json({ code: 'unsupported_media_type', message: 'expected application/json' });
        return;
      }
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        const problems = describeIssues(parsed.error).slice(0, 5);
        logger.warn({ path, problems }, 'malformed Graph notification');
        res.status(400).json({ code: 'invalid', message: 'malformed notification', details: problems });
        return;
      }
      try {
        const result = accept(parsed.data);
        if (result.rejected > 0) logger.info({ path, ...result }, 'Graph notification batch partly rejected');
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

  route(GRAPH_NOTIFICATIONS_PATH, notificationBodySchema, (body) => handler.acceptNotifications(body.value));
  route(GRAPH_LIFECYCLE_PATH, lifecycleBodySchema, (body) => handler.acceptLifecycle(body.value));

  // Body-parser failures (bad JSON, too large) arrive here; answered with their 4xx and a log line.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status ?? 500;
    const type = (err as { type?: string }).type;
    if (status === 413) {
      logger.warn({ path: req.path }, 'Graph notification body too large');
      res.status(413).json({ code: 'payload_too_large', message: 'body too large' });
    } else if (status >= 400 && status < 500) {
      logger.warn({ path: req.path, type }, 'unreadable Graph notification body');
      res.status(400).json({ code: 'invalid', message: 'unreadable body' });
    } else {
      logger.error({ err, path: req.path }, 'Graph webhook failure');
      res.status(500).json({ code: 'internal', message: 'internal error' });
    }
  });
  return router;
}
