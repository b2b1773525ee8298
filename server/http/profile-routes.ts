import type { Router } from 'express';
import { z } from 'zod';
import { TEAMS_STATES } from '../domain/presence.js';
import { conflict, invalid } from '../errors.js';
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

/** A tenant needs a handful of profiles; a cap keeps every answer and the engine's lookups small. */
export const MAX_PROFILES = 1_000;
const listQuery = z
  .object({
    after: z.string().min(1).max(200).meta({ description: 'Cursor: the X-Next-Cursor of the previous page' }).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PROFILES).default(MAX_PROFILES),
  })
  .strict();

function roomForProfile(s: Services, body: { id?: unknown }): void {
  if (typeof body.id === 'string' && s.reads.hasProfile(body.id)) return;
  if (s.reads.profileCount() >= MAX_PROFILES) throw conflict(`at most ${MAX_PROFILES} mapping profiles; delete one first`);
}

export const PROFILE_ROUTES = {
  listProfiles: apiRoute({
    method: 'get',
    path: '/profiles',
    operationId: 'listProfiles',
    summary: `List mapping profiles by name, at most \`limit\` (≤ ${MAX_PROFILES}); X-Next-Cursor names the \`after\` of the next page when there is one`,
    roles: SUPERVISORS,
    query: listQuery,
    response: z.array(profileView),
    headers: { 'X-Next-Cursor': 'The `after` value of the next page (absent on the last page)' },
  }),
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
    errors: [409],
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
    const known = s.reads.idleCode(rule.idleCodeId);
    if (!known) throw invalid(`rules[${i}]: no idle code has id "${rule.idleCodeId}"`, `rules[${i}].idleCodeId`);
    if (known.name.trim().toLowerCase() !== rule.idleCodeName.trim().toLowerCase()) {
      throw invalid(`rules[${i}]: idle code "${rule.idleCodeId}" is named "${known.name}", not "${rule.idleCodeName}"`, `rules[${i}].idleCodeName`);
    }
    return { teamsState: rule.teamsState, idleCodeId: rule.idleCodeId };
  });
  return { ...rest, rules };
}

export function registerProfileRoutes(r: Router, s: Services): void {
  const R = PROFILE_ROUTES;
  handle(r, R.listProfiles, ({ query }, _req, res) => {
    const all = s.profiles.list();
    const from = query.after === undefined ? 0 : all.findIndex((p) => p.id === query.after) + 1;
    if (query.after !== undefined && from === 0) throw invalid(`no profile "${query.after}" to continue after`, 'after');
    const page = all.slice(from, from + query.limit);
    if (from + query.limit < all.length) res.setHeader('X-Next-Cursor', page[page.length - 1]!.id);
    return page;
  });
  handle(r, R.createProfile, ({ body }) => (roomForProfile(s, body), s.profiles.create(writable(s, body))));
  handle(r, R.importProfile, ({ body }) => (roomForProfile(s, body), s.profiles.import(writable(s, body))));
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
