/**
 * The marker the connector writes into the reason text of every state change it sends (Webex:
 * `lastStateChangeReason`, at most 128 characters, echoed back in agent events and activities). It is the only
 * evidence the contact center gives back that a change was the connector's: `changedBy` is documented for
 * humans only and may be null, so it is never used to claim ownership.
 *
 * Shape: `tpc:<commandId> <human text>`. The marker comes first so truncation to the vendor's limit can only cut
 * the human text, never the marker. A command id is 1–40 characters of [A-Za-z0-9_-].
 */

export const MARKER_PREFIX = 'tpc:';
/** Webex accepts at most 128 characters in `lastStateChangeReason`. */
export const REASON_MAX_CHARS = 128;

const COMMAND_ID = /^[A-Za-z0-9_-]{1,40}$/;
const MARKED = /^\s*tpc:([A-Za-z0-9_-]{1,40})(?=\s|$)/;

/** The reason text to send with a command: the marker, then as much of `text` as fits in `maxChars`. */
export function buildMarkedReason(commandId: string, text: string, maxChars = REASON_MAX_CHARS): string {
  if (!COMMAND_ID.test(commandId)) throw new RangeError(`command id "${commandId}" must be 1–40 characters of A-Z, a-z, 0-9, _ or -`);
  const marker = `${MARKER_PREFIX}${commandId}`;
  const human = text.replace(/\s+/g, ' ').trim();
  return human ? `${marker} ${human}`.slice(0, maxChars).trimEnd() : marker;
}

/** The command id carried by a reason text, or null when the text has no marker (a human or another system). */
export function parseMarker(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return MARKED.exec(reason)?.[1] ?? null;
}
