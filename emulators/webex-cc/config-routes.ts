/**
 * Configuration API (`/organization/{orgid}/...`, scope `cjp:config_read`). Reads only: aux codes (v1 bare
 * array, v2 paged envelope, by id), work types, teams, users and agent (desktop) profiles. Aux codes and agent
 * profiles are readable by an agent's desktop token; teams and users need a supervisor or administrator token.
 * A user's `id` (contact-center user) differs from its `ciUserId` (what the agent APIs call agentId).
 */
import { type Ctx, type RouteMeta, type Router as CcRouter, intParam, sendError, sendJson } from './http-kit.js';
import { SCOPES, type User } from './token-book.js';
import { answerUserFilter, registerUserProfileRoutes, staffProfiles, type StaffProfile } from './user-profile-routes.js';
import type { AgentRegistry } from './agent-registry.js';
import { agentProfiles, AGENT_PROFILE_ID, SEED_TIME, SITE_ID, SITE_NAME, workTypes } from './seed-data.js';

const MAX_PAGE_SIZE = 1000;

/** Checks the org in the path; answers and returns false when it is not the token's org. */
function orgOk(ctx: Ctx, orgId: string): boolean {
  if (ctx.params.orgid === orgId) return true;
  sendError(ctx, 403, `token is not authorized for organization ${ctx.params.orgid}`, 'orgid');
  return false;
}

function staffOnly(ctx: Ctx): boolean {
  if (ctx.principal.role !== 'agent') return true;
  sendError(ctx, 403, 'requires a supervisor or administrator token');
  return false;
}

/** page/pageSize with Webex defaults (0 and 100); answers 400 naming the field and returns null when bad. */
function paging(ctx: Ctx): { page: number; pageSize: number } | null {
  const page = intParam(ctx.query, 'page') ?? 0;
  const pageSize = intParam(ctx.query, 'pageSize') ?? 100;
  if (!Number.isInteger(page) || page < 0) {
    sendError(ctx, 400, 'page must be a non-negative integer', 'page');
    return null;
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    sendError(ctx, 400, `pageSize must be an integer between 1 and ${MAX_PAGE_SIZE}`, 'pageSize');
    return null;
  }
  return { page, pageSize };
}

function envelope<T>(orgId: string, path: string, items: readonly T[], page: number, pageSize: number): Record<string, unknown> {
  const totalRecords = items.length;
  const totalPages = Math.ceil(totalRecords / pageSize);
  const link = (p: number): string => `${path}?page=${p}&pageSize=${pageSize}`;
  const links: Record<string, string> = { self: link(page), first: link(0), last: link(Math.max(0, totalPages - 1)) };
  if (page + 1 < totalPages) links.next = link(page + 1);
  if (page > 0) links.prev = link(page - 1);
  return { meta: { orgid: orgId, page, pageSize, totalPages, totalRecords, links }, data: items.slice(page * pageSize, (page + 1) * pageSize) };
}

