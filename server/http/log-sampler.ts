import type { Logger } from '../logger.js';

/**
 * One warning line per key per period, carrying how many were left out since the last one: a flood of bad requests
 * (forged webhooks, garbage bodies) costs a few lines a minute instead of one per request.
 */
export function sampledWarn(logger: Logger, everyMs = 60_000, now: () => number = Date.now): (key: string, fields: Record<string, unknown>, message: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, fields, message) => {
    const t = now();
    const seen = last.get(key);
    if (seen && t - seen.at < everyMs) {
      seen.suppressed += 1;
      return;
    }
    logger.warn({ ...fields, suppressedSinceLast: seen?.suppressed ?? 0 }, message);
    if (last.size > 1_000) last.clear();
    last.set(key, { at: t, suppressed: 0 });
  };
}
