/**
 * Pure helpers for the components that carry no words: presence colour tones and error field paths. Words, dates,
 * times, durations and numbers are in `i18n/` (six languages, `Intl`). Nothing here knows about the DOM.
 */

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