export function registerConfigRoutes(cc: CcRouter, reg: AgentRegistry, staff: () => readonly User[] = () => []): void {
  const read: RouteMeta = { scope: SCOPES.configRead };
  const router = { add: (method: string, route: string, handler: (ctx: Ctx) => void): void => cc.add(method, route, handler, read) };
  const orgId = reg.orgId;
  const profiles = agentProfiles(orgId);
  const types = workTypes(orgId);
  const staffProfileMap = (): Map<string, StaffProfile> => staffProfiles(staff(), reg.teams.map((t) => t.id));
  registerUserProfileRoutes(cc, orgId, staffProfileMap);

  router.add('GET', '/organization/:orgid/auxiliary-code', (ctx) => {
    if (!orgOk(ctx, orgId)) return;
    const p = paging(ctx);
    if (!p) return;
    sendJson(ctx, 200, reg.auxCodes.slice(p.page * p.pageSize, (p.page + 1) * p.pageSize));
  });

  router.add('GET', '/organization/:orgid/v2/auxiliary-code', (ctx) => {
    if (!orgOk(ctx, orgId)) return;
    const p = paging(ctx);
    if (!p) return;
    const search = ctx.query.get('search')?.toLowerCase();
    const codes = reg.auxCodes as readonly unknown[] as readonly Record<string, unknown>[];
    let items = search ? codes.filter((c) => String(c.name).toLowerCase().includes(search)) : codes;
    // The SDK sends `filter=id=in=(a,b)` and `attributes=id,name,…` (RSQL); only that filter form is understood.
    const filter = ctx.query.get('filter');
    if (filter) {
      const m = /^id=in=\(([^)]*)\)$/.exec(filter);
      if (!m) return sendError(ctx, 400, 'filter supports only id=in=(id1,id2,…)', 'filter');
      const ids = new Set(m[1].split(',').map((x) => x.trim()));
      items = items.filter((c) => ids.has(c.id as string));
    }
    const attrs = ctx.query.get('attributes')?.split(',').filter(Boolean);
    if (attrs?.length) items = items.map((c) => Object.fromEntries(attrs.filter((k) => k in c).map((k) => [k, c[k]])));
    sendJson(ctx, 200, envelope(orgId, `/organization/${orgId}/v2/auxiliary-code`, items, p.page, p.pageSize));
  });

  router.add('GET', '/organization/:orgid/auxiliary-code/:id', (ctx) => {
    if (!orgOk(ctx, orgId)) return;
    const code = reg.aux(ctx.params.id);
    if (!code) return sendError(ctx, 404, `auxiliary code ${ctx.params.id} not found`, 'id');
    sendJson(ctx, 200, code);
  });

  router.add('GET', '/organization/:orgid/v2/work-type', (ctx) => {
    if (!orgOk(ctx, orgId)) return;
    const p = paging(ctx);
    if (p) sendJson(ctx, 200, envelope(orgId, `/organization/${orgId}/v2/work-type`, types, p.page, p.pageSize));
  });

  const teamDto = (t: { id: string; name: string }): Record<string, unknown> => ({
    organizationId: orgId,
    id: t.id,
    version: 1,
    name: t.name,
    teamType: 'AGENT',
    teamStatus: 'IN_SERVICE',
    active: true,
    siteId: SITE_ID,
    siteName: SITE_NAME,
    createdTime: SEED_TIME,
    lastUpdatedTime: SEED_TIME,
  });

  router.add('GET', '/organization/:orgid/v2/team', (ctx) => {
    if (!orgOk(ctx, orgId) || !staffOnly(ctx)) return;
    const p = paging(ctx);
    if (p) sendJson(ctx, 200, envelope(orgId, `/organization/${orgId}/v2/team`, reg.teams.map(teamDto), p.page, p.pageSize));
  });

  router.add('GET', '/organization/:orgid/team/:id', (ctx) => {
    if (!orgOk(ctx, orgId) || !staffOnly(ctx)) return;
    const t = reg.team(ctx.params.id);
    if (!t) return sendError(ctx, 404, `team ${ctx.params.id} not found`, 'id');
    sendJson(ctx, 200, teamDto(t));
  });

  router.add('GET', '/organization/:orgid/v2/user', (ctx) => {
    if (!orgOk(ctx, orgId) || !staffOnly(ctx)) return;
    if (answerUserFilter(ctx, orgId, reg, staff, staffProfileMap)) return;
    const p = paging(ctx);
    if (!p) return;
    const slice = reg.agents.slice(p.page * p.pageSize, (p.page + 1) * p.pageSize).map((a) => ({
      organizationId: orgId,
      id: a.ccUserId,
      ciUserId: a.id,
      version: 1,
      firstName: a.firstName,
      lastName: a.lastName,
      email: a.email,
      teamIds: [a.teamId],
      agentProfileId: AGENT_PROFILE_ID,
      siteId: SITE_ID,
      contactCenterEnabled: true,
      active: true,
      createdTime: SEED_TIME,
      lastUpdatedTime: SEED_TIME,
    }));
    // Paging math uses the full list; only the requested page is materialized (50,000 agents stay cheap).
    const meta = envelope(orgId, `/organization/${orgId}/v2/user`, reg.agents, p.page, p.pageSize).meta;
    sendJson(ctx, 200, { meta, data: slice });
  });

  router.add('GET', '/organization/:orgid/v2/agent-profile', (ctx) => {
    if (!orgOk(ctx, orgId)) return;
    const p = paging(ctx);
    if (p) sendJson(ctx, 200, envelope(orgId, `/organization/${orgId}/v2/agent-profile`, profiles, p.page, p.pageSize));
  });

  router.add('GET', '/organization/:orgid/agent-profile/:id', (ctx) => {
    if (!orgOk(ctx, orgId)) return;
    const profile = profiles.find((x) => x.id === ctx.params.id);
    if (!profile) return sendError(ctx, 404, `agent profile ${ctx.params.id} not found`, 'id');
    sendJson(ctx, 200, profile);
  });
}
