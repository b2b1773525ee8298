/**
 * Who may change which teams, as the Configuration API documents it (OAS `UserResponseDTO`, `UserProfileDTO`):
 * a user carries `userProfileId` and `teamIds`; `GET /organization/{orgid}/user-profile/{id}` gives the profile's
 * `profileType` (SUPERVISOR, ADMINISTRATOR, …) and `accessAllTeams` (`ALL` or `SPECIFIC` with `teams`). A supervisor's
 * "Change Agent States" reach is its profile's teams; that the state API enforces exactly the profile's teams is
 * inferred (the OAS says "within their authorized teams"), and the emulator enforces the same list it publishes.
 *
 * Staff users (supervisors, the administrator) are found with `GET /organization/{orgid}/v2/user?filter=ciUserId=="…"`
 * (the RSQL `filter` the v2 lists take); the unfiltered list stays the agents' list.
 */
import { type Ctx, type Router as CcRouter, sendError, sendJson } from './http-kit.js';
import { SCOPES } from './token-book.js';
import type { AgentRegistry } from './agent-registry.js';
import { SEED_TIME, SITE_ID } from './seed-data.js';
import type { User } from './token-book.js';

export interface StaffProfile {
  id: string;
  name: string;
  profileType: 'SUPERVISOR' | 'ADMINISTRATOR';
  accessAllTeams: 'ALL' | 'SPECIFIC';
  teams: string[];
}

/** One profile per staff user: the administrator sees all teams, a supervisor exactly the teams it supervises. */
export function staffProfiles(staff: readonly User[], allTeamIds: readonly string[]): Map<string, StaffProfile> {
  const out = new Map<string, StaffProfile>();
  for (const u of staff) {
    const id = `0f11e000-${u.id.slice(9)}`;
    const all = u.role === 'admin' || (u.teamIds?.length === allTeamIds.length && allTeamIds.every((t) => u.teamIds!.includes(t)));
    out.set(u.id, {
      id,
      name: u.role === 'admin' ? 'Contact Center Admin Profile' : `Supervisor profile of ${u.name}`,
      profileType: u.role === 'admin' ? 'ADMINISTRATOR' : 'SUPERVISOR',
      accessAllTeams: all ? 'ALL' : 'SPECIFIC',
      teams: all ? [] : [...(u.teamIds ?? [])],
    });
  }
  return out;
}

const CI_FILTER = /^ciUserId==("?)([0-9A-Za-z-]{1,64})\1$/;

/** `?filter=ciUserId=="…"` on v2/user: answers the staff user (or agent) with that CI id; returns false when not this filter. */
export function answerUserFilter(ctx: Ctx, orgId: string, reg: AgentRegistry, staff: () => readonly User[], profiles: () => Map<string, StaffProfile>): boolean {
  const filter = ctx.query.get('filter');
  if (filter === null) return false;
  const m = CI_FILTER.exec(filter.trim());
  if (!m) {
    sendError(ctx, 400, 'filter supports ciUserId=="<id>" only', 'filter');
    return true;
  }
  const ci = m[2]!;
  const meta = { orgid: orgId, page: 0, pageSize: 100, totalPages: 1, totalRecords: 0 };
  const u = staff().find((s) => s.id === ci);
  const p = u ? profiles().get(u.id) : undefined;
  if (u && p) {
    const [firstName, ...rest] = u.name.split(' ');
    const data = [{ organizationId: orgId, id: `cc-${u.id}`, ciUserId: u.id, version: 1, firstName, lastName: rest.join(' '), email: u.email, userProfileId: p.id, teamIds: [...(u.teamIds ?? [])], siteId: SITE_ID, contactCenterEnabled: u.role !== 'admin', active: true, createdTime: SEED_TIME, lastUpdatedTime: SEED_TIME }];
    return void sendJson(ctx, 200, { meta: { ...meta, totalRecords: 1 }, data }), true;
  }
  const a = reg.agent(ci);
  const data = a ? [{ organizationId: orgId, id: a.ccUserId, ciUserId: a.id, version: 1, firstName: a.firstName, lastName: a.lastName, email: a.email, userProfileId: AGENT_USER_PROFILE_ID, teamIds: [a.teamId], siteId: SITE_ID, contactCenterEnabled: true, active: true, createdTime: SEED_TIME, lastUpdatedTime: SEED_TIME }] : [];
  sendJson(ctx, 200, { meta: { ...meta, totalRecords: data.length }, data });
  return true;
}

export const AGENT_USER_PROFILE_ID = '0f11e000-0000-4000-8000-00000000a6e1';

export function registerUserProfileRoutes(cc: CcRouter, orgId: string, profiles: () => Map<string, StaffProfile>): void {
  cc.add('GET', '/organization/:orgid/user-profile/:id', (ctx) => {
    if (ctx.params.orgid !== orgId) return sendError(ctx, 403, `token is not authorized for organization ${ctx.params.orgid}`, 'orgid');
    if (ctx.principal.role === 'agent') return sendError(ctx, 403, 'requires a supervisor or administrator token');
    const id = ctx.params.id;
    const p = [...profiles().values()].find((x) => x.id === id);
    const agentProfile = id === AGENT_USER_PROFILE_ID ? { id, name: 'Agent Profile', profileType: 'STANDARD_AGENT', accessAllTeams: 'NONE', teams: [] as string[] } : null;
    const found = p ?? agentProfile;
    if (!found) return sendError(ctx, 404, `user profile ${id} not found`, 'id');
    sendJson(ctx, 200, { organizationId: orgId, version: 1, description: '', accessAllModules: 'ALL', accessAllEntryPoints: 'ALL', accessAllSites: 'ALL', accessAllQueues: 'ALL', active: true, systemDefault: false, createdTime: SEED_TIME, lastUpdatedTime: SEED_TIME, ...found });
  }, { scope: SCOPES.configRead });
}
