import type { Formatters } from './i18n/formatters.js';
import type { MessagesOf, Translator } from './i18n/i18n.js';
import type { adminMessages } from './messages/admin-messages.js';

/**
 * What every section of `<presence-connector-admin>` renders with: the reader's translator and formatters, the
 * time "now" is, and the small readers for status values whose shape a server may vary.
 */

export type AdminT = Translator<MessagesOf<typeof adminMessages>>;
export interface Ctx {
  t: AdminT;
  fmt: Formatters;
  now: number;
}

export type Rec = Record<string, unknown>;
export const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v && Number.isFinite(Date.parse(v)) ? Date.parse(v) : null);

/** "5 minutes ago", or `fallback` when there is no time. */
export function ago(c: Ctx, at: unknown, fallback: string): string {
  const t = num(at);
  return t == null ? fallback : c.fmt.relative(t, c.now);
}

export function span(c: Ctx, ms: unknown): string {
  const v = num(ms);
  if (v == null) return c.t('notMeasured');
  if (v < 1000) return `${c.fmt.number(Math.round(v))} ms`;
  if (v < 60_000) return c.fmt.number(v / 1000, { style: 'unit', unit: 'second', unitDisplay: 'long', maximumFractionDigits: 1 });
  return c.fmt.duration(v);
}
