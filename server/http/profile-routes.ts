import type { Router } from 'express';
import { z } from 'zod';
import { TEAMS_STATES } from '../domain/presence.js';
import { invalid } from '../errors.js';
import { profileBodySchema } from '../mappings/profile-schema.js';
import type { Services } from '../services/index.js';
import { apiRoute, handle } from './api-route.js';
import { idParams } from './api-schemas.js';

/**
 * Mapping profiles. A profile read with GET can be PUT back unchanged: its rules carry both the idle code's id and
 * (read-only) name, and its `teams` are read-only (assign with PUT /api/teams/{id}/profile). On write, a rule that
 * names both must name the same code; the id then counts.
 */
const ruleWrite = z
  .object({
    teamsState: z.enum(TEAMS_STATES),
    idleCodeId: z.string().min(1).max(64).optional(),
    idleCodeName: z.string().min(1).max(80).optional(),
  })
  .strict();

const profileWrite = profileBodySchema
  .omit({ rules: true })
  .extend({
    rules: z.array(ruleWrite).max(TEAMS_STATES.length),
    teams: z.array(z.string().max(200)).max(10_000).optional().meta({ description: 'Read-only: ignored on write' }),
  })
  .meta({ id: 'ProfileInput' });

const profileView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    rules: z.array(z.object({ teamsState: z.string(), idleCodeId: z.string(), idleCodeName: z.string() })),
    settleDelayMs: z.number(),
    syncMode: z.string(),
    releaseOnDisable: z.boolean(),
    teams: z.array(z.string()),
  })
  .meta({ id: 'Profile' });

const profileFile = z
  .object({ id: z.string(), name: z.string(), rules: z.array(z.object({ teamsState: z.string(), idleCodeName: z.string() })) })
  .meta({ id: 'ProfileFile' });

const SUPERVISORS = ['supervisor', 'admin'] as const;

export const PROFILE_ROUTES = {
  listProfiles: apiRoute({ method: 'get', path: '/profiles', operationId: 'listProfiles', summary: 'List mapping profiles', roles: SUPERVISORS, response: z.array(profileView) }),
  createProfile: apiRoute({
    method: 'post',
    path: '/profiles',
    operationId: 'createProfile',
    summary: 'Create a mapping profile',
    roles: SUPERVISORS,
    body: profileWrite,
    response: profileView,
    status: 201,
    errors: [409],
  }),
  importProfile: apiRoute({
    method: 'post',
    path: '/profiles/import',
    operationId: 'importProfile',
    summary: 'Import a profile file (idle codes by name or id); replaces a profile with the same id',
    roles: SUPERVISORS,
    body: profileWrite,
    response: profileView,
    status: 201,
  }),
  getProfile: apiRoute({ method: 'get', path: '/profiles/:id', operationId: 'getProfile', summary: 'Get a mapping profile', roles: SUPERVISORS, params: idParams, response: profileView, errors: [404] }),
  exportProfile: apiRoute({
    method: 'get',
    path: '/profiles/:id/export',
    operationId: 'exportProfile',
    summary: 'Export a profile as a portable file (idle codes by name)',
    roles: SUPERVISORS,
    params: idParams,
    response: profileFile,
    errors: [404],
    headers: { 'Content-Disposition': 'attachment; filename="<id>.json"' },
  }),
  replaceProfile: apiRoute({
    method: 'put',
    path: '/profiles/:id',
    operationId: 'replaceProfile',
    summary: 'Replace a mapping profile (a profile read with GET may be sent back unchanged)',
    roles: SUPERVISORS,
    params: idParams,
    body: profileWrite,
    response: profileView,
    errors: [404],
  }),
  deleteProfile: apiRoute({
    method: 'delete',
    path: '/profiles/:id',
    operationId: 'deleteProfile',
    summary: 'Delete a mapping profile (not the default)',
    roles: SUPERVISORS,
    params: idParams,
    response: null,
    errors: [404, 409],
  }),
};

/** The body the profile service validates: read-only fields dropped, a rule naming its code both ways checked. */
function writable(s: Services, body: z.output<typeof profileWrite>): unknown {
  const { teams: _readOnly, ...rest } = body;
  const rules = body.rules.map((rule, i) => {
    if (!rule.idleCodeId || !rule.idleCodeName) return rule;
    const known = s.registry.idleCodes.get(rule.idleCodeId);
    if (known && known.name.trim().toLowerCase() !== rule.idleCodeName.trim().toLowerCase()) {
      throw invalid(`rules[${i}]: idle code "${rule.idleCodeId}" is named "${known.name}", not "${rule.idleCodeName}"`, `rules[${i}].idleCodeName`);
    }
    return { teamsState: rule.teamsState, idleCodeId: rule.idleCodeId };
  });
  return { ...rest, rules };
}

export function registerProfileRoutes(r: Router, s: Services): void {
  const R = PROFILE_ROUTES;
  handle(r, R.listProfiles, () => s.profiles.list());
  handle(r, R.createProfile, ({ body }) => s.profiles.create(writable(s, body)));
  handle(r, R.importProfile, ({ body }) => s.profiles.import(writable(s, body)));
  handle(r, R.getProfile, ({ params }) => s.profiles.get(params.id));
  handle(r, R.exportProfile, ({ params }, _req, res) => {
    const file = s.profiles.export(params.id);
    res.setHeader('Content-Disposition', `attachment; filename="${params.id}.json"`);
    return file as z.output<typeof profileFile>;
  });
  handle(r, R.replaceProfile, ({ params, body }) => s.profiles.update(params.id, writable(s, body)));
  handle(r, R.deleteProfile, ({ params }) => {
    s.profiles.delete(params.id);
  });
}
