import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_MODULES } from '../../server/http/api-modules.js';
import { flattenRoutes } from '../../server/http/api-route.js';
import { openApiDocument } from '../../server/http/openapi.js';
import { startHarness, type Harness } from '../fakes/core-harness.js';
import { concretePath } from '../security/security-helpers.js';

/**
 * The OpenAPI document is generated from the routers' own schemas: it lints clean, every operation is complete,
 * and the answers the server really gives match the response schemas it documents.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.connector.close();
});

const doc = openApiDocument() as any;
const routes = API_MODULES.flatMap((m) => flattenRoutes(m.routes));
const keyFor = (roles: readonly string[]) => (roles.includes('agent') ? h.keys.agent1 : roles.includes('supervisor') ? h.keys.supervisor : h.keys.admin);
const raw = (path: string, init: RequestInit = {}) => fetch(h.connector.url + path, init);

describe('the document', () => {
  it('passes the Redocly recommended ruleset (only the unauthenticated probes lack a 4xx answer)', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: '/openapi.json', config });
    const probes = ['/livez', '/healthz', '/readyz', '/api/openapi.json'].map((p) => `#/paths/${p.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses`);
    const unexpected = problems.filter((p) => !(p.ruleId === 'operation-4xx-response' && probes.includes(p.location[0]?.pointer ?? '')));
    expect(unexpected.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('names a server, and gives every operation a unique operationId and a success response with its schema', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    const ids = new Set<string>();
    for (const r of routes) {
      const op = doc.paths[r.fullPath][r.method];
      expect(ids.has(op.operationId), op.operationId).toBe(false);
      ids.add(op.operationId);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success, `${r.method} ${r.fullPath}`).toHaveLength(1);
      if (success[0] !== '204') expect(op.responses[success[0]!].content['application/json'].schema, `${r.method} ${r.fullPath}`).toBeDefined();
      expect(op.responses['401'].headers['WWW-Authenticate']).toBeDefined();
    }
  });

  it('types query parameters from the validating schemas', () => {
    const params = Object.fromEntries(doc.paths['/api/audit'].get.parameters.map((p: any) => [p.name, p]));
    expect(params.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500, default: 50 });
    // A coerced number with minimum 0 also takes null (Number(null) is 0), and the document says so.
    expect([params.from.schema.type].flat()).toContain('integer');
    const agents = Object.fromEntries(doc.paths['/api/agents'].get.parameters.map((p: any) => [p.name, p]));
    expect(Object.keys(agents).sort()).toEqual(['after', 'limit']);
    expect(doc.paths['/api/directory'].get.parameters[0]).toMatchObject({ name: 'q', in: 'query', required: true });
  });
});

describe('answers match the documented response schemas', () => {
  const gets = routes.filter((r) => r.method === 'get' && r.response);
  it.each(gets.map((r) => ({ path: r.fullPath, route: r })))('GET $path', async ({ route }) => {
    const url = concretePath(route.fullPath) + (route.fullPath === '/api/directory' ? '?q=Sam' : '');
    const res = await h.api(url, { key: keyFor(route.roles) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const parsed = route.response!.safeParse(res.body);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
  });
});

describe('HTTP semantics', () => {
  it('a wrong content type is 415, naming the type', async () => {
    const res = await raw('/api/profiles', { method: 'POST', headers: { authorization: `Bearer ${h.keys.supervisor}`, 'content-type': 'text/plain' }, body: '{"name":"x","rules":[]}' });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('text/plain') });
    expect((await h.api('/api/profiles', { key: h.keys.supervisor })).body.map((p: any) => p.name)).not.toContain('x');
  });

  it('401 carries WWW-Authenticate, with error="invalid_token" for a refused credential', async () => {
    const none = await raw('/api/agents');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="connector"');
    const wrong = await raw('/api/agents', { headers: { authorization: 'Bearer tpc_nope' } });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="connector", error="invalid_token"');
  });

  it('a documented path asked with another method is 405 with Allow', async () => {
    const res = await raw('/api/agents', { method: 'DELETE', headers: { authorization: `Bearer ${h.keys.supervisor}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const profile = await raw('/api/profiles/default', { method: 'POST', headers: { authorization: `Bearer ${h.keys.supervisor}` } });
    expect(profile.status).toBe(405);
    expect(profile.headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
    expect((await raw('/api/nothing-here', { headers: { authorization: `Bearer ${h.keys.supervisor}` } })).status).toBe(404);
  });

  it('a profile read with GET is accepted back unchanged by PUT, and stays the same', async () => {
    const got = await h.api('/api/profiles/default', { key: h.keys.supervisor });
    expect(got.status).toBe(200);
    expect(got.body.rules.length).toBeGreaterThan(0);
    expect(got.body.rules[0]).toEqual({ teamsState: expect.any(String), idleCodeId: expect.any(String), idleCodeName: expect.any(String) });
    const put = await h.api('/api/profiles/default', { method: 'PUT', key: h.keys.supervisor, body: got.body });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual(got.body);
    expect((await h.api('/api/profiles/default', { key: h.keys.supervisor })).body).toEqual(got.body);
  });

  it('a rule naming its idle code by id and by a different name is refused, naming the field', async () => {
    const got = await h.api('/api/profiles/default', { key: h.keys.supervisor });
    const body = { ...got.body, rules: [{ ...got.body.rules[0], idleCodeName: 'Not This Code' }, ...got.body.rules.slice(1)] };
    const res = await h.api('/api/profiles/default', { method: 'PUT', key: h.keys.supervisor, body });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('rules[0].idleCodeName');
    expect((await h.api('/api/profiles/default', { key: h.keys.supervisor })).body).toEqual(got.body);
  });

  it('/api/agents is paged: following next visits every agent once, in id order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: any } = await h.api(`/api/agents?limit=1${after ? `&after=${after}` : ''}`, { key: h.keys.supervisor });
      expect(res.status).toBe(200);
      expect(res.body.entries.length).toBeLessThanOrEqual(1);
      seen.push(...res.body.entries.map((e: any) => e.agentId));
      after = res.body.next;
      pages++;
    } while (after && pages < 100);
    const all = [...h.connector.services.registry.agents.keys()].sort();
    expect(all.length).toBeGreaterThan(1);
    expect(seen).toEqual(all);
    expect((await h.api('/api/agents?limit=0', { key: h.keys.supervisor })).status).toBe(400);
    expect((await h.api('/api/agents?limit=2&extra=1', { key: h.keys.supervisor })).body.error.code).toBe('invalid');
  });
});
