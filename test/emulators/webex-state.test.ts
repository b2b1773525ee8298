import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api, byData, SocketClient } from './webex-socket-client.js';

let emu: WebexEmulator;
let org: SocketClient;
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;
const agentAt = (i: number) => emu.agents()[i];
const control = (path: string, body?: unknown) => api(emu.url, null, 'POST', `/_emulator${path}`, body ?? {});

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5 });
  org = await SocketClient.open(emu.url, emu.integrationToken, { isKeepAliveEnabled: false });
});
afterAll(async () => {
  org.close();
  await emu.close();
});

describe('Webex CC emulator: state changes', () => {
  it('answers 202 with an empty body and a TrackingId, then sends AgentStateChangeSuccess to the agent (changedBy AGENT)', async () => {
    const a = agentAt(0);
    const own = await SocketClient.open(emu.url, emu.agentToken(a.id));
    expect(own.frames[0]).toMatchObject({ type: 'Welcome', data: { agentId: a.id } });
    const res = await api(emu.url, emu.agentToken(a.id), 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: code('Lunch'), lastStateChangeReason: 'Lunch' });
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    const tracking = res.headers.get('trackingid')!;
    expect(tracking).toBeTruthy();
    const f = await own.next((x) => x.type === 'AgentStateChange' && x.trackingId === tracking);
    expect(f.data).toMatchObject({
      type: 'AgentStateChangeSuccess',
      eventType: 'AgentDesktopMessage',
      agentId: a.id,
      trackingId: tracking,
      auxCodeId: code('Lunch'),
      orgId: emu.orgId,
      status: 'LoggedIn',
      subStatus: 'Idle',
      changedBy: 'AGENT',
      changedById: a.id,
      changedByName: a.name,
      lastStateChangeReason: 'Lunch',
    });
    expect(typeof f.data.agentSessionId).toBe('string');
    expect(f.data.lastStateChangeTimestamp).toBeGreaterThan(0);
    // The org-wide socket of the integration user sees the same frame.
    await org.next((x) => x.trackingId === tracking);
    own.close();
  });

  it('records the acting role: INTEGRATION for the connector, SUPERVISOR for the supervisor; Available uses aux "0"', async () => {
    const a = agentAt(1);
    const r1 = await api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: code('Teams Call'), agentId: a.id, lastStateChangeReason: 'Teams: InACall' });
    const f1 = await org.next((x) => x.trackingId === r1.headers.get('trackingid'));
    expect(f1.data).toMatchObject({ changedBy: 'INTEGRATION', subStatus: 'Idle', auxCodeId: code('Teams Call') });
    const r2 = await api(emu.url, emu.supervisorToken, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', agentId: a.id });
    const f2 = await org.next((x) => x.trackingId === r2.headers.get('trackingid'));
    expect(f2.data).toMatchObject({ changedBy: 'SUPERVISOR', subStatus: 'Available', auxCodeId: '0' });
    // Setting the state the agent already has still succeeds with new timestamps.
    const r3 = await api(emu.url, emu.supervisorToken, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', agentId: a.id });
    const f3 = await org.next((x) => x.trackingId === r3.headers.get('trackingid'));
    expect(f3.data.type).toBe('AgentStateChangeSuccess');
    expect(f3.data.lastStateChangeTimestamp).toBeGreaterThanOrEqual(f2.data.lastStateChangeTimestamp);
  });

  it.each([
    ['a system code', () => code('RONA'), 'system code'],
    ['an inactive code', () => code('Legacy Huddle'), 'inactive'],
    ['an unknown code', () => 'a0c0de00-0000-4000-8000-0000000000ff', 'Invalid auxCodeId'],
  ])('fails asynchronously for %s', async (_label, aux, text) => {
    const a = agentAt(2);
    const res = await api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: aux(), agentId: a.id });
    expect(res.status).toBe(202);
    const f = await org.next((x) => x.trackingId === res.headers.get('trackingid'));
    expect(f.type).toBe('AgentStateChange');
    expect(f.data).toMatchObject({ type: 'AgentStateChangeFailed', agentId: a.id, reasonCode: 33 });
    expect(f.data.reason).toContain(text);
  });

  it('fails asynchronously for a wrap-up code and for a logged-out agent', async () => {
    const codes = (await api(emu.url, emu.integrationToken, 'GET', `/organization/${emu.orgId}/auxiliary-code`)).json;
    const wrap = codes.find((c: any) => c.workTypeCode === 'WRAP_UP_CODE').id;
    const a = agentAt(2);
    const r1 = await api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: wrap, agentId: a.id });
    expect((await org.next((x) => x.trackingId === r1.headers.get('trackingid'))).data.reason).toContain('wrap-up');
    const b = agentAt(3);
    expect((await control(`/agents/${b.id}/logout`)).status).toBe(200);
    await org.next(byData('AgentLogoutSuccess', (d) => d.agentId === b.id));
    const r2 = await api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: code('Busy'), agentId: b.id });
    const f = await org.next((x) => x.trackingId === r2.headers.get('trackingid'));
    expect(f.data).toMatchObject({ type: 'AgentStateChangeFailed', reasonCode: 32 });
  });

  it('logs in through the API into Idle, rejects a second login, reloads and logs out', async () => {
    const b = agentAt(3);
    const t = emu.agentToken(b.id);
    const sock = await SocketClient.open(emu.url, t);
    const login = await api(emu.url, t, 'POST', '/v1/agents/login', { dialNumber: 'webrtc-x', roles: ['agent'], deviceType: 'BROWSER' });
    expect(login.status).toBe(202);
    const ok = await sock.next((x) => x.type === 'StationLogin' && x.trackingId === login.headers.get('trackingid'));
    expect(ok.data).toMatchObject({ type: 'AgentStationLoginSuccess', status: 'LoggedIn', subStatus: 'Idle', changedBy: 'AGENT' });
    const again = await api(emu.url, t, 'POST', '/v1/agents/login', { dialNumber: 'webrtc-x', roles: ['agent'] });
    expect((await sock.next((x) => x.trackingId === again.headers.get('trackingid'))).data.type).toBe('AgentStationLoginFailed');
    const reload = await api(emu.url, t, 'POST', '/v1/agents/reload');
    const snap = await sock.next((x) => x.trackingId === reload.headers.get('trackingid'));
    expect(snap).toMatchObject({ type: 'AgentReloginSuccess', data: { subStatus: 'Idle', auxCodeId: ok.data.auxCodeId, agentSessionId: ok.data.agentSessionId } });
    const out = await api(emu.url, emu.supervisorToken, 'PUT', '/v1/agents/logout', { logoutReason: 'End of shift', agentId: b.id });
    const lo = await sock.next((x) => x.trackingId === out.headers.get('trackingid'));
    expect(lo).toMatchObject({ type: 'Logout', data: { type: 'AgentLogoutSuccess', loggedOutBy: 'SUPERVISOR', logoutReason: 'End of shift' } });
    sock.close();
  });
});

