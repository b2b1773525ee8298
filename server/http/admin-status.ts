import { z } from 'zod';
import type { Services } from '../services/index.js';
import { lifecycleSchema, permissionCheckSchema } from './api-schemas.js';
import type { Readiness, ReadinessProbe } from './readiness.js';

const probes = new WeakMap<Services, ReadinessProbe>();

/** The app registers the readiness probe of a set of services here; the admin status reads it. */
export function registerReadiness(s: Services, probe: ReadinessProbe): void {
  probes.set(s, probe);
}

export function readinessOf(s: Services): Readiness | null {
  return probes.get(s)?.state() ?? null;
}

const upstreamCheckSchema = z.object({
  ok: z.boolean(),
  error: z.string().nullable().meta({ description: 'What is wrong, in words (null when healthy)' }),
  checkedAt: z.number().nullable(),
  latencyMs: z.number().nullable(),
});

export const readinessSchema = z
  .object({
    ready: z.boolean(),
    degraded: z.boolean().meta({ description: 'True when the connector runs but a dependency fails' }),
    summary: z.string().nullable().meta({ description: 'Every failing dependency and why, in words, e.g. "Microsoft Graph: connect ECONNREFUSED"' }),
    checks: z.object({ store: upstreamCheckSchema, graph: upstreamCheckSchema, contactCenter: upstreamCheckSchema }),
  })
  .meta({ id: 'Readiness' });

export const adminStatusSchema = z
  .object({
    lifecycle: lifecycleSchema,
    presenceMode: z.enum(['poll', 'subscribe']),
    health: z.record(z.string(), z.unknown()),
    permissions: z.array(permissionCheckSchema),
    adminConsentUrl: z.string(),
    unmatchedAgents: z.array(z.object({ agentId: z.string(), name: z.string(), email: z.string() })),
    counts: z.object({ agents: z.number().int(), matched: z.number().int(), connectorIdle: z.number().int() }),
    contactCenter: z
      .object({
        budget: z.record(z.string(), z.unknown()).meta({
          description: 'Request budget: perMinute, usedLastMinute, budgetUse, queued {p1..p4}, oldestWaitMs, granted, superseded, throttled, pausedUntil, commandsLastHour, agentsLastHour, readsLastHour, capacityAgents',
        }),
        actingAs: z.object({ id: z.string(), displayName: z.string() }).nullable(),
        tokenKind: z.enum(['static', 'oauth']),
        tokenExpiresAt: z.number().nullable(),
        credentialError: z.string().nullable(),
        events: z.enum(['webhook', 'websocket']),
        changeableTeams: z.union([z.literal('all'), z.array(z.string())]).nullable().optional().meta({ description: "Teams whose agents the credential may change ('all', their ids, or null while unknown)" }),
      })
      .nullable()
      .meta({ description: 'Contact-center request budget and credential (null when the adapter reports none)' }),
    storage: z
      .object({
        ok: z.boolean(),
        pending: z.number().int(),
        errorCode: z.string().nullable(),
        error: z.string().nullable(),
        persistent: z.boolean(),
        since: z.number().nullable(),
        replayed: z.number().int(),
      })
      .nullable()
      .meta({ description: 'Whether the database takes writes; decisions kept in memory until it does (full disk, read-only file, lock held elsewhere)' }),
    readiness: readinessSchema.nullable(),
  })
  .meta({ id: 'AdminStatus' });

const latencySchema = z.object({ count: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), max: z.number(), mean: z.number() });

export const engineMetricsSchema = z
  .object({
    latencyMs: z.record(z.string(), latencySchema).meta({ description: 'Percentiles read from histogram buckets (within 2 %)' }),
    memory: z.record(z.string(), z.number()),
    cpu: z.object({ user: z.number(), system: z.number() }),
    uptimeSec: z.number(),
    status: adminStatusSchema,
  })
  .meta({ id: 'EngineMetrics' });

export function statusWithReadiness(s: Services): z.output<typeof adminStatusSchema> {
  return { ...s.status(), readiness: readinessOf(s) };
}

export function engineMetrics(s: Services): z.output<typeof engineMetricsSchema> {
  return {
    latencyMs: s.metrics.snapshot(),
    memory: { ...process.memoryUsage() },
    cpu: process.cpuUsage(),
    uptimeSec: process.uptime(),
    status: statusWithReadiness(s),
  };
}
