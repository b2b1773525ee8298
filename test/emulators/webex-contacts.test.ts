import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api, byData, SocketClient } from './webex-socket-client.js';

let emu: WebexEmulator;
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;
const control = (path: string, body?: unknown) => api(emu.url, null, 'POST', `/_emulator${path}`, body ?? {});
const own = (agentId: string) => SocketClient.open(emu.url, emu.agentToken(agentId), { allowMultiLogin: true });
const STATE_FIELDS = ['subStatus', 'auxCodeId', 'changedBy', 'lastStateChangeTimestamp', 'lastStateChangeReason', 'currentState'];

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5 });
});
afterAll(async () => {
  await emu.close();
});

describe('Webex CC emulator: contact events (SDK names and TaskData)', () => {
  it('offer → assigned → ContactEnded with agentsPendingWrapUp → AgentWrapup → AgentWrappedUp, then the idle code picked meanwhile', async () => {
    const a = emu.agents()[0];
    const sock = await own(a.id);
    const id = (await control(`/agents/${a.id}/offer`, { conference: true })).json.interactionId;
    const o = await sock.next(byData('AgentOfferContact'));
    expect(o.type).toBe('RoutingMessage');
    expect(o.data).toMatchObject({ interactionId: id, agentId: a.id, orgId: emu.orgId, owner: a.id, isConferencing: true, interaction: { mediaType: 'telephony', state: 'new' } });
    expect(typeof o.data.eventTime).toBe('number');
    for (const f of STATE_FIELDS) expect(o.data).not.toHaveProperty(f);
    const busy = await api(emu.url, emu.agentToken(a.id), 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: code('Busy') });
    expect(busy.status).toBe(202);
    expect((await sock.next(byData('AgentStateChangeFailed'))).data.reasonCode).toBe(34);
    await control(`/contacts/${id}/accept`);
    expect((await sock.next(byData('AgentContactAssigned'))).data.interaction).toMatchObject({ state: 'connected', isConferenceInProgress: true });
    expect((await control(`/agents/${a.id}/state`, { state: 'Idle', idleCodeId: code('Meeting'), by: 'agent' })).json.pendingIdle.idleCodeName).toBe('Meeting');
    await control(`/contacts/${id}/wrapup`);
    const ended = await sock.next(byData('ContactEnded'));
    expect(ended.data).toMatchObject({ interactionId: id, agentsPendingWrapUp: [a.id] });
    await sock.next(byData('AgentWrapup'));
    const end = await control(`/contacts/${id}/end`);
    expect(end.json).toMatchObject({ currentState: 'idle', idleCodeName: 'Meeting', contact: null, pendingIdle: null });
    const wrapped = await sock.next(byData('AgentWrappedUp'));
    for (const f of STATE_FIELDS) expect(wrapped.data).not.toHaveProperty(f);
    await sock.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('Meeting') && d.changedBy === 'AGENT'));
    expect(sock.frames.some((f) => f.data?.type === 'AgentContactEnded')).toBe(false);
    sock.close();
  });

  it('a connected contact that ends without wrap-up is ContactEnded with nobody pending; an offer withdrawn is AgentContactUnassigned', async () => {
    const a = emu.agents()[1];
    const sock = await own(a.id);
    const id = (await control(`/agents/${a.id}/offer`)).json.interactionId;
    await control(`/contacts/${id}/accept`);
    expect((await control(`/contacts/${id}/end`)).json).toMatchObject({ currentState: 'available', auxCodeId: '0' });
    expect((await sock.next(byData('ContactEnded'))).data).toMatchObject({ interactionId: id, agentsPendingWrapUp: [] });
    const second = (await control(`/agents/${a.id}/offer`)).json.interactionId;
    await control(`/contacts/${second}/end`);
    expect((await sock.next(byData('AgentContactUnassigned'))).data.interactionId).toBe(second);
    sock.close();
  });

  it('an unanswered offer is AgentOfferContactRona, then the system idle code RONA attributed to nobody', async () => {
    const a = emu.agents()[2];
    const sock = await own(a.id);
    const id = (await control(`/agents/${a.id}/offer`, { ronaTimeoutSec: 0.2 })).json.interactionId;
    const rona = await sock.next(byData('AgentOfferContactRona'));
    expect(rona.data).toMatchObject({ interactionId: id, agentId: a.id, ronaTimeout: 0.2 });
    const sc = await sock.next(byData('AgentStateChangeSuccess', (d) => d.auxCodeId === code('RONA')));
    expect(sc.data).toMatchObject({ changedBy: null, lastStateChangeReason: 'RONA', subStatus: 'Idle' });
    const view = await api(emu.url, null, 'GET', `/_emulator/agents/${a.id}`);
    expect(view.json.history.map((p: any) => p.state)).toEqual(['available', 'ringing', 'idle']);
    expect((await control(`/contacts/${id}/accept`)).status).toBe(404);
    sock.close();
  });

  it('names the end AgentContactEnded with agent-state fields only with the legacyContactFrames invention', async () => {
    const legacy = await startWebexEmulator({ quiet: true, inventions: { legacyContactFrames: true } });
    try {
      const a = legacy.agents()[3];
      const sock = await SocketClient.open(legacy.url, legacy.agentToken(a.id));
      const id = (await api(legacy.url, null, 'POST', `/_emulator/agents/${a.id}/offer`, {})).json.interactionId;
      await api(legacy.url, null, 'POST', `/_emulator/contacts/${id}/accept`, {});
      await api(legacy.url, null, 'POST', `/_emulator/contacts/${id}/end`, {});
      const ended = await sock.next(byData('AgentContactEnded'));
      expect(ended.data).toMatchObject({ interactionId: id, subStatus: 'Available', currentState: 'available' });
      sock.close();
    } finally {
      await legacy.close();
    }
  });
});
