import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services/index.js';
import type { AdminAuditEntry } from '../store/admin-audit-store.js';
import { apiRoute, apiRoutes, handle } from './api-route.js';
import { pageOf } from './api-schemas.js';
import { requireRole } from './auth.js';

/**
 * The administrative audit: who changed mappings, lifecycle, team sync or keys, when, and the value before and
 * after. `adminAuditRecorder` sits in front of the API routers: for each change it knows it takes the value before
 * the handler runs and, when the answer is a success, the value after, and appends one entry (actor = the
 * credential's name and role, never the credential). Keys are recorded by the key routes themselves.
 */

export function recordAdmin(s: Services, req: Request, action: string, target: string | null, before: unknown, after: unknown): void {
  const p = req.principal;
  s.reads.recordAdmin({ at: Date.now(), actor: p?.name ?? 'unknown', actorRole: p?.role ?? 'unknown', action, target, before, after });
}

interface Change {
  method: string;
  path: RegExp;
  action: (m: RegExpExecArray, req: Request) => string;
  target: (m: RegExpExecArray, req: Request) => string | null;
  read: (s: Services, target: string | null) => unknown;
}

const profile = (s: Services, id: string | null): unknown => {
  if (!id) return null;
  try {
    return s.profiles.get(id);
  } catch {
    return null;
  }
};
const team = (s: Services, id: string | null): unknown => (id ? (s.reads.team(id) ?? null) : null);
const bodyId = (req: Request): string | null => (typeof (req.body as { id?: unknown } | undefined)?.id === 'string' ? (req.body as { id: string }).id : null);

const CHANGES: Change[] = [
  { method: 'POST', path: /^\/api\/profiles\/?$/, action: () => 'mapping.create', target: (_m, req) => bodyId(req), read: profile },
  { method: 'POST', path: /^\/api\/profiles\/import\/?$/, action: () => 'mapping.import', target: (_m, req) => bodyId(req), read: profile },
  { method: 'PUT', path: /^\/api\/profiles\/([^/]+)\/?$/, action: () => 'mapping.update', target: (m) => decodeURIComponent(m[1]!), read: profile },
  { method: 'DELETE', path: /^\/api\/profiles\/([^/]+)\/?$/, action: () => 'mapping.delete', target: (m) => decodeURIComponent(m[1]!), read: profile },
  { method: 'PUT', path: /^\/api\/teams\/([^/]+)\/profile\/?$/, action: () => 'mapping.assign', target: (m) => decodeURIComponent(m[1]!), read: team },
  { method: 'PUT', path: /^\/api\/admin\/teams\/([^/]+)\/sync\/?$/, action: () => 'team-sync.set', target: (m) => decodeURIComponent(m[1]!), read: team },
  { method: 'POST', path: /^\/api\/admin\/(activate|reactivate|deactivate)\/?$/, action: (m) => `lifecycle.${m[1]}`, target: () => null, read: (s) => ({ lifecycle: s.lifecycle.lifecycle }) },
  { method: 'DELETE', path: /^\/api\/admin\/connector\/?$/, action: () => 'lifecycle.delete', target: () => null, read: (s) => ({ lifecycle: s.lifecycle.lifecycle }) },
];

/** A copy, so a value changed in place by the handler is still the value before. */
const snapshot = (v: unknown): unknown => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown));

export function adminAuditRecorder(s: Services) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.originalUrl.split('?')[0]!;
    const change = CHANGES.find((c) => c.method === req.method && c.path.test(path));
    if (!change) return next();
    const m = change.path.exec(path)!;
    // A created profile is named by the body, which is parsed later: there is no value before it.
    const created = /^mapping\.(create|import)$/.test(change.action(m, req));
    const before = created ? null : snapshot(change.read(s, change.target(m, req)));
    res.on('finish', () => {
      if (res.statusCode >= 400 || !req.principal) return;
      const target = change.target(m, req);
      try {
        recordAdmin(s, req, change.action(m, req), target, before, change.action(m, req) === 'mapping.delete' ? null : change.read(s, target));
      } catch {
        /* the audit never fails a change that was made */
      }
    });
    next();
  };
}

const entrySchema = z
  .object({
    id: z.number().int(),
    at: z.number().int(),
    actor: z.string(),
    actorRole: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'AdminAuditEntry' });

const listQuery = z
  .object({
    before: z.coerce.number().int().min(1).meta({ description: 'Cursor: the `next` of the previous page' }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const ADMIN_AUDIT_ROUTES = apiRoutes('/api/admin/audit-log', {
  list: apiRoute({
    method: 'get',
    path: '/',
    operationId: 'listAdminAudit',
    summary: 'Administrative audit, newest first: who changed mappings, lifecycle, team sync or keys, when, before and after (before = the previous page’s next)',
    roles: ['admin'],
    query: listQuery,
    response: pageOf(entrySchema, 'AdminAuditPage'),
  }),
});

export function createAdminAuditRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('admin'));
  handle(r, ADMIN_AUDIT_ROUTES.routes.list, ({ query }): { entries: AdminAuditEntry[]; next: number | null } => s.reads.adminAudit(query.limit, query.before));
  return r;
}