describe('Webex CC emulator: contacts and RONA', () => {
  it('offer → accept → wrapup → end, applying the idle code the agent picked during the contact', async () => {
    const a = agentAt(4);
    const offer = await control(`/agents/${a.id}/offer`, { conference: true });
    expect(offer.status).toBe(201);
    const id = offer.json.interactionId;
    const o = await org.next(byData('AgentOfferContact', (d) => d.interactionId === id));
    expect(o.type).toBe('RoutingMessage');
    expect(o.data).toMatchObject({ agentId: a.id, currentState: 'ringing', interaction: { mediaType: 'telephony', state: 'new' } });
    // A state command while on a contact fails asynchronously.
    const busy = await api(emu.url, emu.integrationToken, 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: code('Busy'), agentId: a.id });
    expect((await org.next((x) => x.trackingId === busy.headers.get('trackingid'))).data).toMatchObject({ type: 'AgentStateChangeFailed', reasonCode: 34 });
    await control(`/contacts/${id}/accept`);
    const assigned = await org.next(byData('AgentContactAssigned', (d) => d.interactionId === id));
    expect(assigned.data).toMatchObject({ currentState: 'connected', isConferencing: true, interaction: { mediaType: 'telephony', state: 'connected', isConferenceInProgress: true } });
    expect((await control(`/agents/${a.id}/state`, { state: 'Idle', idleCodeId: code('Meeting'), by: 'agent' })).json.pendingIdle.idleCodeName).toBe('Meeting');
    expect((await control(`/agents/${a.id}/state`, { state: 'Idle', by: 'supervisor' })).status).toBe(409);
    await control(`/contacts/${id}/wrapup`);
    expect((await org.next(byData('AgentWrapup', (d) => d.interactionId === id))).data.currentState).toBe('wrapup');
    const end = await control(`/contacts/${id}/end`);
    expect(end.json).toMatchObject({ currentState: 'idle', idleCodeName: 'Meeting', contact: null, pendingIdle: null });
    await org.next(byData('AgentWrappedUp', (d) => d.interactionId === id));
    const ended = await org.next(byData('AgentContactEnded', (d) => d.interactionId === id));
    expect(ended.data).toMatchObject({ subStatus: 'Idle', auxCodeId: code('Meeting') });
    await org.next(byData('AgentStateChangeSuccess', (d) => d.agentId === a.id && d.auxCodeId === code('Meeting') && d.changedBy === 'AGENT'));
    expect((await control(`/agents/${a.id}/offer`)).status).toBe(409);
  });

  it('a contact that ends without a pending idle code leaves the agent Available', async () => {
    const a = agentAt(5);
    const id = (await control(`/agents/${a.id}/offer`)).json.interactionId;
    await control(`/contacts/${id}/accept`);
    const end = await control(`/contacts/${id}/end`);
    expect(end.json).toMatchObject({ currentState: 'available', auxCodeId: '0' });
    expect((await org.next(byData('AgentContactEnded', (d) => d.interactionId === id))).data.subStatus).toBe('Available');
  });

  it('an unanswered offer times out into the system idle code RONA, changedBy SYSTEM', async () => {
    const a = agentAt(6);
    const offer = await control(`/agents/${a.id}/offer`, { ronaTimeoutSec: 0.2 });
    const id = offer.json.interactionId;
    const rona = await org.next(byData('AgentOfferContactRona', (d) => d.interactionId === id));
    expect(rona.data).toMatchObject({ agentId: a.id, subStatus: 'Idle', auxCodeId: code('RONA'), changedBy: 'SYSTEM' });
    const sc = await org.next(byData('AgentStateChangeSuccess', (d) => d.agentId === a.id && d.auxCodeId === code('RONA')));
    expect(sc.data).toMatchObject({ changedBy: 'SYSTEM', lastStateChangeReason: 'RONA' });
    const view = await api(emu.url, null, 'GET', `/_emulator/agents/${a.id}`);
    expect(view.json).toMatchObject({ currentState: 'idle', idleCodeName: 'RONA', lastChange: { changedBy: 'SYSTEM' } });
    expect(view.json.history.map((p: any) => p.state)).toEqual(['available', 'ringing', 'idle']);
    expect((await control(`/contacts/${id}/accept`)).status).toBe(404);
  });
});
