import { describe, expect, it } from 'vitest';
import type { AgentEvent, Clock } from '../../server/ports.js';
import { WebexContactMemory } from '../../server/contact-center/webex/webex-contact-memory.js';
import { applyCcState } from '../../server/domain/cc-state.js';
import { bareUserId, WebexCommandLedger } from '../../server/contact-center/webex/webex-command-ledger.js';
import { WebexEventTranslator } from '../../server/contact-center/webex/webex-event-translator.js';
import { translateWebhook } from '../../server/contact-center/webex/webex-webhook-translator.js';
import { WebexCommands } from '../../server/contact-center/webex/webex-commands.js';
import { CommandIds } from '../../server/contact-center/command-ids.js';
import { buildMarkedReason } from '../../server/domain/command-marker.js';
import { retryAfterMs, translateStatus } from '../../server/contact-center/webex/webex-http-client.js';

const RONA_ID = 'aux-rona';
const BREAK_ID = 'aux-break';

function setup() {
  let now = 1_000_000;
  const clock: Clock = { now: () => now, setTimeout: () => ({ cancel() {} }) };
  const ledger = new WebexCommandLedger(clock);
  const memory = new WebexContactMemory();
  const codes = { isRona: (id: string | undefined) => id === RONA_ID, ronaCodeId: () => RONA_ID, cachedIdleCode: () => undefined };
  const ids = new CommandIds('test-key');
  const commands = new WebexCommands(null as never, ledger, ids, { read: () => null }, codes as never);
  const t = new WebexEventTranslator(memory, ledger, codes, (c, tid) => commands.claim(c, tid), clock);
  return { t, ledger, memory, ids, advance: (ms: number) => (now += ms) };
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
    // Never the connector from changedBy: only its marker or tracking id says that.
    ['INTEGRATION', 'the-connector-user', 'unknown'],
    [null, null, 'unknown'],
    ['WFM_TOOL', 'x', 'unknown'],
  ])('changedBy %s (%s) → origin %s', (changedBy, changedById, origin) => {
    const { t } = setup();
    const [e] = t.translateFrame(stateFrame({ changedBy, changedById }));
    expect(e).toMatchObject({ kind: 'state', agentId: 'a1', state: 'Idle', idleCodeId: BREAK_ID, origin, changedAt: 100 });
  });

  it('recognises its own command by tracking id, and by its marker in the reason text', () => {
    const { t, ledger } = setup();
    ledger.record({ commandId: 'cmd-1', trackingId: 'cmd-1', agentId: 'a1', state: 'Idle', idleCodeId: BREAK_ID });
    const [e] = t.translateFrame(stateFrame({ changedBy: 'SUPERVISOR', changedById: 'x', trackingId: 'cmd-1' }));
    expect(e).toMatchObject({ kind: 'state', origin: 'connector', trackingId: 'cmd-1' });
    ledger.record({ commandId: 'cmd-2', trackingId: 'cmd-2', agentId: 'a1', state: 'Idle', idleCodeId: 'aux-call' });
    const [m] = t.translateFrame(stateFrame({ auxCodeId: 'aux-call', trackingId: 'other', changedBy: null, lastStateChangeReason: buildMarkedReason('cmd-2', 'Teams: in a call'), lastStateChangeTimestamp: 200 }));
    expect(m).toMatchObject({ kind: 'state', origin: 'connector', trackingId: 'cmd-2', commandId: 'cmd-2' });
  });

  it('a marker whose command asked for another state, or that this connector did not sign, is not ours', () => {
    const { t, ledger, ids } = setup();
    ledger.record({ commandId: 'cmd-3', trackingId: 'cmd-3', agentId: 'a1', state: 'Idle', idleCodeId: 'aux-call' });
    const [e] = t.translateFrame(stateFrame({ trackingId: 'x', changedBy: null, lastStateChangeReason: buildMarkedReason('cmd-3', 'carried over'), lastStateChangeTimestamp: 200 }));
    expect(e).toMatchObject({ origin: 'unknown' });
    const forged = new CommandIds('another-key').create({ agentId: 'a1', state: 'Idle', idleCodeId: BREAK_ID });
    const [f] = t.translateFrame(stateFrame({ trackingId: 'x', changedBy: null, lastStateChangeReason: buildMarkedReason(forged, 'x'), lastStateChangeTimestamp: 300, subStatus: 'Available', auxCodeId: '0' }));
    expect(f).toMatchObject({ origin: 'unknown' });
    // The database (and the ledger) lost: a signed id made for this agent and code is still recognised.
    const signed = ids.create({ agentId: 'a1', state: 'Idle', idleCodeId: BREAK_ID });
    const [g] = t.translateFrame(stateFrame({ trackingId: 'x', changedBy: null, lastStateChangeReason: buildMarkedReason(signed, 'x'), lastStateChangeTimestamp: 400 }));
    expect(g).toMatchObject({ origin: 'connector', commandId: signed });
  });

  it('an idle-code switch is ordered by the later of the state and idle-code timestamps', () => {
    const { t } = setup();
    expect(states(t.translateFrame(stateFrame({ lastStateChangeTimestamp: 100, lastIdleCodeChangeTimestamp: 100 })))).toEqual(['Idle/agent']);
    const [e] = t.translateFrame(stateFrame({ auxCodeId: 'aux-lunch', lastStateChangeTimestamp: 100, lastIdleCodeChangeTimestamp: 180 }));
    expect(e).toMatchObject({ state: 'Idle', idleCodeId: 'aux-lunch', changedAt: 180 });
    // Older than the switch: reported with its own time, which the domain gate (applyCcState) orders.
    expect(t.translateFrame(stateFrame({ auxCodeId: BREAK_ID, lastStateChangeTimestamp: 100, lastIdleCodeChangeTimestamp: 150 }))[0]).toMatchObject({ idleCodeId: BREAK_ID, changedAt: 150 });
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

  it('reports every state with its vendor time; the domain gate drops repeats and older deliveries', () => {
    const { t } = setup();
    const seen = [200, 200, 150, 300].map((ts, i) => t.translateFrame(stateFrame(i >= 2 ? { subStatus: 'Available', auxCodeId: '0', lastStateChangeTimestamp: ts } : { lastStateChangeTimestamp: ts }))[0]!);
    expect(seen.map((e) => (e.kind === 'state' ? `${e.state}@${e.changedAt}` : e.kind))).toEqual(['Idle@200', 'Idle@200', 'Available@150', 'Available@300']);
    let known = { state: 'LoggedOut' as const, origin: 'agent' as const, changedAt: 0 } as Parameters<typeof applyCcState>[0]['known'];
    const stored: string[] = [];
    for (const e of seen) {
      if (e.kind !== 'state') continue;
      const r = applyCcState({ known, observed: e, via: 'event', trackedAsInFlight: false, inFlight: null, now: 0, commandTimeoutMs: 1 });
      if (r.store) {
        known = e;
        stored.push(`${e.state}@${e.changedAt}`);
      }
    }
    // The repeat and the older delivery are dropped by the domain, as the engine's StateIntake applies it.
    expect(stored).toEqual(['Idle@200', 'Available@300']);
  });

  it('a failed command is reported once, only when it is ours', () => {
    const { t, ledger } = setup();
    ledger.record({ commandId: 'tid-1', trackingId: 'tid-1', agentId: 'a1', state: 'Idle', idleCodeId: BREAK_ID });
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

  it('a late delivery older than an idle held back during the contact is dropped; a snapshot read before a received event is not stated', () => {
    const { t, memory } = setup();
    t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0', lastStateChangeTimestamp: 100 }));
    t.translateFrame(contactFrame('AgentContactAssigned', 'c7', { eventTime: 200 }));
    expect(t.translateFrame(stateFrame({ lastStateChangeTimestamp: 500 }))).toEqual([]);
    // A webhook states the whole state, but this one is older than the held idle the engine has not been told yet.
    expect(t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0', lastStateChangeTimestamp: 300 }), true)).toEqual([]);
    expect(states(t.translateFrame(contactFrame('AgentContactEnded', 'c7', { eventTime: 600 })))).toEqual(['Idle/agent']);
    const snap = (changedAt: number) => ({ agentId: 'a1', state: 'Available' as const, origin: 'unknown' as const, changedAt, contact: null });
    expect(memory.record(snap(450), undefined, true)).toBe(false);
    expect(memory.record(snap(700), undefined, true)).toBe(true);
    expect(memory.onContact('a1')).toBeNull();
  });

  it('RONA offer timeout and logout', () => {
    const { t } = setup();
    expect(t.translateFrame({ type: 'RoutingMessage', data: { type: 'AgentOfferContactRona', agentId: 'a1', interactionId: 'c3' } })[0]).toMatchObject({ state: 'RONA', origin: 'system', idleCodeId: RONA_ID });
    const out = t.translateFrame({ type: 'Logout', data: { type: 'AgentLogoutSuccess', agentId: 'a1', loggedOutBy: 'SUPERVISOR', lastStateChangeTimestamp: 900 } });
    expect(states(out)).toEqual(['LoggedOut/supervisor']);
  });

  it('an offered (ringing) contact puts the agent on the contact; ContactEnded and AgentContactUnassigned end it', () => {
    const { t } = setup();
    t.translateFrame(stateFrame({ subStatus: 'Available', auxCodeId: '0' }));
    expect(states(t.translateFrame(contactFrame('AgentOfferContact', 'c4')))).toEqual(['Engaged/system']);
    // Answering restates that the agent is on the contact.
    expect(states(t.translateFrame(contactFrame('AgentContactAssigned', 'c4')))).toEqual(['Engaged/system']);
    expect(states(t.translateFrame(contactFrame('ContactEnded', 'c4', { agentsPendingWrapUp: ['a1'] })))).toEqual(['WrapUp/system']);
    expect(states(t.translateFrame(contactFrame('AgentWrappedUp', 'c4')))).toEqual(['Available/agent']);
    expect(states(t.translateFrame(contactFrame('AgentOfferContact', 'c5')))).toEqual(['Engaged/system']);
    expect(states(t.translateFrame(contactFrame('AgentContactUnassigned', 'c5')))).toEqual(['Available/agent']);
    expect(states(t.translateFrame(contactFrame('AgentOfferContact', 'c6')))).toEqual(['Engaged/system']);
    expect(states(t.translateFrame(contactFrame('ContactEnded', 'c6', { agentsPendingWrapUp: [] })))).toEqual(['Available/agent']);
  });

  it('webhooks become the equivalent frames; an idle that does not say who set it is read back instead of guessed', () => {
    const { t } = setup();
    const hook = (data: Record<string, unknown>) => ({ id: 'e1', specVersion: '1.0', type: 'agent:state_change', source: 'wxcc', data: { agentId: 'a1', ...data } });
    const frame = (data: Record<string, unknown>) => t.translateFrame(translateWebhook(hook(data)).frame, true);
    expect(states(frame({ currentState: 'idle', idleCode: BREAK_ID, reason: 'Break', changedBy: 'AGENT', createdTime: 10 }))).toEqual(['Idle/agent']);
    expect(states(frame({ currentState: 'connected', taskId: 'c9', createdTime: 20 }))).toEqual(['Engaged/system']);
    expect(states(frame({ currentState: 'available', changedBy: 'AGENT', createdTime: 30 }))).toEqual(['Available/agent']);
    expect(states(frame({ currentState: 'ringing', taskId: 'c10', createdTime: 40 }))).toEqual(['Engaged/system']);
    // The follow-up carries the change's time, so the read-back asks only for the records since then.
    expect(translateWebhook(hook({ currentState: 'idle', createdTime: 50, teamId: 't1' }))).toEqual({ followUp: 'a1', since: 50 });
    expect(translateWebhook(hook({ currentState: 'idle', teamId: 't1' }))).toEqual({ followUp: 'a1' });
    expect(translateWebhook({ type: 'agent:state_change', data: {} })).toEqual({});
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
