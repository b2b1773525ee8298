import { z } from 'zod';
import { FaultInjector as KitFaults } from '../kit/faults.js';

/**
 * Injected failures, set by `POST /_emulator/faults` and cleared by `DELETE /_emulator/faults`. `paths` is a
 * regular expression over the request path; when given, latency, failRate and throttleNext apply only to
 * matching Graph requests. Randomness uses Math.random (shares are probabilities, not exact counts).
 */
export const faultSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    failRate: z.number().min(0).max(1).optional(),
    status: z.number().int().min(500).max(599).optional(),
    throttleNext: z.number().int().min(0).optional(),
    retryAfterSec: z.number().int().min(0).max(3600).optional(),
    dropNotifications: z.number().min(0).max(1).optional(),
    tokenFailure: z.union([z.literal(400), z.literal(500)]).nullable().optional(),
    paths: z.string().optional(),
  })
  .strict();

export type FaultConfig = z.infer<typeof faultSchema>;

export type GraphFault = { kind: 'throttle'; retryAfterSec: number } | { kind: 'fail'; status: number; retryAfterSec?: number } | null;

/**
 * The Graph control surface over the shared emulator kit's FaultInjector: latency, failRate/status,
 * throttleNext (the kit's rateLimitNext), retryAfterSec and dropNotifications (the kit's dropEvents) live in the
 * kit; `paths` (which Graph requests the REST faults apply to) and `tokenFailure` are Graph's own.
 */
export class FaultInjector {
  private readonly kit = new KitFaults();
  private config: FaultConfig = {};
  private pathRegex: RegExp | null = null;

  set(config: FaultConfig): void {
    this.pathRegex = config.paths ? new RegExp(config.paths) : null;
    this.config = { ...config };
    this.kit.reset();
    const problem = this.kit.update({
      latencyMs: config.latencyMs ?? 0,
      failRate: config.failRate ?? 0,
      status: config.status ?? 503,
      rateLimitNext: config.throttleNext ?? 0,
      retryAfterSec: config.retryAfterSec ?? 1,
      dropEvents: config.dropNotifications ?? 0,
    });
    if (problem) throw new Error(`${problem.field}: ${problem.message}`);
  }

  clear(): void {
    this.set({});
  }

  current(): FaultConfig & { throttleLeft: number } {
    return { ...this.config, throttleLeft: this.kit.settings.rateLimitNext };
  }

  private applies(path: string): boolean {
    return !this.pathRegex || this.pathRegex.test(path);
  }

  latencyFor(path: string): number {
    return this.kit.settings.latencyMs > 0 && this.applies(path) ? this.kit.settings.latencyMs : 0;
  }

  /** Decides, per Graph request, whether to answer 429 (throttleNext) or a 5xx (failRate) instead. */
  graphFault(path: string): GraphFault {
    if (!this.applies(path)) return null;
    const fault = this.kit.restFault();
    if (!fault) return null;
    if (fault.status === 429) return { kind: 'throttle', retryAfterSec: fault.retryAfterSec ?? 1 };
    return { kind: 'fail', status: fault.status, retryAfterSec: this.config.retryAfterSec };
  }

  tokenFault(): 400 | 500 | null {
    return this.config.tokenFailure ?? null;
  }

  dropNotification(): boolean {
    return this.kit.delivery() === 'drop';
  }
}
