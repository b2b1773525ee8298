import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api, byData, SocketClient } from './webex-socket-client.js';

let emu: WebexEmulator;
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;
const agentAt = (i: number) => emu.agents()[i];
const control = (path: string, body?: unknown) => api(emu.url, null, 'POST', `/_emulator${path}`, body ?? {});
const own = (agentId: string) => SocketClient.open(emu.url, emu.agentToken(agentId), { allowMultiLogin: true, clientType: 'Desktop' });
const put = (token: string, body: Record<string, unknown>) => api(emu.url, token, 'PUT', '/v1/agents/session/state', body);

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5 });
});
afterAll(async () => {
  await emu.close();
});

describe('Webex CC emulator: state changes', () => {
  it('answers 202 with an empty body and a TrackingId, then sends AgentStateChangeSuccess with the reason echoed as set', async () => {
    const a = agentAt(0);
    const sock = await own(a.id);
    expect(sock.frames[0]).toMatchObject({ type: 'Welcome', data: { agentId: a.id } });
    const res = await put(emu.agentToken(a.id), { state: 'Idle', auxCodeId: code('Lunch'), lastStateChangeReason: 'tpc:7f3a lunch' });
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect(res.headers.get('trackingid')).toBeTruthy();
    const f = await sock.next(byData('AgentStateChangeSuccess'));
    expect(f).toMatchObject({ type: 'AgentStateChange', orgId: emu.orgId });
    expect(f.data).toMatchObject({ eventType: 'AgentDesktopMessage', agentId: a.id, auxCodeId: code('Lunch'), status: 'LoggedIn', subStatus: 'Idle', changedBy: 'AGENT', changedById: a.id, changedByName: a.name, lastStateChangeReason: 'tpc:7f3a lunch' });
    expect(f.trackingId).not.toBe(res.headers.get('trackingid'));
    sock.close();
  });

  it('echoes the request TrackingId in the frame only with the echoTrackingId invention', async () => {
    const echo = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 1, inventions: { echoTrackingId: true } });
    try {
      const a = echo.agents()[0];
      const sock = await SocketClient.open(echo.url, echo.agentToken(a.id));
      const res = await fetch(`${echo.url}/v1/agents/session/state`, { method: 'PUT', headers: { authorization: `Bearer ${echo.agentToken(a.id)}`, 'content-type': 'application/json', TrackingId: 'tpc-cmd-1' }, body: JSON.stringify({ state: 'Available', auxCodeId: '0' }) });
      expect(res.headers.get('trackingid')).toBe('tpc-cmd-1');
      expect((await sock.next(byData('AgentStateChangeSuccess'))).data.trackingId).toBe('tpc-cmd-1');
      sock.close();
    } finally {
      await echo.close();
    }
  });

  it('attributes changes the agent did not make to nobody (changedBy null); SUPERVISOR only with changedByActors', async () => {
    const a = agentAt(1);
    const sock = await own(a.id);
    await put(emu.supervisorToken, { state: 'Idle', auxCodeId: code('Teams Call'), agentId: a.id, lastStateChangeReason: 'supervisor says' });
    const f = await sock.next(byData('AgentStateChangeSuccess'));
    expect(f.data).toMatchObject({ changedBy: null, changedById: null, changedByName: null, lastStateChangeReason: 'supervisor says', subStatus: 'Idle' });
    sock.close();
    const named = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 1, inventions: { changedByActors: true } });
    try {
      const b = named.agents()[1];
      const s2 = await SocketClient.open(named.url, named.agentToken(b.id));
      await api(named.url, named.supervisorToken, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', agentId: b.id });
      expect((await s2.next(byData('AgentStateChangeSuccess'))).data).toMatchObject({ changedBy: 'SUPERVISOR', changedByName: 'Sam Supervisor' });
      s2.close();
    } finally {
      await named.close();
    }
  });

  it('keeps lastIdleCodeChangeTimestamp separate: an Idle→Idle code switch leaves lastStateChangeTimestamp alone', async () => {
    const a = agentAt(2);
    const sock = await own(a.id);
    const t = emu.agentToken(a.id);
    await put(t, { state: 'Idle', auxCodeId: code('Break') });
    const first = await sock.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('Break')));
    await api(emu.url, null, 'POST', '/_emulator/clock', { advanceMs: 5000 });
    await put(t, { state: 'Idle', auxCodeId: code('Meeting') });
    const second = await sock.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('Meeting')));
    expect(second.data.lastStateChangeTimestamp).toBe(first.data.lastStateChangeTimestamp);
    expect(second.data.lastIdleCodeChangeTimestamp).toBeGreaterThanOrEqual(first.data.lastIdleCodeChangeTimestamp + 5000);
    sock.close();
  });

  it.each([
    ['a system code', () => code('RONA')],
    ['another system code', () => code('Agent_Busy')],
    ['an inactive code', () => code('Legacy Huddle')],
    ['an unknown code', () => 'a0c0de00-0000-4000-8000-0000000000ff'],
  ])('fails asynchronously with reasonCode 33 for %s', async (_label, aux) => {
    const a = agentAt(3);
    const sock = await own(a.id);
    expect((await put(emu.agentToken(a.id), { state: 'Idle', auxCodeId: aux() })).status).toBe(202);
    const f = await sock.next(byData('AgentStateChangeFailed'));
    expect(f.type).toBe('AgentStateChange');
    expect(f.data).toMatchObject({ agentId: a.id, orgId: emu.orgId, reasonCode: 33 });
    expect(typeof f.data.reason).toBe('string');
    sock.close();
  });
});

