import type { AdminStatus } from '../server/gateway/contract.js';

/**
 * `connector:status` pushes and `/api/admin/status` answers are accepted only when they look like a full status;
 * action answers such as `{lifecycle, permissions}` are not one.
 */
export function isAdminStatus(value: unknown): value is AdminStatus {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { lifecycle?: unknown; health?: unknown };
  return typeof v.lifecycle === 'string' && typeof v.health === 'object' && v.health !== null;
}
