/**
 * Tolerant readers for Webex payloads. Notifications are open-ended (fields are added over time, some are
 * null), so the adapter reads the fields it needs and ignores the rest instead of rejecting a whole frame.
 */

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Epoch milliseconds from a number, a numeric string or an ISO date. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** What the translator needs to know about idle codes while translating (synchronously). */
export interface IdleCodeLookup {
  /** The code is the system code Webex uses for Redirect On No Answer. */
  isRona(auxCodeId: string | undefined): boolean;
  ronaCodeId(): string | undefined;
}

export const isRonaName = (name: string): boolean => /^\s*rona\s*$|redirect on no answer/i.test(name);

/**
 * The contact of a contact event: `interactionId` (or the nested interaction's id), its media type
 * (`telephony` for voice) and whether more than one agent is on it.
 */
export function contactOf(d: Json): { id: string; mediaType: string; conference: boolean } | null {
  const interaction = obj(d.interaction);
  const id = str(d.interactionId) ?? str(interaction.interactionId) ?? str(d.taskId);
  if (!id) return null;
  const mediaType = str(interaction.mediaType) ?? str(d.mediaType) ?? str(interaction.mediaChannel) ?? 'telephony';
  return { id, mediaType, conference: isConference(d, interaction) };
}

function isConference(d: Json, interaction: Json): boolean {
  if (bool(d.isConferencing) || bool(interaction.isConferencing) || bool(d.conference)) return true;
  if ((str(interaction.state) ?? '').toLowerCase() === 'conference') return true;
  const participants = obj(interaction.participants);
  const agents = Object.values(participants).filter((p) => {
    const pt = obj(p);
    return (str(pt.pType) ?? str(pt.type) ?? '').toLowerCase() === 'agent' && bool(pt.hasLeft) !== true;
  });
  return agents.length > 1;
}
