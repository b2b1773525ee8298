import type { AgentView, ReasonCode } from '../server/gateway/contract.js';
import type { ConnectionProblem, ConnectionStatus } from './connection-controller.js';
import type { Formatters } from './i18n/formatters.js';
import type { MessagesOf, Translator } from './i18n/i18n.js';
import { reasonText, teamsStateText } from './i18n/reason-text.js';
import type { agentMessages } from './messages/agent-widget-messages.js';

/**
 * What the agent widget says, derived from the agent's view, the connection and the time. Pure, so every state
 * is unit-tested in all languages without a browser. The header says only what the Webex Desktop does not show
 * (the Desktop already shows the state, the idle code and the timer): whether the connector holds the agent idle
 * and why, a pending idle, a pause and its end, a scheduled return, or why the connector is not connected. While
 * not connected nothing from the last view is shown, so no stale state or frozen time lingers.
 */

type AgentTable = MessagesOf<typeof agentMessages>;
export type AgentT = Translator<AgentTable>;

export type HeaderKind =
  | 'connecting'
  | 'no-token'
  | 'unauthorised'
  | 'unreachable'
  | 'closed'
  | 'held'
  | 'pending'
  | 'paused'
  | 'return'
  | 'left-alone'
  | 'off'
  | 'on';

/** Colour of the header's indicator: a Momentum indicator token family. */
export type HeaderTone = 'busy' | 'away' | 'available' | 'offline' | 'dnd';

export interface AgentHeader {
  kind: HeaderKind;
  tone: HeaderTone;
  primary: string;
  secondary: string;
}

export interface AgentSentence {
  testid: string;
  text: string;
}

export interface AgentSituation {
  view: AgentView | null;
  status: ConnectionStatus;
  problem: ConnectionProblem | null;
  now: number;
}

const BUSY_STATES = new Set(['InACall', 'InAMeeting', 'Presenting', 'DoNotDisturb', 'Busy']);

export const isPaused = (view: AgentView, now: number): boolean => view.pausedUntil != null && view.pausedUntil > now;

function teamsStateOf(view: AgentView): string | null {
  return view.presence?.teamsState ?? null;
}

/** The notice code without its `notice.` prefix, or null. */
function noticeOf(view: AgentView): string | null {
  const code = view.noticeCode?.code;
  return code && code.startsWith('notice.') ? code.slice('notice.'.length) : null;
}

function leftAlone(view: AgentView): boolean {
  return (view.state === 'Idle' || view.state === 'RONA') && !view.setByConnector && BUSY_STATES.has(teamsStateOf(view) ?? '');
}

export function agentHeader(s: AgentSituation, t: AgentT, fmt: Formatters): AgentHeader {
  const { view, status, problem, now } = s;
  if (status !== 'connected' || !view) {
    if (problem) {
      const primary = t(`conn.${problem}`);
      const secondary = problem === 'no-token' ? '' : t('conn.retrying');
      return { kind: problem, tone: problem === 'no-token' ? 'offline' : 'dnd', primary, secondary };
    }
    return { kind: 'connecting', tone: 'offline', primary: t('conn.connecting'), secondary: '' };
  }
  const teams = teamsStateText(fmt.locale, teamsStateOf(view));
  if (isPaused(view, now)) {
    return { kind: 'paused', tone: 'away', primary: t('header.paused'), secondary: t('header.until', { time: fmt.time(view.pausedUntil as number) }) };
  }
  const notice = noticeOf(view);
  if (notice && notice !== 'paused') {
    const key = `short.${notice}` as `short.${'connector-inactive' | 'presence-stale' | 'sync-disabled' | 'unmatched'}`;
    return { kind: 'off', tone: 'offline', primary: t('header.off'), secondary: key in SHORT_NOTICES ? t(key) : '' };
  }
  if (view.pendingIdleCodeName) return { kind: 'pending', tone: 'busy', primary: teams, secondary: t('header.pending') };
  // A scheduled return comes first: the connector still holds the idle, but only until the settle delay passes.
  if (view.releaseDueAt != null) {
    return { kind: 'return', tone: 'available', primary: t('header.free'), secondary: t('header.returnAt', { time: fmt.time(view.releaseDueAt) }) };
  }
  if (view.setByConnector) return { kind: 'held', tone: 'busy', primary: teams, secondary: t('header.held') };
  if (leftAlone(view)) return { kind: 'left-alone', tone: 'busy', primary: teams, secondary: t('header.leftAlone') };
  const tone: HeaderTone = BUSY_STATES.has(teamsStateOf(view) ?? '') ? 'busy' : view.presence ? 'available' : 'offline';
  return { kind: 'on', tone, primary: teams, secondary: t('header.on') };
}

