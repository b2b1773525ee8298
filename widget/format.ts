/**
 * Pure formatting for the components: durations, ages in words, presence colour tones, error field paths.
 * Nothing here knows about the DOM, so it is unit-tested in Node.
 */

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Time in a state: "mm:ss" under an hour, "h:mm" from an hour on. Negative spans (clock skew) read as 00:00. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours > 0) return `${hours}:${pad2(minutes)}`;
  return `${pad2(minutes)}:${pad2(total % 60)}`;
}

/** The same span in words for screen readers: "4 minutes 9 seconds", "1 hour 5 minutes". */
export function durationInWords(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
  if (minutes > 0) return `${unit(minutes, 'minute')} ${unit(seconds, 'second')}`;
  return unit(seconds, 'second');
}

/** A coarse span in words: "12 seconds", "3 minutes", "2 hours", "4 days". */
export function spanInWords(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s < 60) return unit(s, 'second');
  const m = Math.round(s / 60);
  if (m < 60) return unit(m, 'minute');
  const h = Math.round(m / 60);
  if (h < 48) return unit(h, 'hour');
  return unit(Math.round(h / 24), 'day');
}

/** A timestamp relative to now: "12 seconds ago", "in 40 minutes", or `never` when there is none. */
export function ageInWords(at: number | string | null | undefined, now: number, never = 'never'): string {
  if (at == null || at === '') return never;
  const t = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(t)) return never;
  const diff = now - t;
  if (Math.abs(diff) < 1000) return 'just now';
  return diff > 0 ? `${spanInWords(diff)} ago` : `in ${spanInWords(diff)}`;
}

/** Local wall-clock time "14:05" for a timestamp. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

export type PresenceTone = 'available' | 'busy' | 'dnd' | 'away' | 'offline' | 'unknown';

/**
 * Colour class of a Teams presence, from Graph's availability (open strings, any casing). The activity only
 * matters where availability is missing or is itself an activity-like value (newer Graph documentation).
 */
export function presenceTone(presence: { availability: string; activity?: string } | null | undefined): PresenceTone {
  if (!presence) return 'unknown';
  const a = (presence.availability ?? '').toLowerCase();
  switch (a) {
    case 'available':
    case 'availableidle':
      return 'available';
    case 'busy':
    case 'busyidle':
    case 'inacall':
    case 'inameeting':
      return 'busy';
    case 'donotdisturb':
    case 'presenting':
    case 'focusing':
      return 'dnd';
    case 'away':
    case 'berightback':
      return 'away';
    case 'offline':
    case 'outofoffice':
      return 'offline';
    default:
      return 'unknown';
  }
}

/** Colour class of a contact-center agent state. */
export function agentStateTone(state: string | null | undefined): PresenceTone {
  switch ((state ?? '').toLowerCase()) {
    case 'available':
      return 'available';
    case 'idle':
    case 'rona':
      return 'busy';
    case 'engaged':
    case 'wrapup':
      return 'away';
    default:
      return 'offline';
  }
}

/** "WrapUp" → "Wrap-up", "LoggedOut" → "Logged out": agent states as people read them. */
export function agentStateLabel(state: string | null | undefined): string {
  switch (state) {
    case 'WrapUp':
      return 'Wrap-up';
    case 'LoggedOut':
      return 'Logged out';
    case null:
    case undefined:
    case '':
      return 'Unknown';
    default:
      return state;
  }
}

/**
 * Error field paths arrive as `rules[1].idleCodeId` or, from some validators, `rules.1.idleCodeId`; both become
 * the bracket form the editor keys its inputs by.
 */
export function normalizeFieldPath(field: string): string {
  return field
    .split('.')
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

/** Pick the first human sentence out of an API answer whose shape the caller does not control. */
export function messageOf(body: unknown): string | null {
  if (typeof body === 'string') return body || null;
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'note', 'notice', 'detail', 'text']) {
    if (typeof record[key] === 'string' && record[key]) return record[key] as string;
  }
  return null;
}

/** An interval or lag in words: "250 ms", "1.5 seconds", "3 minutes"; null reads as "not measured". */
export function msInWords(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return 'not measured';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) {
    const s = Math.round(ms / 100) / 10;
    return `${s} second${s === 1 ? '' : 's'}`;
  }
  return spanInWords(ms);
}
