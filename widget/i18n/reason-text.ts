import type { ReasonCode } from '../../server/gateway/contract.js';
import { commonMessages } from '../messages/common-messages.js';
import { reasonMessages } from '../messages/reason-messages.js';
import type { Formatters } from './formatters.js';
import { format, type Locale, type ParamValue } from './i18n.js';

/** Parameters holding an instant (epoch ms) that are shown as a wall-clock time. */
const TIME_PARAMS = new Set(['time', 'at', 'since', 'until']);

/** A Teams state code (`InACall`) in the reader's words; unknown codes read as "Teams presence unknown". */
export function teamsStateText(locale: Locale, state: string | null | undefined): string {
  const table = commonMessages.tables[locale] as Record<string, string>;
  return table[`teams.${state}`] ?? table['teams.unknown'];
}

/**
 * The words for a reason code from the API (`set-idle.presence-busy`, `skip.sync-paused`, `notice.paused`) in the
 * reader's language: `teamsState` becomes the Teams state's words, instants become local times, and a skip that
 * carries a Teams state is prefixed by it. A code this page does not know falls back to `fallback` (the API's
 * English text) or says so, so a newer server never breaks an older page.
 */
export function reasonText(reason: ReasonCode, fmt: Formatters, fallback?: string | null): string {
  const locale = fmt.locale;
  const table = reasonMessages.tables[locale] as Record<string, string>;
  const message = table[reason.code];
  if (!message) return fallback || format(locale, table.unknownReason, { code: reason.code });
  const params: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(reason.params ?? {})) {
    if (name === 'teamsState') params[name] = teamsStateText(locale, String(value));
    else if (TIME_PARAMS.has(name) && typeof value === 'number') params[name] = fmt.time(value);
    else params[name] = value;
  }
  const text = format(locale, message, params);
  if (reason.code.startsWith('skip.') && reason.params?.teamsState) {
    return format(locale, table.withTeamsState, { teamsState: params.teamsState, reason: text });
  }
  return text;
}
