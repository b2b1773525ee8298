import type { PermissionCheck } from '../../ports.js';
import type { WebexHttpClient } from './webex-http-client.js';
import { obj, str } from './webex-payload.js';

/**
 * Which teams the connector's credential may change ("Change Agent States"), from what the Configuration API
 * documents: the user found by its CI id (`GET /organization/{orgid}/v2/user?filter=ciUserId=="…"`) carries
 * `userProfileId`; its user profile (`GET /organization/{orgid}/user-profile/{id}`) has `profileType` and
 * `accessAllTeams` (`ALL`, or `SPECIFIC` with `teams`). A profile that is neither a supervisor's nor an
 * administrator's changes no one; an administrator changes only its own state (OAS `stateRoute`), so its reach is
 * no team either. When the reach cannot be read, it is unknown and activation is refused (the safe choice).
 */

export type TeamReach = { kind: 'all' } | { kind: 'teams'; teamIds: string[] } | { kind: 'unknown'; reason: string };

export async function readTeamReach(http: WebexHttpClient, orgId: string, ciUserId: string | null): Promise<TeamReach> {
  if (!ciUserId) return { kind: 'unknown', reason: 'whom the credential belongs to is not known (People API)' };
  try {
    const enc = encodeURIComponent;
    const users = obj((await http.request<unknown>('read the credential user', { method: 'GET', path: `/organization/${enc(orgId)}/v2/user`, params: { filter: `ciUserId=="${ciUserId}"` } })).data);
    const user = obj(Array.isArray(users.data) ? users.data[0] : undefined);
    const profileId = str(user.userProfileId);
    if (!profileId) return { kind: 'unknown', reason: 'the credential user has no contact-center user profile' };
    const profile = obj((await http.request<unknown>('read the credential user profile', { method: 'GET', path: `/organization/${enc(orgId)}/user-profile/${enc(profileId)}` })).data);
    if (str(profile.profileType) !== 'SUPERVISOR') return { kind: 'teams', teamIds: [] };
    if (str(profile.accessAllTeams) === 'ALL') return { kind: 'all' };
    const teams = Array.isArray(profile.teams) ? profile.teams.filter((t): t is string => typeof t === 'string') : [];
    return { kind: 'teams', teamIds: teams };
  } catch (err) {
    return { kind: 'unknown', reason: (err as Error).message };
  }
}

/** The activation check: every synced team within the credential's reach, or a failure naming the teams outside it. */
export function teamReachCheck(reach: TeamReach, synced: readonly { id: string; name: string }[]): PermissionCheck {
  const permission = 'webex Change Agent States over the synced teams';
  if (reach.kind === 'unknown') return { permission, ok: false, detail: `cannot read which teams the credential may change: ${reach.reason}` };
  if (reach.kind === 'all') return { permission, ok: true, detail: 'the credential may change agents of all teams' };
  const allowed = new Set(reach.teamIds);
  const outside = synced.filter((t) => !allowed.has(t.id));
  if (outside.length === 0) return { permission, ok: true, detail: `the credential may change agents of ${synced.length} synced team(s)` };
  return { permission, ok: false, detail: `the credential may not change agents of these synced teams: ${outside.map((t) => `"${t.name}"`).join(', ')}` };
}
