import type { Locale } from './i18n.js';

/**
 * Dates, times, durations and numbers in the reader's locale and time zone, through `Intl` only. A time zone of
 * `undefined` is the browser's (the agent's own). Formatters are cached per locale and zone: building `Intl`
 * objects is the slow part.
 */
export interface Formatters {
  readonly locale: Locale;
  readonly timeZone: string | undefined;
  /** Wall-clock time, "14:05" / "2:05 PM". */
  time(at: number): string;
  /** Date and time, "29 Nov 2026, 14:05". */
  dateTime(at: number): string;
  /** A span in words for people and screen readers: "4 minutes, 9 seconds", "1 Stunde und 5 Minuten". */
  duration(ms: number): string;
  /** A short span: "4 min", "1 h 5 min", "12 s". */
  shortDuration(ms: number): string;
  /** Relative to now: "in 5 minutes", "vor 2 Stunden". */
  relative(at: number, now: number): string;
  number(n: number, options?: Intl.NumberFormatOptions): string;
}

const cache = new Map<string, Formatters>();

type Unit = 'day' | 'hour' | 'minute' | 'second';

function parts(ms: number): [Unit, number][] {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h >= 48) return [['day', Math.round(h / 24)]];
  if (h > 0) return m > 0 ? [['hour', h], ['minute', m]] : [['hour', h]];
  if (m > 0) return s > 0 && m < 10 ? [['minute', m], ['second', s]] : [['minute', m]];
  return [['second', s]];
}

export function formatters(locale: Locale, timeZone?: string): Formatters {
  const key = `${locale}|${timeZone ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let zone = timeZone;
  try {
    if (zone) new Intl.DateTimeFormat(locale, { timeZone: zone });
  } catch {
    zone = undefined; // an unknown zone name falls back to the browser's rather than breaking the component
  }
  // Built on first use: constructing Intl objects is the slow part of a first render, and most renders need few.
  const lazy = <T>(make: () => T): (() => T) => {
    let v: T | undefined;
    return () => (v ??= make());
  };
  const time = lazy(() => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: zone }));
  const dateTime = lazy(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }));
  const units = new Map<string, Intl.NumberFormat>();
  const unit = (u: Unit, display: 'long' | 'short'): Intl.NumberFormat => {
    const k = `${u}|${display}`;
    let nf = units.get(k);
    if (!nf) units.set(k, (nf = new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: display })));
    return nf;
  };
  const andList = lazy(() => new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }));
  const rel = lazy(() => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const numbers = new Map<string, Intl.NumberFormat>();
  const f: Formatters = {
    locale,
    timeZone: zone,
    time: (at) => time().format(at),
    dateTime: (at) => dateTime().format(at),
    duration: (ms) => andList().format(parts(ms).map(([u, n]) => unit(u, 'long').format(n))),
    shortDuration: (ms) => parts(ms).map(([u, n]) => unit(u, 'short').format(n)).join(' '),
    relative: (at, now) => {
      const diff = at - now;
      const abs = Math.abs(diff);
      // Within ten seconds either way is "now": the browser's clock and the server's differ by that much.
      if (abs < 10_000) return rel().format(0, 'second');
      if (abs < 45_000) return rel().format(Math.round(diff / 1000), 'second');
      if (abs < 45 * 60_000) return rel().format(Math.round(diff / 60_000), 'minute');
      if (abs < 36 * 3_600_000) return rel().format(Math.round(diff / 3_600_000), 'hour');
      return rel().format(Math.round(diff / 86_400_000), 'day');
    },
    number: (n, options) => {
      const k = JSON.stringify(options ?? {});
      let nf = numbers.get(k);
      if (!nf) numbers.set(k, (nf = new Intl.NumberFormat(locale, options)));
      return nf.format(n);
    },
  };
  cache.set(key, f);
  return f;
}
