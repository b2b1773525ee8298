import type { Router } from 'express';
import type { Services } from '../services/index.js';
import { ADMIN_AUDIT_ROUTES, createAdminAuditRouter } from './admin-audit.js';
import { ADMIN_ROUTES, createAdminRouter } from './admin-router.js';
import { AGENT_ROUTES, createAgentRouter, createDirectoryRouter, DIRECTORY_ROUTES } from './agent-router.js';
import type { ApiRoute, ApiRouteGroup } from './api-route.js';
import { createInsightsRouter, INSIGHTS_ROUTES } from './insights-router.js';
import { createKeyRouter, KEY_ROUTES } from './key-router.js';
import { createServiceAccountRouter, SERVICE_ACCOUNT_ROUTES } from './service-account-router.js';
import { createSupervisorRouter, SUPERVISOR_ROUTES } from './supervisor-router.js';

export interface ApiModule {
  routes: ApiRouteGroup<Record<string, ApiRoute<any, any, any, any>>>;
  create: (s: Services) => Router;
}

/**
 * Every authenticated API router with the routes it declares (see api-route.ts). The app mounts them in this
 * order under `routes.mount`; the OpenAPI document is generated from the same list. Add a new router here.
 */
export const API_MODULES: readonly ApiModule[] = [
  { routes: SERVICE_ACCOUNT_ROUTES, create: createServiceAccountRouter },
  { routes: ADMIN_ROUTES, create: createAdminRouter },
  { routes: ADMIN_AUDIT_ROUTES, create: createAdminAuditRouter },
  { routes: KEY_ROUTES, create: createKeyRouter },
  { routes: AGENT_ROUTES, create: createAgentRouter },
  { routes: DIRECTORY_ROUTES, create: createDirectoryRouter },
  { routes: INSIGHTS_ROUTES, create: createInsightsRouter },
  { routes: SUPERVISOR_ROUTES, create: createSupervisorRouter },
];
