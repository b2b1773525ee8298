import { Router } from 'express';
import { z } from 'zod';
import { invalid, notFound } from '../errors.js';
import type { Services } from '../services/index.js';
import { apiRoute, apiRoutes, handle } from './api-route.js';
import { requireRole } from './auth.js';

/** Longest range one insights answer covers. */
const MAX_RANGE_MS = 92 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

const rangeQuery = z
  .object({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    teamId: z.string().min(1).max(128).optional(),
  })
  .strict();

const impactBody = z
  .object({
    /** The profile being edited; omitted for a new one. */
    profileId: z.string().min(1).max(128).optional(),
    /** Preview an assignment to these teams instead of the profile's current teams. */
    teamIds: z.array(z.string().min(1).max(128)).max(1000).optional(),
    /** The profile as it would be saved (the same body as PUT /api/profiles/{id}). */
    profile: z.unknown(),
  })
  .strict();

const outcomeCounts = z.object({ idle: z.number(), switch: z.number(), release: z.number(), 'idle-after-contact': z.number(), unchanged: z.number() });

const insightsResponse = z
  .object({
    from: z.number(),
    to: z.number(),
    teamId: z.string().nullable(),
    idle: z.object({
      totalMinutes: z.number(),
      byTeam: z.array(z.object({ teamId: z.string(), teamName: z.string(), minutes: z.number() })),
      byAgent: z.array(z.object({ agentId: z.string(), name: z.string(), teamId: z.string(), minutes: z.number() })),
    }),
    decisions: z.array(z.object({ action: z.string(), reason: z.string(), count: z.number() })),
    freshness: z.object({
      count: z.number(),
      p50Ms: z.number().nullable(),
      p90Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
      maxMs: z.number().nullable(),
      buckets: z.array(z.object({ upToMs: z.number().nullable(), count: z.number() })),
    }),
    offersAvoided: z.object({
      total: z.number(),
      byTeam: z.array(z.object({ teamId: z.string(), teamName: z.string(), offers: z.number(), availableMinutes: z.number(), heldMinutes: z.number(), estimate: z.number() })),
    }),
    scanned: z.number(),
    truncated: z.boolean(),
  })
  .meta({ id: 'Insights' });

const impactResponse = z
  .object({
    profileId: z.string().nullable(),
    agents: z.number(),
    counts: outcomeCounts,
    byTeam: z.array(z.object({ teamId: z.string(), teamName: z.string(), counts: outcomeCounts })),
    changes: z.array(
      z.object({
        agentId: z.string(),
        name: z.string(),
        teamId: z.string(),
        outcome: z.enum(['idle', 'switch', 'release', 'idle-after-contact', 'unchanged']),
        reason: z.string(),
        idleCodeId: z.string().nullable(),
        idleCodeName: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'ImpactPreview' });

const SUPERVISORS = ['supervisor', 'admin'] as const;

export const INSIGHTS_ROUTES = apiRoutes('/api/insights', {
  get: apiRoute({
    method: 'get',
    path: '/',
    operationId: 'getInsights',
    summary: 'Aggregates over a range (default the last 24 h): minutes held idle by the connector per agent and team, decisions by reason, freshness distribution, estimated offers avoided',
    roles: SUPERVISORS,
    query: rangeQuery,
    response: insightsResponse,
  }),
  impact: apiRoute({
    method: 'post',
    path: '/impact',
    operationId: 'previewMappingImpact',
    summary: 'What saving a mapping profile now would do to the agents it governs (idle, switch code, release, idle after the contact)',
    roles: SUPERVISORS,
    body: impactBody,
    response: impactResponse,
    errors: [404],
  }),
});

/** Supervisor insights: charts' aggregates and the impact preview of a mapping change. Admins may read too. */
export function createInsightsRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole(...SUPERVISORS));
  const R = INSIGHTS_ROUTES.routes;

  handle(r, R.get, async ({ query }) => {
    const to = query.to ?? s.insights.now();
    const from = query.from ?? to - DAY_MS;
    if (from >= to) throw invalid('from must be earlier than to', 'from');
    if (to - from > MAX_RANGE_MS) throw invalid('the range may cover at most 92 days', 'from');
    if (query.teamId && !s.reads.hasTeam(query.teamId)) throw invalid(`team "${query.teamId}" not found`, 'teamId');
    return await s.insights.insights({ from, to, ...(query.teamId ? { teamId: query.teamId } : {}) });
  });

  handle(r, R.impact, ({ body }) => {
    if (body.profileId && !s.reads.hasProfile(body.profileId)) throw notFound(`profile "${body.profileId}" not found`);
    for (const [i, id] of (body.teamIds ?? []).entries()) if (!s.reads.hasTeam(id)) throw invalid(`team "${id}" not found`, `teamIds[${i}]`);
    const candidate = s.profiles.candidate(body.profile, body.profileId);
    return s.insights.impact(candidate, body.profileId ?? null, body.teamIds);
  });
  return r;
}
