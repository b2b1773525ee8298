import type { GraphCtx } from './emulator-context.js';
import { SELECTABLE_USER_PROPERTIES, userJson, type UserRecord } from './directory-store.js';
import { requirePermission } from './graph-permissions.js';
import { graphError, json, type EmuRequest, type EmuResult, Router } from './graph-http.js';
import { parseFilter, parseSearch, QueryError, type Predicate } from './user-query.js';

/**
 * Graph v1.0 directory reads: `GET /users` with `$select`, `$top` (1–999, default 100), `$filter`, `$search`
 * and `$count` (both need `ConsistencyLevel: eventual`), `$orderby=displayName`, paging by an absolute
 * `@odata.nextLink` with an opaque `$skiptoken`; `GET /users/{id | userPrincipalName}`; `GET /me`.
 */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;

function parseSelect(req: EmuRequest): string[] | null | EmuResult {
  const raw = req.query.get('$select');
  if (!raw) return null;
  const props = raw.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of props) {
    if (!SELECTABLE_USER_PROPERTIES.has(p.toLowerCase())) return graphError(req, 400, 'Request_BadRequest', `Could not find a property named '${p}' on type 'microsoft.graph.user'.`);
  }
  return props.map((p) => p.toLowerCase());
}

const isResult = (v: unknown): v is EmuResult => typeof v === 'object' && v !== null && !Array.isArray(v) && 'status' in v;

function eventual(req: EmuRequest): boolean {
  return (req.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
}

function listUsers(req: EmuRequest, ctx: GraphCtx): EmuResult {
  const denied = requirePermission(req, ctx, 'readUsers');
  if (denied) return denied;
  const select = parseSelect(req);
  if (isResult(select)) return select;
  const q = req.query;
  const topRaw = q.get('$top');
  const top = topRaw === null ? DEFAULT_PAGE : Number(topRaw);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE) {
    return graphError(req, 400, 'Request_BadRequest', `Invalid page size specified: '${topRaw}'. Must be between 1 and ${MAX_PAGE} inclusive.`);
  }
  const search = q.get('$search');
  const count = q.get('$count')?.toLowerCase() === 'true';
  if (search !== null && !eventual(req)) {
    return graphError(req, 400, 'Request_UnsupportedQuery', "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
  }
  if (count && !eventual(req)) return graphError(req, 400, 'Request_BadRequest', '$count is not currently supported.');

  const tests: Predicate[] = [];
  let candidates: UserRecord[] = ctx.emu.directory.live();
  try {
    const filter = q.get('$filter');
    if (filter !== null) {
      const parsed = parseFilter(filter);
      tests.push(parsed.test);
      if (parsed.exact) {
        const found = new Set<UserRecord>();
        for (const { field, value } of parsed.exact) {
          const dir = ctx.emu.directory;
          const rec = field === 'id' ? dir.byObjectId(value) : field === 'mail' ? dir.byMailAddress(value) : dir.byPrincipalName(value);
          if (rec) found.add(rec);
        }
        candidates = [...found].sort((a, b) => a.idx - b.idx);
      }
    }
    if (search !== null) tests.push(parseSearch(search.trim()));
  } catch (err) {
    if (err instanceof QueryError) return graphError(req, 400, err.code, err.message);
    throw err;
  }
  let matches = tests.length === 0 ? candidates : candidates.filter((u) => tests.every((t) => t(u)));
  const orderby = q.get('$orderby');
  if (orderby) {
    const m = /^displayName(?:\s+(asc|desc))?$/i.exec(orderby.trim());
    if (!m) return graphError(req, 400, 'Request_UnsupportedQuery', `Sorting by '${orderby}' is not supported.`);
    const dir = m[1]?.toLowerCase() === 'desc' ? -1 : 1;
    matches = [...matches].sort((a, b) => dir * a.displayName.localeCompare(b.displayName) || a.idx - b.idx);
  }

  let offset = 0;
  const skip = q.get('$skiptoken');
  if (skip !== null) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(skip, 'base64url').toString('utf8'));
    if (!decoded) return graphError(req, 400, 'Request_BadRequest', 'Invalid $skiptoken.');
    offset = Number(decoded[1]);
  }
  const page = matches.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.emu.url}/v1.0/$metadata#users${select ? `(${q.get('$select')})` : ''}`,
  };
  if (count) body['@odata.count'] = matches.length;
  if (offset + top < matches.length) {
    const next = new URLSearchParams(q);
    next.set('$skiptoken', Buffer.from(`o${offset + top}`).toString('base64url'));
    body['@odata.nextLink'] = `${ctx.emu.url}/v1.0/users?${next.toString().replace(/%24/g, '$')}`;
  }
  body.value = page.map((u) => userJson(u, select));
  return json(200, body);
}

function getUser(req: EmuRequest, ctx: GraphCtx): EmuResult {
  const denied = requirePermission(req, ctx, 'readUsers');
  if (denied) return denied;
  const select = parseSelect(req);
  if (isResult(select)) return select;
  const key = req.params.id!;
  const rec = ctx.emu.directory.resolve(key);
  if (!rec) {
    return graphError(req, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
  }
  return json(200, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#users/$entity`, ...userJson(rec, select) });
}

function getMe(req: EmuRequest, ctx: GraphCtx): EmuResult {
  if (ctx.token.kind !== 'delegated' || !ctx.token.user) return graphError(req, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  const select = parseSelect(req);
  if (isResult(select)) return select;
  return json(200, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#users/$entity`, ...userJson(ctx.token.user, select) });
}

const MAX_GET_BY_IDS = 1_000;

/**
 * `POST /directoryObjects/getByIds` {ids, types}: the objects that exist, in no promised order; ids of deleted
 * or unknown objects are simply absent. At most 1,000 ids; only the `user` type is held by the emulator.
 */
function getByIds(req: EmuRequest, ctx: GraphCtx): EmuResult {
  const denied = requirePermission(req, ctx, 'readUsers');
  if (denied) return denied;
  let body: { ids?: unknown; types?: unknown };
  try {
    body = JSON.parse(req.rawBody.toString('utf8') || 'null') as { ids?: unknown; types?: unknown };
  } catch {
    return graphError(req, 400, 'Request_BadRequest', 'Invalid JSON in the request body.');
  }
  const ids = body?.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    return graphError(req, 400, 'Request_BadRequest', "The request body must contain 'ids', a non-empty array of object ids.");
  }
  if (ids.length > MAX_GET_BY_IDS) return graphError(req, 400, 'Request_BadRequest', `The number of ids (${ids.length}) exceeds the limit of ${MAX_GET_BY_IDS}.`);
  const types = Array.isArray(body.types) ? (body.types as unknown[]).map((t) => String(t).toLowerCase()) : null;
  const value: unknown[] = [];
  if (!types || types.includes('user') || types.includes('microsoft.graph.user')) {
    const seen = new Set<string>();
    for (const id of ids as string[]) {
      const rec = ctx.emu.directory.byObjectId(id);
      if (!rec || seen.has(rec.id)) continue;
      seen.add(rec.id);
      value.push({ '@odata.type': '#microsoft.graph.user', ...userJson(rec, null) });
    }
  }
  return json(200, { '@odata.context': `${ctx.emu.url}/v1.0/$metadata#directoryObjects`, value });
}

export function usersRouter(): Router<GraphCtx> {
  return new Router<GraphCtx>()
    .add('POST', '/v1.0/directoryObjects/getByIds', getByIds)
    .add('GET', '/v1.0/users', listUsers).add('GET', '/v1.0/users/:id', getUser).add('GET', '/v1.0/me', getMe);
}
