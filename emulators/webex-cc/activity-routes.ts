/**
 * `GET /v1/agents/activities` — recorded state periods of the org's agents, for reconciliation. As documented,
 * `from` selects activities *created after* it: a period is listed when it started within [from, to] (with the
 * `activitiesOverlap` invention: when it overlaps the window). The open one has `endTime` -1. Window shorter
 * than 24 h, at most 100 `agentIds`/`teamIds`, `pageSize` ≤ 1000, at most 10,000 records, sorted by start.
 * `changedBy`/`changedById` are emulator extras, present only with the `changedByActors` invention.
 */
import type { AgentRec, Period } from './agent-registry.js';
import { type Router, intParam, sendError, sendJson } from './http-kit.js';
import { SCOPES } from './token-book.js';
import { SITE_ID, SITE_NAME } from './seed-data.js';
import type { StateEngine } from './state-engine.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RECORDS = 10_000;
const MAX_IDS = 100;

export function registerActivityRoutes(router: Router, engine: StateEngine): void {
  const reg = engine.reg;

  router.add('GET', '/v1/agents/activities', (ctx) => {
    if (ctx.principal.role === 'agent') return sendError(ctx, 403, 'requires a supervisor or administrator token');
    const q = ctx.query;
    const from = intParam(q, 'from');
    if (from === null || Number.isNaN(from) || from < 0) return sendError(ctx, 400, 'from is required (epoch milliseconds)', 'from');
    const toParam = intParam(q, 'to');
    if (Number.isNaN(toParam)) return sendError(ctx, 400, 'to must be epoch milliseconds', 'to');
    const to = toParam ?? engine.clock.now();
    if (to <= from) return sendError(ctx, 400, 'to must be after from', 'to');
    if (to - from >= DAY_MS) return sendError(ctx, 400, 'the window between from and to must be less than 24 hours', 'to');
    const page = intParam(q, 'page') ?? 0;
    const pageSize = intParam(q, 'pageSize') ?? 100;
    if (!Number.isInteger(page) || page < 0) return sendError(ctx, 400, 'page must be a non-negative integer', 'page');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return sendError(ctx, 400, 'pageSize must be between 1 and 1000', 'pageSize');
    const orgParam = q.get('orgId');
    if (orgParam && orgParam !== reg.orgId) return sendError(ctx, 403, `token is not authorized for organization ${orgParam}`, 'orgId');

    const agentIds = q.get('agentIds')?.split(',').filter(Boolean);
    const teamList = q.get('teamIds')?.split(',').filter(Boolean);
    if (agentIds && agentIds.length > MAX_IDS) return sendError(ctx, 400, `at most ${MAX_IDS} agentIds per query`, 'agentIds');
    if (teamList && teamList.length > MAX_IDS) return sendError(ctx, 400, `at most ${MAX_IDS} teamIds per query`, 'teamIds');
    const teamIds = teamList ? new Set(teamList) : null;
    const overlap = engine.inv.activitiesOverlap === true;
    let candidates: AgentRec[] = agentIds ? agentIds.map((id) => reg.agent(id)).filter((a): a is AgentRec => !!a) : reg.agents;
    if (teamIds) candidates = candidates.filter((a) => teamIds.has(a.teamId));

    const hits: { a: AgentRec; p: Period }[] = [];
    for (const a of candidates) {
      for (const p of a.history) {
        const listed = overlap ? p.start <= to && (p.end === -1 || p.end >= from) : p.start >= from && p.start <= to;
        if (listed) hits.push({ a, p });
      }
    }
    hits.sort((x, y) => x.p.start - y.p.start || x.a.index - y.a.index);
    const capped = hits.length > MAX_RECORDS ? hits.slice(0, MAX_RECORDS) : hits;
    const data = capped.slice(page * pageSize, (page + 1) * pageSize).map(({ a, p }) => activity(a, p));
    const totalRecords = capped.length;
    sendJson(ctx, 200, { meta: { orgId: reg.orgId, page, pageSize, totalRecords, totalPages: Math.ceil(totalRecords / pageSize) }, data });
  }, { scope: SCOPES.configRead });

  function activity(a: AgentRec, p: Period): Record<string, unknown> {
    return {
      active: p.end === -1,
      agentId: a.id,
      agentDn: `webrtc-${a.id}`,
      agentLogin: a.email,
      agentSessionId: p.sessionId,
      agentName: a.name,
      currentState: p.state,
      siteId: SITE_ID,
      siteName: SITE_NAME,
      teamId: a.teamId,
      teamName: reg.team(a.teamId)?.name ?? '',
      isLogin: p.isLogin,
      taskId: p.taskId,
      channelId: p.sessionId ? `${p.sessionId}-telephony` : '',
      channelType: 'telephony',
      subChannelType: 'telephony',
      idleCodeName: p.idleCode ? (reg.aux(p.idleCode)?.name ?? '') : '',
      idleCode: p.idleCode,
      queueId: '',
      queueName: '',
      wrapupCodeName: '',
      reason: p.reason,
      startTime: p.start,
      endTime: p.end,
      mmProfileType: 'BLENDED',
      ...(engine.inv.changedByActors ? { changedBy: p.changedBy, changedById: p.changedById } : {}),
    };
  }
}
