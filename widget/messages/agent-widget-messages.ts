import { defineMessages, type Message } from '../i18n/i18n.js';
import { agentDe, agentPtBr } from './agent-widget-messages.pt-de.js';
import { agentFr, agentIt } from './agent-widget-messages.it-fr.js';
import { agentEs } from './agent-widget-messages.es.js';

/** English, the source: every other language must have exactly these keys and placeholders. */
const en = {
  group: 'Teams presence sync',
  details: 'Details',
  detailsLabel: 'Teams presence sync details',
  'header.held': 'Teams sync holds you idle',
  'header.pending': 'Idle after this contact',
  'header.free': 'Free in Teams',
  'header.returnAt': 'Available at {time}',
  'header.paused': 'Teams sync paused',
  'header.until': 'Until {time}',
  'header.on': 'Teams sync on',
  'header.off': 'Teams sync off',
  'header.leftAlone': 'Your idle is left alone',
  'short.connector-inactive': 'Not active',
  'short.presence-stale': 'Teams presence unavailable',
  'short.sync-disabled': 'Off for your team',
  'short.unmatched': 'No Teams account found',
  'short.paused': 'Paused',
  'conn.connecting': 'Connecting to Teams sync…',
  'conn.no-token': 'Waiting for your sign-in',
  'conn.unauthorised': 'Teams sync refused your sign-in',
  'conn.unreachable': 'Teams sync unreachable',
  'conn.closed': 'Teams sync disconnected',
  'conn.retrying': 'Retrying…',
  'conn.detail.no-token': 'Teams sync starts as soon as the Desktop passes your sign-in.',
  'conn.detail.unauthorised': 'Teams sync did not accept your sign-in. It tries again with your next sign-in; until then it does not change your state.',
  'conn.detail.unreachable': 'Teams sync cannot be reached, so it is not changing your state. It keeps trying by itself.',
  'conn.detail.closed': 'Teams sync closed the connection, so it is not changing your state. It reconnects by itself.',
  'you.InACall': 'You’re in a Teams call',
  'you.InAMeeting': 'You’re in a Teams meeting',
  'you.Presenting': 'You’re presenting in Teams',
  'you.DoNotDisturb': 'Teams shows you as Do not disturb',
  'you.Busy': 'Teams shows you as busy',
  'you.Away': 'Teams shows you as away',
  'you.BeRightBack': 'Teams shows you as Be right back',
  'you.OutOfOffice': 'You’re out of office in Teams',
  'you.Offline': 'Teams shows you as offline',
  'you.Available': 'You’re available in Teams',
  'you.unknown': 'Your Teams presence is not known yet',
  held: '{situation}, so you’re set to {idleCode}.',
  heldReturn: 'You’ll be back to Available when Teams shows you free.',
  pending: '{situation}, so you’ll be set to {idleCode} when this contact ends.',
  scheduled: 'You’re free in Teams again, so you’ll be back to Available at {time} unless Teams turns busy again.',
  paused: 'You paused Teams sync until {time} ({left} left).',
  'origin.agent': 'You set this state yourself, so Teams sync leaves it alone.',
  'origin.supervisor': 'A supervisor set this state, so Teams sync leaves it alone.',
  'origin.system': 'The contact center set this state, so Teams sync leaves it alone.',
  'origin.unknown': 'It is not known who set this idle, so Teams sync leaves it alone.',
  'notice.connector-inactive': 'Teams sync is not active right now.',
  'notice.presence-stale': 'Your Teams presence cannot be read since {time}; Teams sync released you and resumes by itself.',
  'notice.sync-disabled': 'Teams sync is off for your team.',
  'notice.unmatched': 'No Teams account matches your email address, so Teams sync cannot follow you.',
  'notice.paused': 'You paused Teams sync until {time}.',
  latest: '{when}: {reason}',
  noDecision: 'Teams sync has not changed your state yet.',
  pauseLabel: 'Pause Teams sync for',
  pauseFor: 'Pause for {duration}',
  resume: 'Resume Teams sync',
  'dir.label': 'Find a colleague',
  'dir.placeholder': 'Name, department or job title',
  'dir.searching': 'Searching…',
  'dir.none': 'No colleagues with a business phone match.',
  'dir.found': { one: '{count} colleague found.', other: '{count} colleagues found.' },
  'dir.results': 'Colleagues',
  'dir.call': 'Call {name} at {phone}',
} as const;

/** One language's table for {@link agentMessages}: every English key, none more. */
export type AgentTranslation = { readonly [K in keyof typeof en]: Message };

/**
 * The agent widget speaks to the agent in the first person. `{situation}` is one of the `you.*` sentences,
 * `{idleCode}` an idle-code name exactly as the contact center names it, `{time}` a local wall-clock time,
 * `{left}` a duration in words.
 *
 * English is declared here; the other languages live in `agent-widget-messages.pt-de.ts`, `agent-widget-messages.it-fr.ts` and
 * `agent-widget-messages.es.ts`, split by language so each file stays within 300 lines.
 */
export const agentMessages = defineMessages({ en, 'pt-BR': agentPtBr, de: agentDe, it: agentIt, fr: agentFr, es: agentEs });
