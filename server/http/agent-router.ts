import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services/index.js';
import { directoryEntryView } from '../services/view-service.js';
import { apiRoute, apiRoutes, handle } from './api-route.js';
import { agentViewSchema, presenceViewSchema } from './api-schemas.js';
import { requireRole } from './auth.js';

const pauseBody = z.object({ minutes: z.number().int().min(1) }).strict();
const searchQuery = z.object({ q: z.string().trim().min(2, 'type at least 2 characters').max(100) }).strict();
const directoryEntrySchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    department: z.string().nullable(),
    jobTitle: z.string().nullable(),
    phone: z.string(),
    presence: presenceViewSchema.nullable(),
  })
  .meta({ id: 'DirectoryEntry' });

export const AGENT_ROUTES = apiRoutes('/api/me', {
  me: apiRoute({ method: 'get', path: '/', operationId: 'getMyView', summary: 'The calling agent’s view', roles: ['agent'], response: agentViewSchema, errors: [404] }),
  pause: apiRoute({
    method: 'post',
    path: '/pause',
    operationId: 'pauseMySync',
    summary: 'Pause sync for the calling agent',
    roles: ['agent'],
    body: pauseBody,
    response: agentViewSchema,
  }),
  resume: apiRoute({ method: 'post', path: '/resume', operationId: 'resumeMySync', summary: 'Resume sync for the calling agent', roles: ['agent'], response: agentViewSchema }),
});

export const DIRECTORY_ROUTES = apiRoutes('/api/directory', {
  search: apiRoute({
    method: 'get',
    path: '/',
    operationId: 'searchDirectory',
    summary: 'Search Teams colleagues by name, department or job title (E.164 phone only)',
    roles: ['agent', 'supervisor'],
    query: searchQuery,
    response: z.array(directoryEntrySchema),
    errors: [429, 502, 503],
  }),
});

/** The agent acting for themselves. An agent credential only ever reaches its own agent. */
export function agentIdOf(req: Request): string {
  const id = req.principal?.agentId;
  if (!id) throw new AppError('forbidden', 'this credential is not bound to an agent');
  return id;
}

function viewOf(s: Services, req: Request) {
  const view = s.views.view(agentIdOf(req));
  if (!view) throw notFound('your agent is not known to the connector yet');
  return view;
}

export function createAgentRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('agent'));
  const R = AGENT_ROUTES.routes;
  handle(r, R.me, (_in, req) => viewOf(s, req));
  handle(r, R.pause, ({ body }, req) => {
    s.agents.pause(agentIdOf(req), body.minutes);
    return viewOf(s, req);
  });
  handle(r, R.resume, (_in, req) => {
    s.agents.resume(agentIdOf(req));
    return viewOf(s, req);
  });
  return r;
}

/** Colleague search for agents (and supervisors). */
export function createDirectoryRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('agent', 'supervisor'));
  handle(r, DIRECTORY_ROUTES.routes.search, async ({ query }, req) => {
    const p = req.principal!;
    const entries = await s.directory.search(query.q, 20, p.keyId ?? p.agentId ?? p.name);
    return entries.map((e) => directoryEntryView(e, Date.now()));
  });
  return r;
}
