import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../errors.js';
import type { Services } from '../services/index.js';
import { ROLES } from '../store/key-store.js';
import { recordAdmin } from './admin-audit.js';
import { apiRoute, apiRoutes, handle } from './api-route.js';
import { idParams, pageOf } from './api-schemas.js';
import { requireRole } from './auth.js';

/**
 * API keys for administrators: list (paged, never the key), create (the key is shown once), revoke (the key's
 * open sockets are disconnected at once). Every change goes to the administrative audit.
 */
const keySchema = z
  .object({ id: z.string(), name: z.string(), role: z.enum(ROLES), agentId: z.string().nullable(), createdAt: z.number().int() })
  .meta({ id: 'ApiKey' });
const createBody = z
  .object({ name: z.string().trim().min(1).max(100), role: z.enum(ROLES), agentId: z.string().min(1).max(200).nullable().optional() })
  .strict()
  .refine((b) => (b.role === 'agent') === Boolean(b.agentId), { message: 'an agent key names its agentId; other roles name none', path: ['agentId'] });
const listQuery = z
  .object({
    after: z.coerce.number().int().min(0).meta({ description: 'Cursor: the `next` of the previous page' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const KEY_ROUTES = apiRoutes('/api/admin/keys', {
  list: apiRoute({ method: 'get', path: '/', operationId: 'listApiKeys', summary: 'Active API keys, oldest first (never the key itself)', roles: ['admin'], query: listQuery, response: pageOf(keySchema, 'ApiKeyPage') }),
  create: apiRoute({
    method: 'post',
    path: '/',
    operationId: 'createApiKey',
    summary: 'Create an API key; the key is in this answer only',
    roles: ['admin'],
    body: createBody,
    response: z.object({ key: z.string(), record: keySchema }),
    status: 201,
  }),
  revoke: apiRoute({ method: 'delete', path: '/:id', operationId: 'revokeApiKey', summary: "Revoke an API key; its open sockets are disconnected", roles: ['admin'], params: idParams, response: null, errors: [404] }),
});

export function createKeyRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('admin'));
  const R = KEY_ROUTES.routes;
  handle(r, R.list, ({ query }) => {
    const all = s.reads.keys();
    const from = query.after ?? 0;
    const entries = all.slice(from, from + query.limit);
    return { entries, next: from + query.limit < all.length ? from + query.limit : null };
  });
  handle(r, R.create, ({ body }, req) => {
    const created = s.reads.createKey(body.name, body.role, body.agentId ?? null);
    recordAdmin(s, req, 'key.create', created.record.id, null, created.record);
    return created;
  });
  handle(r, R.revoke, ({ params }, req) => {
    const record = s.reads.revokeKey(params.id);
    if (!record) throw notFound(`no active key with id "${params.id}"`);
    recordAdmin(s, req, 'key.revoke', params.id, record, null);
  });
  return r;
}
