import { timingSafeEqual, createHash } from 'node:crypto';
import type express from 'express';
import { z } from 'zod';
import { bearerToken } from './auth.js';
import { readinessSchema } from './admin-status.js';
import type { PrometheusExposition } from './prometheus.js';
import type { ReadinessProbe } from './readiness.js';

/** Unauthenticated operational endpoints, documented in the OpenAPI document beside the API. */
export const OPS_ROUTES = [
  { path: '/livez', operationId: 'livez', summary: 'Liveness: the process runs and its event loop answers', contentType: 'application/json', response: z.object({ ok: z.literal(true), uptimeSec: z.number() }), scrape: false },
  { path: '/healthz', operationId: 'healthz', summary: 'Liveness (older name of /livez)', contentType: 'application/json', response: z.object({ ok: z.literal(true), uptimeSec: z.number() }), scrape: false },
  {
    path: '/readyz',
    operationId: 'readyz',
    summary: 'Readiness: the store is writable and Microsoft Graph and the contact center answer within their health budget (503 otherwise, naming which and why)',
    contentType: 'application/json',
    response: readinessSchema.extend({ draining: z.boolean() }),
    scrape: false,
  },
  {
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (text exposition format). Needs the scrape token when metrics.token is set; otherwise answered to loopback callers only',
    contentType: 'text/plain; version=0.0.4',
    response: z.string(),
    scrape: true,
  },
  { path: '/api/openapi.json', operationId: 'getOpenApiDocument', summary: 'This document', contentType: 'application/json', response: z.record(z.string(), z.unknown()), scrape: false },
] as const;

export interface OpsState {
  readiness: ReadinessProbe | null;
  prometheus: PrometheusExposition | null;
  draining: boolean;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Mounts /livez, /healthz, /readyz and /metrics; `state` fills in once the services exist. */
export function mountOps(app: express.Express, state: OpsState, metricsToken: string | undefined): void {
  const live = (_req: express.Request, res: express.Response): void => {
    res.json({ ok: true, uptimeSec: process.uptime() });
  };
  app.get('/livez', live);
  app.get('/healthz', live);
  app.get('/readyz', (_req, res) => {
    const r = state.readiness?.state() ?? {
      ready: false,
      degraded: true,
      summary: 'starting',
      checks: Object.fromEntries(['store', 'graph', 'contactCenter'].map((k) => [k, { ok: false, error: 'starting', checkedAt: null, latencyMs: null }])),
    };
    const ready = r.ready && !state.draining;
    res.status(ready ? 200 : 503).json({ ...r, ready, draining: state.draining, ...(state.draining ? { summary: 'shutting down' } : {}) });
  });
  app.get('/metrics', async (req, res, next) => {
    try {
      if (metricsToken) {
        const given = bearerToken(req.headers.authorization);
        if (!given || !timingSafeEqual(digest(given), digest(metricsToken))) {
          res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
          res.status(401).json({ error: { code: 'unauthenticated', message: 'the metrics scrape token is missing or wrong' } });
          return;
        }
      } else if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
        res.status(403).json({ error: { code: 'forbidden', message: 'metrics are served to loopback callers only unless metrics.token (TPC_METRICS_TOKEN) is set' } });
        return;
      }
      if (!state.prometheus) {
        res.status(503).json({ error: { code: 'unavailable', message: 'starting' } });
        return;
      }
      const text = await state.prometheus.registry.metrics();
      res.setHeader('Content-Type', state.prometheus.registry.contentType);
      res.send(text);
    } catch (err) {
      next(err);
    }
  });
}
