import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../server/gateway/contract.js';
import { announcement, isPaused, originText, pausedText, pendingText, releaseText, stateText, syncText } from '../../widget/agent-view-text.js';

const now = Date.UTC(2025, 0, 1, 12, 0, 0);

const view = (over: Partial<AgentView> = {}): AgentView => ({
  agentId: 'a1',
  name: 'Ada',
  email: 'ada@example.test',
  teamId: 't1',
  teamName: 'Sales',
  teamsUserId: 'u1',
  state: 'Idle',
  idleCodeId: 'ic-call',
  idleCodeName: 'Teams call',
  origin: 'connector',
  stateChangedAt: now - 65_000,
  setByConnector: true,
  presence: { availability: 'Busy', activity: 'InACall', label: 'In a Teams call', observedAt: now - 70_000 },
  pendingIdleCodeName: null,
  releaseDueAt: null,
  pausedUntil: null,
  syncEnabled: true,
  lastDecision: null,
  notice: null,
  ...over,
});

describe('agent widget wording', () => {
  it('names the idle code with the state, and only while idle', () => {
    expect(stateText(view())).toBe('Idle – Teams call');
    expect(stateText(view({ state: 'Available', idleCodeName: null }))).toBe('Available');
    expect(stateText(view({ state: 'WrapUp', idleCodeName: 'stale' }))).toBe('Wrap-up');
  });

  it('says who set the state', () => {
    expect(originText(view())).toBe('Set by the Teams presence connector');
    expect(originText(view({ setByConnector: false, origin: 'agent' }))).toBe('Set by you');
    expect(originText(view({ setByConnector: false, origin: 'system' }))).toBe('Set by the contact center');
    expect(originText(view({ setByConnector: false, origin: 'unknown' }))).toBeNull();
  });

  it('announces state, origin and presence without the ticking clock', () => {
    expect(announcement(view())).toBe('Idle – Teams call. Set by the Teams presence connector. Teams: In a Teams call.');
  });

  it('describes pending idle, scheduled release and pause', () => {
    expect(pendingText(view({ state: 'Engaged', pendingIdleCodeName: 'Teams call' }))).toContain('“Teams call” will be set when the current contact ends');
    expect(releaseText(view({ releaseDueAt: now + 3_000 }), now)).toBe('Returning to Available in 00:03 unless Teams turns busy again.');
    expect(releaseText(view({ releaseDueAt: now - 1 }), now)).toBe('Returning to Available now.');
    expect(releaseText(view(), now)).toBeNull();
    expect(isPaused(view({ pausedUntil: now + 60_000 }), now)).toBe(true);
    expect(isPaused(view({ pausedUntil: now - 1 }), now)).toBe(false);
    expect(pausedText(view({ pausedUntil: now + 15 * 60_000 }), now)).toMatch(/^Presence sync paused until \d\d:\d\d \(15:00 left\)\.$/);
  });

  it('explains why sync cannot act for this agent', () => {
    expect(syncText(view({ syncEnabled: false }))).toBe('Presence sync is off for your team.');
    expect(syncText(view({ teamsUserId: null }))).toContain('not matched to a Teams user');
    expect(syncText(view())).toBeNull();
  });
});
