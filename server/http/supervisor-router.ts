import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../errors.js';
import type { Services } from '../services/index.js';
import { apiRoute, apiRoutes, handle } from './api-route.js';
import { agentViewSchema, idParams, pageOf, teamSchema } from './api-schemas.js';
import { requireRole } from './auth.js';
import { listPageQuery, nextCursorDoc, pageArray } from './list-page.js';
import { PROFILE_ROUTES, registerProfileRoutes } from './profile-routes.js';

const dryRunBody = z
  .object({
    agentId: z.string().min(1),
    availability: z.string().min(1).max(64),
    activity: z.string().min(1).max(64),
    outOfOffice: z.boolean().optional(),
  })
  .strict();

const dryRunAnswer = z.object({
  decision: z.object({ action: z.string(), reason: z.string() }),
  text: z.string(),
  current: z.object({ state: z.string(), idleCodeName: z.string().nullable() }),
  wouldBecome: z.object({ state: z.string(), idleCodeName: z.string().nullable() }).nullable(),
});

const limit = z.coerce.number().int().min(1).max(500).default(50);
/** Teams and idle codes: a whole normal tenant in one page, paged beyond that (list-page.ts). */
const LIST_MAX = 5_000;

const auditQuery = z
  .object({
    agentId: z.string().min(1).optional(),
    action: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
    result: z.string().min(1).optional(),
    from: z.coerce.number().int().min(0).meta({ description: 'Earliest time (ms since the epoch), inclusive' }).optional(),
    to: z.coerce.number().int().min(0).meta({ description: 'Latest time (ms since the epoch), inclusive' }).optional(),
    before: z.coerce.number().int().min(1).meta({ description: 'Cursor: the `next` of the previous page' }).optional(),
    limit,
  })
  .strict();

/** Agents are paged like the audit trail: ordered by id, `after` is the previous page's `next`. */
const agentsQuery = z
  .object({
    after: z.string().min(1).max(200).meta({ description: 'Cursor: the `next` of the previous page' }).optional(),
    limit,
  })
  .strict();

const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.number(),
    agentId: z.string(),
    trigger: z.string(),
    action: z.string(),
    reason: z.string(),
    text: z.string(),
    teamsState: z.string().nullable(),
    inputs: z.unknown(),
    command: z.unknown(),
    result: z.string(),
    resultDetail: z.string().nullable(),
    trackingId: z.string().nullable(),
    sentAt: z.number().nullable(),
    resultAt: z.number().nullable(),
  })
  .meta({ id: 'AuditEntry' });

const assignBody = z.object({ profileId: z.string().min(1).nullable() }).strict();
const SUPERVISORS = ['supervisor', 'admin'] as const;

export const SUPERVISOR_ROUTES = apiRoutes('/api', {
  ...PROFILE_ROUTES,
  idleCodes: apiRoute({
    method: 'get',
    path: '/idle-codes',
    operationId: 'listIdleCodes',
    summary: 'Idle codes from the contact center (names, system and active flags)',
    roles: SUPERVISORS,
    query: listPageQuery(LIST_MAX),
    response: z.array(z.object({ id: z.string(), name: z.string(), isSystem: z.boolean(), active: z.boolean() }).meta({ id: 'IdleCode' })),
    headers: nextCursorDoc,
  }),
  teams: apiRoute({ method: 'get', path: '/teams', operationId: 'listTeams', summary: 'Teams and their profiles', roles: SUPERVISORS, query: listPageQuery(LIST_MAX), response: z.array(teamSchema), headers: nextCursorDoc }),
  assign: apiRoute({
    method: 'put',
    path: '/teams/:id/profile',
    operationId: 'assignProfileToTeam',
    summary: 'Assign a profile to a team',
    roles: SUPERVISORS,
    params: idParams,
    body: assignBody,
    response: teamSchema,
    errors: [404],
  }),
  dryRun: apiRoute({
    method: 'post',
    path: '/dry-run',
    operationId: 'dryRun',
    summary: 'What would agent X become if Teams said S now',
    roles: SUPERVISORS,
    body: dryRunBody,
    response: dryRunAnswer,
  }),
  agents: apiRoute({
    method: 'get',
    path: '/agents',
    operationId: 'listAgents',
    summary: 'Agents with their state, presence and last decision, by id, in pages',
    roles: SUPERVISORS,
    query: agentsQuery,
    response: pageOf(agentViewSchema, 'AgentPage'),
  }),
  agent: apiRoute({ method: 'get', path: '/agents/:id', operationId: 'getAgent', summary: 'One agent', roles: SUPERVISORS, params: idParams, response: agentViewSchema, errors: [404] }),
  audit: apiRoute({
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'Audit trail, newest first, with filters and paging (before = the previous page’s next)',
    roles: SUPERVISORS,
    query: auditQuery,
    response: pageOf(auditEntrySchema, 'AuditPage'),
  }),
});

/** Supervisor: mapping profiles, team assignment, dry-run, agents and the audit trail. Admins may read too. */
export function createSupervisorRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole(...SUPERVISORS));
  const R = SUPERVISOR_ROUTES.routes;
  registerProfileRoutes(r, s);

  handle(r, R.idleCodes, ({ query }, _req, res) => pageArray(s.reads.idleCodes(), (c) => c.id, query, res));
  handle(r, R.teams, ({ query }, _req, res) => pageArray(s.reads.teams(), (t) => t.id, query, res));
  handle(r, R.assign, ({ params, body }) => {
    s.profiles.assignToTeam(params.id, body.profileId);
    const team = s.reads.team(params.id);
    if (!team) throw notFound(`team "${params.id}" not found`);
    return team;
  });
  handle(r, R.dryRun, ({ body }) => {
    const presence = { availability: body.availability, activity: body.activity, ...(body.outOfOffice !== undefined ? { outOfOffice: body.outOfOffice } : {}) };
    return s.dryRun.preview(body.agentId, presence);
  });
  handle(r, R.agents, ({ query }) => {
    const ids = s.reads.agentIds().filter((id) => query.after === undefined || id > query.after);
    const page = ids.slice(0, query.limit);
    const entries = page.map((id) => s.views.view(id)).filter((v) => v !== null);
    return { entries, next: page.length === query.limit && ids.length > query.limit ? page[page.length - 1]! : null };
  });
  handle(r, R.agent, ({ params }) => {
    const view = s.views.view(params.id);
    if (!view) throw notFound(`agent "${params.id}" not found`);
    return view;
  });
  handle(r, R.audit, ({ query }) => {
    const entries = s.reads.audit(query);
    const last = entries[entries.length - 1];
    return { entries, next: entries.length === query.limit && last ? last.id : null };
  });
  return r;
}
