import type { AgentView } from '../server/gateway/contract.js';
import { agentStateLabel, clockTime, formatDuration } from './format.js';

/**
 * The agent widget's sentences, derived from an {@link AgentView} and the current time. Pure, so the wording is
 * unit-tested without a browser.
 */

const ORIGIN_TEXT: Record<string, string> = {
  agent: 'Set by you',
  supervisor: 'Set by a supervisor',
  system: 'Set by the contact center',
  connector: 'Set by the Teams presence connector',
};

/** Who set the current state, or null when unknown. */
export function originText(view: AgentView): string | null {
  if (view.setByConnector) return ORIGIN_TEXT.connector;
  return ORIGIN_TEXT[view.origin] ?? null;
}

/** "Idle – Teams call", "Available", "Wrap-up". */
export function stateText(view: AgentView): string {
  const state = agentStateLabel(view.state);
  return view.idleCodeName && (view.state === 'Idle' || view.state === 'RONA') ? `${state} – ${view.idleCodeName}` : state;
}

/** One sentence for screen readers when the state changes; the ticking clock stays out of it. */
export function announcement(view: AgentView): string {
  const origin = originText(view);
  const presence = view.presence ? ` Teams: ${view.presence.label}.` : '';
  return `${stateText(view)}.${origin ? ` ${origin}.` : ''}${presence}`;
}

export function pendingText(view: AgentView): string | null {
  if (!view.pendingIdleCodeName) return null;
  return `Idle “${view.pendingIdleCodeName}” will be set when the current contact ends.`;
}

export function releaseText(view: AgentView, now: number): string | null {
  if (view.releaseDueAt == null) return null;
  const left = view.releaseDueAt - now;
  if (left <= 0) return 'Returning to Available now.';
  return `Returning to Available in ${formatDuration(left)} unless Teams turns busy again.`;
}

export function isPaused(view: AgentView, now: number): boolean {
  return view.pausedUntil != null && view.pausedUntil > now;
}

export function pausedText(view: AgentView, now: number): string | null {
  if (!isPaused(view, now)) return null;
  return `Presence sync paused until ${clockTime(view.pausedUntil as number)} (${formatDuration((view.pausedUntil as number) - now)} left).`;
}

/** Why the connector is not acting, beyond the server's own notice. */
export function syncText(view: AgentView): string | null {
  if (!view.syncEnabled) return 'Presence sync is off for your team.';
  if (!view.teamsUserId) return 'Your contact-center account is not matched to a Teams user.';
  return null;
}

export const PAUSE_CHOICES = [15, 30, 60, 120] as const;

export function pauseChoiceLabel(minutes: number): string {
  return minutes < 60 ? `${minutes} minutes` : `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
}