describe('Webex CC emulator: station login, relogin, logout', () => {
  it('logs in with channelsMap, interactionIds and profileType, rejects a second login, relogs in and logs out by POST', async () => {
    const b = agentAt(4);
    const t = emu.agentToken(b.id);
    await control(`/agents/${b.id}/logout`);
    const sock = await own(b.id);
    expect((await api(emu.url, t, 'POST', '/v1/agents/login', { dialNumber: 'webrtc-x', roles: ['agent'], deviceType: 'BROWSER', teamId: b.teamId })).status).toBe(202);
    const ok = await sock.next(byData('AgentStationLoginSuccess'));
    expect(ok.type).toBe('StationLogin');
    expect(ok.data).toMatchObject({ status: 'LoggedIn', subStatus: 'Idle', teamId: b.teamId, interactionIds: [], profileType: 'BLENDED', channelsMap: { chat: [], email: [], social: [], telephony: [] } });
    await api(emu.url, t, 'POST', '/v1/agents/login', { dialNumber: 'webrtc-x', roles: ['agent'] });
    expect((await sock.next(byData('AgentStationLoginFailed'))).type).toBe('StationLogin');
    await api(emu.url, t, 'POST', '/v1/agents/reload');
    const snap = await sock.next(byData('AgentReloginSuccess'));
    expect(snap.data).toMatchObject({ subStatus: 'Idle', auxCodeId: ok.data.auxCodeId, agentSessionId: ok.data.agentSessionId, profileType: 'BLENDED', channelsMap: ok.data.channelsMap, interactionIds: [], deviceType: 'BROWSER', dn: 'webrtc-x' });
    expect((await api(emu.url, t, 'POST', '/v1/agents/logout', { logoutReason: 'User requested logout' })).status).toBe(202);
    const lo = await sock.next(byData('AgentLogoutSuccess'));
    expect(lo).toMatchObject({ type: 'Logout', data: { agentId: b.id, status: 'LoggedOut', loggedOutBy: 'AGENT' } });
    await control(`/agents/${b.id}/login`, { state: 'Available' });
    expect((await api(emu.url, t, 'POST', '/v1/agents/logout', {})).status).toBe(202);
    await sock.next((f) => f.data?.type === 'AgentLogoutSuccess' && f !== lo);
    sock.close();
  });

  it('records agent-wss-disconnect when the desktop socket drops; the relogin after a reload carries it', async () => {
    const c = agentAt(5);
    const t = emu.agentToken(c.id);
    const first = await own(c.id);
    await put(t, { state: 'Available', auxCodeId: '0' });
    await first.next(byData('AgentStateChangeSuccess', (d) => d.subStatus === 'Available'));
    first.ws.terminate();
    await first.whenClosed();
    const view = async () => (await api(emu.url, null, 'GET', `/_emulator/agents/${c.id}`)).json;
    for (let i = 0; i < 50 && (await view()).lastChange.reason !== 'agent-wss-disconnect'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await view()).toMatchObject({ currentState: 'idle', lastChange: { reason: 'agent-wss-disconnect', changedBy: null } });
    const again = await own(c.id);
    await api(emu.url, t, 'POST', '/v1/agents/reload');
    const snap = await again.next(byData('AgentReloginSuccess'));
    expect(snap.data).toMatchObject({ lastStateChangeReason: 'agent-wss-disconnect', subStatus: 'Idle' });
    again.close();
  });
});