const SHORT_NOTICES = { 'short.connector-inactive': 1, 'short.presence-stale': 1, 'short.sync-disabled': 1, 'short.unmatched': 1 };

function situation(view: AgentView, t: AgentT): string {
  const state = teamsStateOf(view);
  const key = `you.${state}` as keyof AgentTable & `you.${string}`;
  return state && key in SITUATIONS ? t(key as 'you.InACall') : t('you.unknown');
}

const SITUATIONS = {
  'you.InACall': 1,
  'you.InAMeeting': 1,
  'you.Presenting': 1,
  'you.DoNotDisturb': 1,
  'you.Busy': 1,
  'you.Away': 1,
  'you.BeRightBack': 1,
  'you.OutOfOffice': 1,
  'you.Offline': 1,
  'you.Available': 1,
};

/** The reason of the agent's last decision as a code, from the view's code or, from an older server, its action. */
export function lastReason(view: AgentView): ReasonCode | null {
  const d = view.lastDecision;
  if (!d) return null;
  return d.reasonCode ?? { code: `${d.action}.${d.reason}`, params: {} };
}

/** The details popover, in the first person. */
export function agentDetails(s: AgentSituation, t: AgentT, fmt: Formatters): AgentSentence[] {
  const { view, status, problem, now } = s;
  if (status !== 'connected' || !view) {
    return problem ? [{ testid: 'connection-detail', text: t(`conn.detail.${problem}`) }] : [];
  }
  const out: AgentSentence[] = [];
  const paused = isPaused(view, now);
  if (view.setByConnector && view.idleCodeName) {
    out.push({ testid: 'held', text: t('held', { situation: situation(view, t), idleCode: view.idleCodeName }) });
    if (view.releaseDueAt == null) out.push({ testid: 'held-return', text: t('heldReturn') });
  }
  if (view.pendingIdleCodeName) {
    out.push({ testid: 'pending-idle', text: t('pending', { situation: situation(view, t), idleCode: view.pendingIdleCodeName }) });
  }
  if (view.releaseDueAt != null) out.push({ testid: 'scheduled-release', text: t('scheduled', { time: fmt.time(view.releaseDueAt) }) });
  if (paused) {
    const until = view.pausedUntil as number;
    out.push({ testid: 'paused', text: t('paused', { time: fmt.time(until), left: fmt.duration(until - now) }) });
  }
  if ((view.state === 'Idle' || view.state === 'RONA') && !view.setByConnector) {
    const origin = (['agent', 'supervisor', 'system'] as const).find((o) => o === view.origin) ?? 'unknown';
    out.push({ testid: 'origin', text: t(`origin.${origin}`) });
  }
  const notice = noticeOf(view);
  if (notice === 'presence-stale') {
    const time = view.noticeCode?.params.time;
    out.push({ testid: 'notice', text: t('notice.presence-stale', { time: typeof time === 'number' ? fmt.time(time) : '' }) });
  } else if (notice && `notice.${notice}` in NOTICES) {
    out.push({ testid: 'notice', text: t(`notice.${notice}` as keyof typeof NOTICES) });
  }
  const reason = lastReason(view);
  out.push(
    reason && view.lastDecision
      ? { testid: 'reason', text: capitalise(t('latest', { when: fmt.relative(view.lastDecision.at, now), reason: reasonText(reason, fmt, view.lastDecision.text) }), fmt.locale) }
      : { testid: 'reason', text: t('noDecision') },
  );
  return out;
}

const NOTICES = { 'notice.connector-inactive': 1, 'notice.sync-disabled': 1, 'notice.unmatched': 1 };

/** "vor 2 Minuten: …" stays as it is; "now: …" becomes "Now: …". */
const capitalise = (text: string, locale: string): string => text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);

export const PAUSE_CHOICES = [15, 30, 60, 120] as const;
