import { describe, expect, it } from 'vitest';
import type { AgentEvent, Clock } from '../../server/ports.js';
import { WebexAgentTracker } from '../../server/contact-center/webex/webex-agent-tracker.js';
import { bareUserId, WebexCommandLedger } from '../../server/contact-center/webex/webex-command-ledger.js';
import { WebexEventTranslator } from '../../server/contact-center/webex/webex-event-translator.js';
import { webhookToFrame } from '../../server/contact-center/webex/webex-webhook-translator.js';
import { retryAfterMs, translateStatus } from '../../server/contact-center/webex/webex-http-client.js';

const RONA_ID = 'aux-rona';
const BREAK_ID = 'aux-break';
const INTEGRATION = 'integration-user';

function setup() {
  let now = 1_000_000;
  const clock: Clock = { now: () => now, setTimeout: () => ({ cancel() {} }) };
  const ledger = new WebexCommandLedger(clock);
  ledger.setIntegrationUserId(INTEGRATION);
  const tracker = new WebexAgentTracker();
  const codes = { isRona: (id: string | undefined) => id === RONA_ID, ronaCodeId: () => RONA_ID };
  const t = new WebexEventTranslator(tracker, ledger, codes, clock);
  return { t, ledger, tracker, advance: (ms: number) => (now += ms) };
}

const stateFrame = (data: Record<string, unknown>) => ({
  type: 'AgentStateChange',
  orgId: 'org',
  trackingId: data.trackingId ?? 'tid-x',
  data: { type: 'AgentStateChangeSuccess', agentId: 'a1', subStatus: 'Idle', auxCodeId: BREAK_ID, changedBy: 'AGENT', changedById: 'a1', lastStateChangeTimestamp: 100, ...data },
});
const contactFrame = (type: string, interactionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'RoutingMessage',
  data: { type, agentId: 'a1', interactionId, interaction: { interactionId, mediaType: 'telephony' }, ...extra },
});
const states = (events: AgentEvent[]) => events.map((e) => (e.kind === 'state' ? `${e.state}/${e.origin}` : e.kind));

