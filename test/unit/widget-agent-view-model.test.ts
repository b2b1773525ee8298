import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../server/gateway/contract.js';
import { agentDetails, agentHeader, type AgentSituation } from '../../widget/agent-view-model.js';
import { formatters } from '../../widget/i18n/formatters.js';
import { LOCALES, translator, type Locale } from '../../widget/i18n/i18n.js';
import { agentMessages } from '../../widget/messages/agent-widget-messages.js';

const NOW = Date.UTC(2026, 10, 29, 13, 0);
const ZONE = 'Europe/Berlin'; // 14:00 local at NOW

const view = (over: Partial<AgentView> = {}): AgentView => ({
  agentId: 'a1',
  name: 'Ada',
  email: 'ada@example.test',
  teamId: 't1',
  teamName: 'Sales',
  teamsUserId: 'u1',
  state: 'Available',
  idleCodeId: null,
  idleCodeName: null,
  origin: 'agent',
  stateChangedAt: NOW - 65_000,
  setByConnector: false,
  presence: { availability: 'Available', activity: 'Available', label: 'Available in Teams', teamsState: 'Available', observedAt: NOW },
  pendingIdleCodeName: null,
  releaseDueAt: null,
  pausedUntil: null,
  syncEnabled: true,
  lastDecision: null,
  notice: null,
  noticeCode: null,
  ...over,
});

const inCall = { availability: 'Busy', activity: 'InACall', label: 'In a Teams call', teamsState: 'InACall', observedAt: NOW };
const held = view({ state: 'Idle', idleCodeId: 'ic1', idleCodeName: 'Teams Call', origin: 'connector', setByConnector: true, presence: inCall });

function run(s: Partial<AgentSituation>, locale: Locale = 'en') {
  const situation: AgentSituation = { view: null, status: 'connected', problem: null, now: NOW, ...s };
  const t = translator(agentMessages, locale);
  const fmt = formatters(locale, ZONE);
  return { header: agentHeader(situation, t, fmt), details: agentDetails(situation, t, fmt) };
}
const text = (details: { testid: string; text: string }[], id: string): string | undefined => details.find((d) => d.testid === id)?.text;

describe('agent header: only what the Desktop does not show', () => {
  it('held idle by the connector, and why', () => {
    const { header, details } = run({ view: held });
    expect(header).toMatchObject({ kind: 'held', primary: 'In a Teams call', secondary: 'Teams sync holds you idle' });
    expect(text(details, 'held')).toBe('You’re in a Teams call, so you’re set to Teams Call.');
  });

  it('a pending idle while on a contact', () => {
    const v = view({ state: 'Engaged', pendingIdleCodeName: 'Teams Meeting', presence: { ...inCall, teamsState: 'InAMeeting', activity: 'InAMeeting' } });
    const { header, details } = run({ view: v });
    expect(header).toMatchObject({ kind: 'pending', primary: 'In a Teams meeting', secondary: 'Idle after this contact' });
    expect(text(details, 'pending-idle')).toBe('You’re in a Teams meeting, so you’ll be set to Teams Meeting when this contact ends.');
  });

  it('a pause with its end in the agent’s time zone', () => {
    const { header, details } = run({ view: view({ pausedUntil: NOW + 30 * 60_000 }) });
    expect(header).toMatchObject({ kind: 'paused', primary: 'Teams sync paused', secondary: 'Until 2:30 PM' });
    expect(text(details, 'paused')).toBe('You paused Teams sync until 2:30 PM (30 minutes left).');
  });

  it('a scheduled return', () => {
    const v = { ...held, presence: { ...inCall, availability: 'Available', activity: 'Available', teamsState: 'Available' }, releaseDueAt: NOW + 45_000 };
    // The connector still holds the idle during the settle delay; the header says when it ends.
    const { header, details } = run({ view: v });
    expect(header).toMatchObject({ kind: 'return', primary: 'Free in Teams', secondary: 'Available at 2:00 PM' });
    expect(text(details, 'scheduled-release')).toContain('at 2:00 PM unless Teams turns busy again');
  });

  it('an idle someone else chose is left alone and explained', () => {
    const { header, details } = run({ view: view({ state: 'Idle', idleCodeName: 'Lunch', origin: 'supervisor', presence: inCall }) });
    expect(header.kind).toBe('left-alone');
    expect(text(details, 'origin')).toBe('A supervisor set this state, so Teams sync leaves it alone.');
  });

  it('sync off with a short reason in the header and a full one in the details', () => {
    const v = view({ noticeCode: { code: 'notice.presence-stale', params: { time: NOW - 3_600_000 } } });
    const { header, details } = run({ view: v });
    expect(header).toMatchObject({ kind: 'off', primary: 'Teams sync off', secondary: 'Teams presence unavailable' });
    expect(text(details, 'notice')).toContain('since 1:00 PM');
  });

  it.each([
    ['unauthorised', 'disconnected', 'Teams sync refused your sign-in'],
    ['unreachable', 'connecting', 'Teams sync unreachable'],
    ['closed', 'disconnected', 'Teams sync disconnected'],
    ['no-token', 'disconnected', 'Waiting for your sign-in'],
  ] as const)('%s: says so and shows nothing of the last view', (problem, status, primary) => {
    const { header, details } = run({ view: held, status, problem });
    expect(header).toMatchObject({ kind: problem, primary });
    expect(details.map((d) => d.testid)).toEqual(['connection-detail']);
  });

  it('connecting the first time', () => {
    expect(run({ status: 'connecting' }).header).toMatchObject({ kind: 'connecting', primary: 'Connecting to Teams sync…' });
  });

  it('the last decision renders its reason code in the reader’s language', () => {
    const v = {
      ...held,
      lastDecision: {
        id: 1,
        at: NOW - 120_000,
        trigger: 'presence',
        action: 'set-idle',
        reason: 'presence-busy',
        text: 'In a Teams call: set to idle “Teams Call”.',
        reasonCode: { code: 'set-idle.presence-busy', params: { teamsState: 'InACall', idleCode: 'Teams Call' } },
        result: 'confirmed',
      },
    };
    expect(text(run({ view: v }, 'de').details, 'reason')).toBe('Vor 2 Minuten: In einem Teams-Anruf: auf „Nicht bereit – Teams Call“ gesetzt.');
    expect(text(run({ view: v }, 'pt-BR').details, 'reason')).toMatch(/^Há 2 minutos: /);
  });
});

describe('every header state has words in every language', () => {
  const situations: Partial<AgentSituation>[] = [
    { view: held },
    { view: view({ pausedUntil: NOW + 60_000 }) },
    { view: view({ state: 'Engaged', pendingIdleCodeName: 'X', presence: inCall }) },
    { view: view({ releaseDueAt: NOW + 1000 }) },
    { view: view({ noticeCode: { code: 'notice.unmatched', params: {} } }) },
    { status: 'disconnected', problem: 'unauthorised' },
  ];
  it.each(LOCALES.filter((l) => l !== 'en'))('%s differs from English and leaves no placeholder', (locale) => {
    for (const s of situations) {
      const en = run(s, 'en');
      const other = run(s, locale);
      expect(other.header.primary + other.header.secondary).not.toBe(en.header.primary + en.header.secondary);
      expect(JSON.stringify(other)).not.toMatch(/\{\w+\}/);
    }
  });
});
