import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_MODULES } from '../../server/http/api-modules.js';
import { flattenRoutes } from '../../server/http/api-route.js';
import { documentedRoutes, openApiDocument } from '../../server/http/openapi.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { concretePath, rolesFromDoc } from '../security/security-helpers.js';
import { JSON_GARBAGE, junkWhere, polluted, RAW_GARBAGE, rng, storedState } from './garbage.js';

/**
 * Garbage for every documented route's body and query. Each answer is a clear 4xx naming the problem; the
 * server keeps answering /healthz; nothing stored changes (profiles, audit count, agents, teams, lifecycle).
 */
let h: Harness;
let before: string;
beforeAll(async () => {
  h = await startHarness();
  before = await storedState(h);
});
afterAll(async () => {
  await h.connector.close();
});

const doc = openApiDocument();
const keyFor = (path: string, method: string): string => {
  const role = rolesFromDoc(doc, path, method)[0]!;
  return role === 'agent' ? h.keys.agent1 : role === 'admin' ? h.keys.admin : h.keys.supervisor;
};
const withBody = documentedRoutes().filter((r) => r.method !== 'get');
const gets = documentedRoutes().filter((r) => r.method === 'get');

async function expectUnchanged(): Promise<void> {
  expect((await fetch(`${h.connector.url}/healthz`)).status).toBe(200);
  expect(await storedState(h)).toBe(before);
  expect(polluted()).toBe(false);
}

function expectClear4xx(res: { status: number; body: any }, context: string): void {
  expect(res.status, `${context}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, context).toBeLessThan(500);
  expect(typeof res.body.error?.code, context).toBe('string');
  expect(res.body.error.message.length, context).toBeGreaterThan(5);
}

describe('unparsable bodies on every route that takes one', () => {
  const cases = withBody.flatMap(({ method, path }) => RAW_GARBAGE.map(([name, body]) => ({ method, path, name, body })));
  it.each(cases)('$method $path with $name → 400 naming the body', async ({ method, path, body }) => {
    const res = await h.api(concretePath(path), { method: method.toUpperCase(), key: keyFor(path, method), body });
    expectClear4xx(res, `${method} ${path}`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('(body)');
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });

  it('nothing changed', expectUnchanged);
});

describe('wrong JSON shapes on every route with a schema', () => {
  const schemaRoutes = withBody.filter(({ path, method }) => {
    const op = (doc.paths as any)[path][method];
    return op.requestBody !== undefined;
  });
  it('covers every route the routers register with a body schema, and only those', () => {
    expect(schemaRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(registeredBodyRoutes());
    expect(schemaRoutes.length).toBeGreaterThan(5);
  });
  const cases = schemaRoutes.flatMap(({ method, path }) => JSON_GARBAGE.map(([name, body]) => ({ method, path, name, body })));
  it.each(cases)('$method $path with $name → 400 naming a field', async ({ method, path, body }) => {
    const res = await h.api(concretePath(path), { method: method.toUpperCase(), key: keyFor(path, method), body });
    expectClear4xx(res, `${method} ${path}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(typeof res.body.error.field).toBe('string');
  });

  it('nothing changed, and no prototype was polluted', expectUnchanged);
});

/**
 * The routes the API routers actually register (their express route table) whose declared route parses a body,
 * as `method /openapi/{path}`: a new route with a body lands in the lists above without editing this file.
 */
function registeredBodyRoutes(): string[] {
  return API_MODULES.flatMap((m) => {
    const router = m.create(h.connector.services) as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    const registered = new Set(router.stack.flatMap((l) => (l.route ? Object.keys(l.route.methods).map((method) => `${method} ${l.route!.path}`) : [])));
    return flattenRoutes(m.routes)
      .filter((r) => r.body !== undefined)
      .map((r) => {
        expect(registered.has(`${r.method} ${r.path}`), `${r.method} ${r.fullPath} is declared but not registered`).toBe(true);
        return `${r.method} ${r.fullPath}`;
      });
  }).sort();
}

/** Routes with a body whose fields are mutated elsewhere, each with the test file that does it. */
const FIELDS_ELSEWHERE: Record<string, string> = {
  'post /api/profiles': 'the same body as PUT /api/profiles/{id}, mutated below',
  'post /api/profiles/import': 'test/bad-input/mapping-files.test.ts',
  'post /api/insights/impact': 'test/integration/insights-api.test.ts',
};

