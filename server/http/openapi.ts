import { z } from 'zod';
import { profileBodySchema } from '../mappings/profile-schema.js';

/**
 * OpenAPI 3.1 description of the HTTP API. A test compares its paths and methods with the routes the
 * routers actually register, so the two cannot drift apart.
 */
type Op = { summary: string; roles: string[]; body?: unknown; params?: string[]; query?: string[]; ok?: number };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const ROUTES: Record<string, Record<string, Op>> = {
  '/api/admin/status': { get: { summary: 'Connector lifecycle, health, permission checks, unmatched agents', roles: ['admin'] } },
  '/api/admin/metrics': { get: { summary: 'Engine latency percentiles, memory, CPU and health (for monitoring and the benchmark)', roles: ['admin'] } },
  '/api/admin/verify': { post: { summary: 'Check every needed Graph permission and the contact center with real calls', roles: ['admin'] } },
  '/api/admin/activate': { post: { summary: 'Verify both sides and activate the connector', roles: ['admin'] } },
  '/api/admin/reactivate': { post: { summary: 'Activate an inactive connector again', roles: ['admin'] } },
  '/api/admin/deactivate': { post: { summary: 'Deactivate; agents idled by the connector are released per profile', roles: ['admin'] } },
  '/api/admin/connector': { delete: { summary: 'Delete (only when inactive): removes mappings, credentials, subscriptions', roles: ['admin'] } },
  '/api/admin/teams': { get: { summary: 'Teams with sync enabled/disabled and their profile', roles: ['admin'] } },
  '/api/admin/teams/{id}/sync': { put: { summary: 'Enable or disable sync for a team', roles: ['admin'], params: ['id'], body: { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean' } } } } },
  '/api/admin/directory/refresh': { post: { summary: 'Reload agents and teams from the contact center and match them to Teams users', roles: ['admin'] } },
  '/api/me': { get: { summary: 'The calling agent’s view', roles: ['agent'] } },
  '/api/me/pause': { post: { summary: 'Pause sync for the calling agent', roles: ['agent'], body: { type: 'object', required: ['minutes'], properties: { minutes: { type: 'integer', minimum: 1 } } } } },
  '/api/me/resume': { post: { summary: 'Resume sync for the calling agent', roles: ['agent'] } },
  '/api/directory': { get: { summary: 'Search Teams colleagues by name, department or job title (E.164 phone only)', roles: ['agent', 'supervisor'], query: ['q'] } },
  '/api/idle-codes': { get: { summary: 'Idle codes from the contact center (names, system and active flags)', roles: ['supervisor', 'admin'] } },
  '/api/profiles': {
    get: { summary: 'List mapping profiles', roles: ['supervisor', 'admin'] },
    post: { summary: 'Create a mapping profile', roles: ['supervisor', 'admin'], body: ref('Profile'), ok: 201 },
  },
  '/api/profiles/import': { post: { summary: 'Import a profile file (idle codes by name or id); replaces a profile with the same id', roles: ['supervisor', 'admin'], body: ref('Profile'), ok: 201 } },
  '/api/profiles/{id}': {
    get: { summary: 'Get a mapping profile', roles: ['supervisor', 'admin'], params: ['id'] },
    put: { summary: 'Replace a mapping profile', roles: ['supervisor', 'admin'], params: ['id'], body: ref('Profile') },
    delete: { summary: 'Delete a mapping profile (not the default)', roles: ['supervisor', 'admin'], params: ['id'], ok: 204 },
  },
  '/api/profiles/{id}/export': { get: { summary: 'Export a profile as a portable file (idle codes by name)', roles: ['supervisor', 'admin'], params: ['id'] } },
  '/api/teams': { get: { summary: 'Teams and their profiles', roles: ['supervisor', 'admin'] } },
  '/api/teams/{id}/profile': { put: { summary: 'Assign a profile to a team', roles: ['supervisor', 'admin'], params: ['id'], body: { type: 'object', required: ['profileId'], properties: { profileId: { type: ['string', 'null'] } } } } },
  '/api/dry-run': {
    post: {
      summary: 'What would agent X become if Teams said S now',
      roles: ['supervisor', 'admin'],
      body: { type: 'object', required: ['agentId', 'availability', 'activity'], properties: { agentId: { type: 'string' }, availability: { type: 'string' }, activity: { type: 'string' }, outOfOffice: { type: 'boolean' } } },
    },
  },
  '/api/agents': { get: { summary: 'Agents with their state, presence and last decision', roles: ['supervisor', 'admin'] } },
  '/api/agents/{id}': { get: { summary: 'One agent', roles: ['supervisor', 'admin'], params: ['id'] } },
  '/api/audit': { get: { summary: 'Audit trail, newest first, with filters and paging (before = id)', roles: ['supervisor', 'admin'], query: ['agentId', 'action', 'reason', 'result', 'from', 'to', 'before', 'limit'] } },
};

export function documentedRoutes(): { method: string; path: string }[] {
  return Object.entries(ROUTES).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })));
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(ROUTES)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(ops)) {
      paths[path][method] = {
        summary: op.summary,
        description: `Roles: ${op.roles.join(', ')}.`,
        security: [{ bearer: [] }],
        parameters: [
          ...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          ...(op.query ?? []).map((name) => ({ name, in: 'query', required: name === 'q', schema: { type: 'string' } })),
        ],
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
        responses: {
          [String(op.ok ?? 200)]: { description: 'Success' },
          '400': { description: 'Invalid input', content: { 'application/json': { schema: ref('Error') } } },
          '401': { description: 'Missing or unknown credential', content: { 'application/json': { schema: ref('Error') } } },
          '403': { description: 'Wrong role', content: { 'application/json': { schema: ref('Error') } } },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Teams Presence Connector API', version: '0.1.0' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key (admin, supervisor, agent) or an agent’s contact-center desktop token' } },
      schemas: {
        Profile: z.toJSONSchema(profileBodySchema, { io: 'input' }),
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
    paths,
  };
}