describe('Webex event translation', () => {
  it.each([
    ['AGENT', 'a1', 'agent'],
    ['SUPERVISOR', 'sup-1', 'supervisor'],
    ['SYSTEM', 'SYSTEM', 'system'],
    ['INTEGRATION', INTEGRATION, 'connector'],
    ['INTEGRATION', 'some-other-integration', 'unknown'],
    ['WFM_TOOL', 'x', 'unknown'],
  ])('changedBy %s (%s) → origin %s', (changedBy, changedById, origin) => {
    const { t } = setup();
    const [e] = t.translateFrame(stateFrame({ changedBy, changedById }));
    expect(e).toMatchObject({ kind: 'state', agentId: 'a1', state: 'Idle', idleCodeId: BREAK_ID, origin, changedAt: 100 });
  });

  it('recognises its own command by tracking id and reports the id the engine knows', () => {
    const { t, ledger } = setup();
    ledger.record('answered-id', 'a1', ['sent-id']);
    const [e] = t.translateFrame(stateFrame({ changedBy: 'SUPERVISOR', changedById: 'x', trackingId: 'sent-id' }));
    expect(e).toMatchObject({ kind: 'state', origin: 'connector', trackingId: 'answered-id' });
  });

  it('Available via subStatus or aux code "0" carries no idle code', () => {
    const { t } = setup();
    const [e] = t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0' }));
    expect(e).toMatchObject({ state: 'Available' });
    expect(e && 'idleCodeId' in e).toBe(false);
  });

  it('an Idle with the RONA system code is state RONA with origin system', () => {
    const { t } = setup();
    const events = t.translateFrame(stateFrame({ auxCodeId: RONA_ID, changedBy: 'SYSTEM' }));
    expect(states(events)).toEqual(['RONA/system']);
  });

  it('drops duplicates and older deliveries', () => {
    const { t } = setup();
    expect(states(t.translateFrame(stateFrame({ lastStateChangeTimestamp: 200 })))).toEqual(['Idle/agent']);
    expect(t.translateFrame(stateFrame({ lastStateChangeTimestamp: 200 }))).toEqual([]);
    expect(t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0', lastStateChangeTimestamp: 150 }))).toEqual([]);
    expect(states(t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0', lastStateChangeTimestamp: 300 })))).toEqual(['Available/agent']);
  });

  it('a failed command is reported once, only when it is ours', () => {
    const { t, ledger } = setup();
    ledger.record('tid-1', 'a1');
    const failed = (trackingId: string) => ({ type: 'AgentStateChange', trackingId, data: { type: 'AgentStateChangeFailed', agentId: 'a1', trackingId, reasonCode: 33, reason: 'Invalid auxCodeId' } });
    expect(t.translateFrame(failed('someone-else'))).toEqual([]);
    const [e] = t.translateFrame(failed('tid-1'));
    expect(e).toMatchObject({ kind: 'command-failed', agentId: 'a1', trackingId: 'tid-1' });
    expect(e?.kind === 'command-failed' && e.reason).toContain('reasonCode 33');
    expect(t.translateFrame(failed('tid-1'))).toEqual([]);
  });

  it('a contact goes Engaged → WrapUp → back to the state underneath, and never backwards', () => {
    const { t } = setup();
    t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0' }));
    const assigned = t.translateFrame(contactFrame('AgentContactAssigned', 'c1', { isConferencing: true }));
    expect(assigned[0]).toMatchObject({ state: 'Engaged', contact: { id: 'c1', mediaType: 'telephony', conference: true } });
    expect(states(t.translateFrame(contactFrame('AgentWrapup', 'c1')))).toEqual(['WrapUp/system']);
    expect(t.translateFrame(contactFrame('AgentContactAssigned', 'c1'))).toEqual([]);
    expect(states(t.translateFrame(contactFrame('AgentWrappedUp', 'c1')))).toEqual(['Available/agent']);
    expect(t.translateFrame(contactFrame('AgentContactEnded', 'c1'))).toEqual([]);
    expect(t.translateFrame(contactFrame('AgentWrapup', 'c1'))).toEqual([]);
  });

  it('an idle chosen during a contact is where the agent lands when it ends', () => {
    const { t } = setup();
    t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0' }));
    t.translateFrame(contactFrame('AgentContactAssigned', 'c2'));
    expect(t.translateFrame(stateFrame({ lastStateChangeTimestamp: 500 }))).toEqual([]);
    expect(states(t.translateFrame(contactFrame('AgentContactEnded', 'c2')))).toEqual(['Idle/agent']);
  });

  it('RONA offer timeout and logout', () => {
    const { t } = setup();
    expect(t.translateFrame({ type: 'RoutingMessage', data: { type: 'AgentOfferContactRona', agentId: 'a1', interactionId: 'c3' } })[0]).toMatchObject({ state: 'RONA', origin: 'system', idleCodeId: RONA_ID });
    const out = t.translateFrame({ type: 'Logout', data: { type: 'AgentLogoutSuccess', agentId: 'a1', loggedOutBy: 'SUPERVISOR', lastStateChangeTimestamp: 900 } });
    expect(states(out)).toEqual(['LoggedOut/supervisor']);
  });

  it('webhooks become the equivalent frames', () => {
    const { t } = setup();
    const hook = (data: Record<string, unknown>) => ({ id: 'e1', specVersion: '1.0', type: 'agent:state_change', source: 'wxcc', data: { agentId: 'a1', ...data } });
    expect(states(t.translateFrame(webhookToFrame(hook({ currentState: 'idle', idleCode: BREAK_ID, changedBy: 'AGENT', createdTime: 10 })), true))).toEqual(['Idle/agent']);
    expect(states(t.translateFrame(webhookToFrame(hook({ currentState: 'connected', taskId: 'c9', createdTime: 20 })), true))).toEqual(['Engaged/system']);
    expect(states(t.translateFrame(webhookToFrame(hook({ currentState: 'available', changedBy: 'AGENT', createdTime: 30 })), true))).toEqual(['Available/agent']);
    expect(webhookToFrame(hook({ currentState: 'ringing' }))).toBeNull();
  });
});

describe('Webex HTTP helpers', () => {
  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(undefined, 0)).toBeNull();
  });

  it('translates vendor statuses into AppError codes naming the call', () => {
    const e = translateStatus('set agent state', 400, { error: { key: '400', reason: 'Bad Request', message: [{ description: 'agentId unknown' }] } });
    expect(e.code).toBe('invalid');
    expect(e.message).toContain('set agent state');
    expect(e.message).toContain('agentId unknown');
    expect(translateStatus('x', 503, {}).code).toBe('unavailable');
    expect(translateStatus('x', 401, {}).code).toBe('upstream');
  });

  it('reads bare ids out of Webex people ids', () => {
    const uuid = '5b1f8c1e-1111-4222-8333-444455556666';
    expect(bareUserId(Buffer.from(`ciscospark://us/PEOPLE/${uuid}`).toString('base64'))).toBe(uuid);
    expect(bareUserId(uuid)).toBe(uuid);
  });
});
