import type { GraphCtx } from './emulator-context.js';
import { graphError, type EmuRequest, type EmuResult } from './graph-http.js';

/** Which grants satisfy each operation, per token kind (application roles vs delegated scopes). */
export const PERMISSIONS = {
  readPresence: {
    app: ['Presence.Read.All', 'Presence.ReadWrite.All'],
    delegated: ['Presence.Read', 'Presence.Read.All', 'Presence.ReadWrite', 'Presence.ReadWrite.All'],
  },
  writePresence: {
    app: ['Presence.ReadWrite.All'],
    delegated: ['Presence.ReadWrite', 'Presence.ReadWrite.All'],
  },
  subscribePresence: {
    app: [],
    delegated: ['Presence.Read.All'],
  },
  readUsers: {
    app: ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    delegated: ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  },
} as const;

export type Operation = keyof typeof PERMISSIONS;

/**
 * Null when the caller's current grants allow the operation, else Graph's 403: presence (a Teams workload)
 * answers `Forbidden` naming the roles it needs; the directory answers `Authorization_RequestDenied`.
 */
export function requirePermission(req: EmuRequest, ctx: GraphCtx, op: Operation): EmuResult | null {
  const needed: readonly string[] = PERMISSIONS[op][ctx.token.kind === 'app' ? 'app' : 'delegated'];
  const held = ctx.emu.tokens.permissionsOf(ctx.token);
  const lower = new Set(held.map((p) => p.toLowerCase()));
  if (needed.some((p) => lower.has(p.toLowerCase()))) return null;
  if (op === 'readUsers') return graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  const kind = ctx.token.kind === 'app' ? 'role' : 'scope';
  return graphError(
    req,
    403,
    'Forbidden',
    `Missing ${kind} permissions on the request. API requires one of '${needed.join(', ')}'. ${kind === 'role' ? 'Roles' : 'Scopes'} on the request '${held.join(', ')}'.`,
  );
}
