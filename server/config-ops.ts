import { z } from 'zod';

const ms = z.coerce.number().int().min(0);

/**
 * Operational settings (part of the one config schema in config.ts): metrics access, readiness probing, shutdown
 * drain and audit retention. Every key is listed in the README's configuration table and config.example.jsonc.
 */
export const opsConfigSchema = z
  .strictObject({
    /** Bearer token Prometheus must send to /metrics; without it /metrics answers loopback callers only. */
    metricsToken: z.string().min(16).optional(),
    /** How often the readiness probe checks the store, Graph and the contact center. */
    readinessIntervalMs: ms.min(100).default(15_000),
    /** An upstream that does not answer within this is not ready (its health budget). */
    readinessBudgetMs: ms.min(50).default(5_000),
    /** On SIGTERM: how long in-flight HTTP requests and state commands may take to finish. */
    shutdownDrainMs: ms.default(10_000),
    /** Audit entries older than this many days are pruned. */
    auditRetentionDays: z.coerce.number().int().min(1).max(36_500).default(90),
    /** How often the pruning job runs, and how many rows one batch deletes (small batches never block the engine). */
    auditPruneIntervalMs: ms.min(1_000).default(3_600_000),
    auditPruneBatch: z.coerce.number().int().min(1).max(10_000).default(500),
    /** Start-up (database, contact center, Graph, listening) that has not finished by then exits 2 naming why. */
    startupTimeoutMs: ms.min(1_000).default(120_000),
  })
  .prefault({});

export const OPS_ENV: Record<string, string> = {
  TPC_METRICS_TOKEN: 'ops.metricsToken',
  TPC_READINESS_INTERVAL_MS: 'ops.readinessIntervalMs',
  TPC_READINESS_BUDGET_MS: 'ops.readinessBudgetMs',
  TPC_SHUTDOWN_DRAIN_MS: 'ops.shutdownDrainMs',
  TPC_AUDIT_RETENTION_DAYS: 'ops.auditRetentionDays',
  TPC_AUDIT_PRUNE_INTERVAL_MS: 'ops.auditPruneIntervalMs',
  TPC_AUDIT_PRUNE_BATCH: 'ops.auditPruneBatch',
  TPC_STARTUP_TIMEOUT_MS: 'ops.startupTimeoutMs',
};

/**
 * The config file is JSON with comments (config.example.jsonc): line and block comments outside strings are
 * blanked out (with spaces, so a JSON error still points at the right position) before parsing.
 */
export function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
