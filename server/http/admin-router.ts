import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../errors.js';
import type { Services } from '../services/index.js';
import { apiRoute, apiRoutes, handle } from './api-route.js';
import { idParams, lifecycleSchema, permissionCheckSchema, teamSchema } from './api-schemas.js';
import { requireRole } from './auth.js';
import { listPageQuery, nextCursorDoc, pageArray } from './list-page.js';
import { adminStatusSchema, engineMetricsSchema, statusWithReadiness, engineMetrics } from './admin-status.js';

const teamSyncBody = z.object({ enabled: z.boolean() }).strict();
const permissionsAnswer = z.object({ permissions: z.array(permissionCheckSchema) });
const lifecycleAnswer = z.object({ lifecycle: lifecycleSchema, permissions: z.array(permissionCheckSchema) });
const ADMIN = ['admin'] as const;

export const ADMIN_ROUTES = apiRoutes('/api/admin', {
  status: apiRoute({
    method: 'get',
    path: '/status',
    operationId: 'getAdminStatus',
    summary: 'Connector lifecycle, health, readiness of both upstreams (degraded, with the error in words), permission checks, unmatched agents',
    roles: ADMIN,
    response: adminStatusSchema,
  }),
  metrics: apiRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'getEngineMetrics',
    summary: 'Engine latency percentiles (from histograms), memory, CPU and status, for the admin page and the benchmark',
    roles: ADMIN,
    response: engineMetricsSchema,
  }),
  verify: apiRoute({ method: 'post', path: '/verify', operationId: 'verifyPermissions', summary: 'Check every needed Graph permission and the contact center with real calls', roles: ADMIN, response: permissionsAnswer }),
  activate: apiRoute({ method: 'post', path: '/activate', operationId: 'activateConnector', summary: 'Verify both sides and activate the connector', roles: ADMIN, response: lifecycleAnswer, errors: [409] }),
  reactivate: apiRoute({ method: 'post', path: '/reactivate', operationId: 'reactivateConnector', summary: 'Activate an inactive connector again', roles: ADMIN, response: lifecycleAnswer, errors: [409] }),
  deactivate: apiRoute({
    method: 'post',
    path: '/deactivate',
    operationId: 'deactivateConnector',
    summary: 'Deactivate; agents idled by the connector are released per profile',
    roles: ADMIN,
    response: z.object({ lifecycle: lifecycleSchema }),
  }),
  remove: apiRoute({
    method: 'delete',
    path: '/connector',
    operationId: 'deleteConnector',
    summary: 'Delete (only when inactive): removes mappings, credentials, subscriptions',
    roles: ADMIN,
    response: z.object({ deleted: z.literal(true), note: z.string() }),
    errors: [404, 409],
  }),
  teams: apiRoute({
    method: 'get',
    path: '/teams',
    operationId: 'listTeamsForSync',
    summary: 'Teams with sync enabled/disabled and their profile',
    roles: ADMIN,
    query: listPageQuery(5_000),
    response: z.array(teamSchema),
    headers: nextCursorDoc,
  }),
  teamSync: apiRoute({
    method: 'put',
    path: '/teams/:id/sync',
    operationId: 'setTeamSync',
    summary: 'Enable or disable sync for a team',
    roles: ADMIN,
    params: idParams,
    body: teamSyncBody,
    response: teamSchema,
    errors: [404],
  }),
  refreshDirectory: apiRoute({
    method: 'post',
    path: '/directory/refresh',
    operationId: 'refreshDirectory',
    summary: 'Reload agents and teams from the contact center and match them to Teams users',
    roles: ADMIN,
    response: z.object({ agents: z.number().int(), matched: z.number().int() }),
    errors: [502],
  }),
});

/** Administrator: status and health, lifecycle, per-team sync. */
export function createAdminRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole(...ADMIN));
  const R = ADMIN_ROUTES.routes;
  handle(r, R.status, () => statusWithReadiness(s));
  handle(r, R.metrics, () => engineMetrics(s));
  handle(r, R.verify, async () => ({ permissions: await s.lifecycle.verify() }));
  handle(r, R.activate, async () => {
    const permissions = await s.lifecycle.activate();
    return { lifecycle: s.lifecycle.lifecycle, permissions };
  });
  handle(r, R.reactivate, async () => {
    const permissions = await s.lifecycle.activate();
    return { lifecycle: s.lifecycle.lifecycle, permissions };
  });
  handle(r, R.deactivate, () => {
    s.lifecycle.deactivate();
    return { lifecycle: s.lifecycle.lifecycle };
  });
  handle(r, R.remove, () => s.lifecycle.remove());
  handle(r, R.teams, ({ query }, _req, res) => pageArray(s.reads.teams(), (t) => t.id, query, res));
  handle(r, R.teamSync, ({ params, body }) => {
    s.lifecycle.setTeamSync(params.id, body.enabled);
    const team = s.reads.team(params.id);
    if (!team) throw notFound(`team "${params.id}" not found`);
    return team;
  });
  handle(r, R.refreshDirectory, () => s.directory.refresh());
  return r;
}
