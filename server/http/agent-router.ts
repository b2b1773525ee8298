import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import type { Services } from '../services/index.js';
import { directoryEntryView } from '../services/view-service.js';
import { parseOrThrow } from '../validation.js';
import { requireRole } from './auth.js';

const pauseBody = z.object({ minutes: z.number().int().min(1) }).strict();
const searchQuery = z.object({ q: z.string().trim().min(2, 'type at least 2 characters').max(100) }).strict();

/** The agent acting for themselves. An agent credential only ever reaches its own agent. */
export function agentIdOf(req: Request): string {
  const id = req.principal?.agentId;
  if (!id) throw new AppError('forbidden', 'this credential is not bound to an agent');
  return id;
}

export function createAgentRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('agent'));
  r.get('/', (req, res) => {
    const view = s.views.view(agentIdOf(req));
    if (!view) throw notFound('your agent is not known to the connector yet');
    res.json(view);
  });
  r.post('/pause', (req, res) => {
    const body = parseOrThrow(pauseBody, req.body, 'pause body');
    s.agents.pause(agentIdOf(req), body.minutes);
    res.json(s.views.view(agentIdOf(req)));
  });
  r.post('/resume', (req, res) => {
    s.agents.resume(agentIdOf(req));
    res.json(s.views.view(agentIdOf(req)));
  });
  return r;
}

/** Colleague search for agents (and supervisors). */
export function createDirectoryRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('agent', 'supervisor'));
  r.get('/', async (req, res) => {
    const { q } = parseOrThrow(searchQuery, req.query, 'directory query');
    const entries = await s.directory.search(q, 20);
    res.json(entries.map((e) => directoryEntryView(e, Date.now())));
  });
  return r;
}
