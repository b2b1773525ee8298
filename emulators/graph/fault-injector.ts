import { z } from 'zod';

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

export class FaultInjector {
  private config: FaultConfig = {};
  private pathRegex: RegExp | null = null;
  private throttleLeft = 0;

  set(config: FaultConfig): void {
    this.pathRegex = config.paths ? new RegExp(config.paths) : null;
    this.config = { ...config };
    this.throttleLeft = config.throttleNext ?? 0;
  }

  clear(): void {
    this.set({});
  }

  current(): FaultConfig & { throttleLeft: number } {
    return { ...this.config, throttleLeft: this.throttleLeft };
  }

  private applies(path: string): boolean {
    return !this.pathRegex || this.pathRegex.test(path);
  }

  latencyFor(path: string): number {
    return this.config.latencyMs && this.applies(path) ? this.config.latencyMs : 0;
  }

  /** Decides, per Graph request, whether to answer 429 (throttleNext) or a 5xx (failRate) instead. */
  graphFault(path: string): GraphFault {
    if (!this.applies(path)) return null;
    if (this.throttleLeft > 0) {
      this.throttleLeft--;
      return { kind: 'throttle', retryAfterSec: this.config.retryAfterSec ?? 1 };
    }
    const rate = this.config.failRate ?? 0;
    if (rate > 0 && Math.random() < rate) {
      return { kind: 'fail', status: this.config.status ?? 503, retryAfterSec: this.config.retryAfterSec };
    }
    return null;
  }

  tokenFault(): 400 | 500 | null {
    return this.config.tokenFailure ?? null;
  }

  dropNotification(): boolean {
    const share = this.config.dropNotifications ?? 0;
    return share > 0 && Math.random() < share;
  }
}
