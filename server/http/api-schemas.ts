import { z } from 'zod';
import { LIFECYCLES } from '../store/connector-store.js';

/**
 * Response schemas shared by several routers. Each is the documented shape of an answer and is checked against real
 * answers in the OpenAPI test; `.meta({ id })` makes it a named component of the document.
 */
export const idParams = z.object({ id: z.string().min(1).max(200) }).strict();

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      field: z.string().optional(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const presenceViewSchema = z
  .object({
    availability: z.string(),
    activity: z.string(),
    outOfOffice: z.boolean().optional(),
    label: z.string(),
    observedAt: z.number(),
  })
  .meta({ id: 'PresenceView' });

export const decisionViewSchema = z
  .object({
    id: z.number().int(),
    at: z.number(),
    trigger: z.string(),
    action: z.string(),
    reason: z.string(),
    text: z.string(),
    result: z.string(),
  })
  .meta({ id: 'DecisionView' });

/** The listed fields are always present; others may be added for the widgets (unknown keys are allowed). */
export const agentViewSchema = z
  .object({
    agentId: z.string(),
    name: z.string(),
    email: z.string(),
    teamId: z.string(),
    teamName: z.string(),
    teamsUserId: z.string().nullable(),
    state: z.string(),
    idleCodeId: z.string().nullable(),
    idleCodeName: z.string().nullable(),
    origin: z.string(),
    stateChangedAt: z.number(),
    setByConnector: z.boolean(),
    presence: presenceViewSchema.nullable(),
    pendingIdleCodeName: z.string().nullable(),
    releaseDueAt: z.number().nullable(),
    pausedUntil: z.number().nullable(),
    syncEnabled: z.boolean(),
    lastDecision: decisionViewSchema.nullable(),
    notice: z.string().nullable(),
  })
  .meta({ id: 'AgentView' });

export const teamSchema = z
  .object({ id: z.string(), name: z.string(), syncEnabled: z.boolean(), profileId: z.string().nullable() })
  .meta({ id: 'Team' });

export const permissionCheckSchema = z.object({ permission: z.string(), ok: z.boolean(), detail: z.string() }).meta({ id: 'PermissionCheck' });

export const lifecycleSchema = z.enum(LIFECYCLES);

/** A page of a list: `next` is the cursor for the following page (null on the last). */
export const pageOf = <T extends z.ZodType>(item: T, id: string) => z.object({ entries: z.array(item), next: z.union([z.number(), z.string()]).nullable() }).meta({ id });