/** Valid bodies, and for each field a predicate saying which values are wrong for it. */
const FIELDS: { method: string; path: string; valid: Record<string, unknown>; wrong: Record<string, (v: unknown) => boolean> }[] = [
  { method: 'put', path: '/api/admin/teams/{id}/sync', valid: { enabled: true }, wrong: { enabled: (v) => typeof v !== 'boolean' } },
  { method: 'post', path: '/api/me/pause', valid: { minutes: 5 }, wrong: { minutes: (v) => !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 480) } },
  { method: 'put', path: '/api/teams/{id}/profile', valid: { profileId: 'default' }, wrong: { profileId: (v) => v !== null && v !== 'default' } },
  {
    method: 'post',
    path: '/api/dry-run',
    valid: { agentId: 'agent-1', availability: 'Busy', activity: 'InACall' },
    wrong: {
      agentId: (v) => !['agent-1', 'agent-2', 'agent-3'].includes(v as string),
      availability: (v) => typeof v !== 'string' || v.length === 0 || v.length > 64,
      activity: (v) => typeof v !== 'string' || v.length === 0 || v.length > 64,
      outOfOffice: (v) => typeof v !== 'boolean' && v !== undefined,
    },
  },
  {
    method: 'post',
    path: '/api/admin/keys',
    valid: { name: 'a key', role: 'supervisor' },
    wrong: {
      name: (v) => typeof v !== 'string' || v.trim().length === 0 || v.trim().length > 100,
      role: (v) => v !== 'admin' && v !== 'supervisor',
      // A supervisor key names no agent: any present agentId is wrong, a string by the rule, anything else by type.
      agentId: (v) => v !== undefined && v !== null,
    },
  },
  {
    method: 'put',
    path: '/api/profiles/{id}',
    valid: { name: 'Default', rules: [{ teamsState: 'InACall', idleCodeName: 'Teams Call' }] },
    wrong: {
      name: (v) => typeof v !== 'string' || v.trim().length === 0 || v.length > 100,
      rules: (v) => !Array.isArray(v) || v.length > 0,
      description: (v) => v !== undefined && (typeof v !== 'string' || v.length > 500),
      settleDelayMs: (v) => !(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 600_000),
      syncMode: (v) => !['off', 'teams-to-cc', 'cc-to-teams', 'both'].includes(v as string),
      releaseOnDisable: (v) => typeof v !== 'boolean',
    },
  },
];

describe('seeded field mutations', () => {
  it('every registered route with a body has its fields mutated, here or in the file named', () => {
    const here = FIELDS.map((r) => `${r.method} ${r.path}`);
    expect([...here, ...Object.keys(FIELDS_ELSEWHERE)].sort()).toEqual(registeredBodyRoutes());
  });

  const SEEDS = 12;
  const cases = FIELDS.flatMap((route) => Object.keys(route.wrong).flatMap((field) => Array.from({ length: SEEDS }, (_, seed) => ({ ...route, field, seed }))));
  it.each(cases)('$method $path: $field mutated (seed $seed) → 400 naming $field', async ({ method, path, valid, wrong, field, seed }) => {
    const value = junkWhere(rng(seed * 7919 + field.length), wrong[field]!);
    const body = { ...valid, [field]: value };
    const res = await h.api(concretePath(path), { method: method.toUpperCase(), key: keyFor(path, method), body });
    expectClear4xx(res, `${field}=${JSON.stringify(value)?.slice(0, 80)}`);
    expect(res.status).toBe(400);
    expect(String(res.body.error.field), JSON.stringify(res.body.error)).toMatch(new RegExp(`^${field}`));
  });

  it('nothing changed', expectUnchanged);
});

describe('query strings', () => {
  it.each([
    ['/api/directory', 'directory query', 'q'],
    ['/api/directory?q=a', 'too short', 'q'],
    [`/api/directory?q=${'x'.repeat(101)}`, 'too long', 'q'],
    ['/api/directory?q=ab&q=cd', 'repeated', 'q'],
    ['/api/directory?q=sam&extra=1', 'unknown', '(body)'],
    ['/api/audit?limit=NaN', 'NaN', 'limit'],
    ['/api/audit?limit=-1', 'negative', 'limit'],
    ['/api/audit?limit=0', 'zero', 'limit'],
    ['/api/audit?limit=501', 'over the max', 'limit'],
    ['/api/audit?limit=Infinity', 'Infinity', 'limit'],
    ['/api/audit?limit=1e309', 'overflow', 'limit'],
    ['/api/audit?limit=1.5', 'fraction', 'limit'],
    ['/api/audit?before=0', 'before zero', 'before'],
    ['/api/audit?from=yesterday', 'not a number', 'from'],
    ['/api/audit?to=-5', 'negative time', 'to'],
    ['/api/audit?agentId=', 'empty', 'agentId'],
    ['/api/audit?agentId=a&agentId=b', 'repeated', 'agentId'],
    ['/api/audit?__proto__=x', 'proto key', '(body)'],
    ['/api/audit?constructor=x', 'constructor key', '(body)'],
  ])('%s (%s) → 400 naming %s', async (url, _name, field) => {
    const res = await h.api(url, { key: url.startsWith('/api/directory') ? h.keys.agent1 : h.keys.supervisor });
    expectClear4xx(res, url);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it.each(gets)('GET $path ignores junk it does not read, never 5xx', async ({ method, path }) => {
    const junkQuery = '?__proto__[polluted]=1&constructor[prototype][x]=1&%ff=%fe&a[b][c][d]=1';
    const res = await h.api(concretePath(path) + junkQuery, { key: keyFor(path, method) });
    expect(res.status).toBeLessThan(500);
  });

  it.each(['/api/profiles/%00', '/api/profiles/..%2f..%2fetc', `/api/profiles/${'x'.repeat(5000)}`, '/api/agents/%ff', '/api/teams/%00/profile'])('odd ids %s → 4xx', async (url) => {
    const res = await h.api(url, { key: h.keys.supervisor, method: url.endsWith('/profile') ? 'PUT' : 'GET', ...(url.endsWith('/profile') ? { body: { profileId: null } } : {}) });
    expectClear4xx(res, url);
  });

  it('nothing changed', expectUnchanged);
});
