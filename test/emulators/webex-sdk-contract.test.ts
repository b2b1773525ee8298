/**
 * Cisco's own code as the contract: the request builders, notification matcher and websocket manager of
 * `@webex/contact-center@3.12.0` (see webex-sdk/sdk-package.ts for how the package arrives) drive the emulator
 * on its documented defaults, over HTTP and the notification WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { ensureWebexSdk } from './webex-sdk/sdk-package.js';
import { loadSdkSlice, type SdkSlice } from './webex-sdk/sdk-harness.js';

let emu: WebexEmulator;
let sdk: SdkSlice;
let agentId = '';
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;

beforeAll(async () => {
  const pkg = ensureWebexSdk();
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5, serverKeepaliveMs: 50 });
  agentId = emu.agents()[0].id;
  sdk = loadSdkSlice(pkg, { baseUrl: emu.url, token: emu.agentToken(agentId), orgId: emu.orgId });
}, 180_000);
afterAll(async () => {
  sdk?.webSocketManager.close(false, 'test over');
  await emu?.close();
});

describe('Cisco SDK slice against the emulator', () => {
  it('subscribes and receives Welcome with the subscriber’s own agent id', async () => {
    const welcome = await sdk.webSocketManager.initWebSocket({ body: { isKeepAliveEnabled: false, clientType: 'WebexCCSDK', allowMultiLogin: true } });
    expect(welcome.agentId).toBe(agentId);
    expect(sdk.webex.calls[0]).toMatchObject({ method: 'POST', path: '/v1/notification/subscribe', status: 200 });
  });

  it('changes state to Idle and Available; the result matches on the SDK’s bind and carries every field', async () => {
    const idle = await sdk.agent.stateChange({ data: { state: 'Idle', auxCodeId: code('Lunch'), lastStateChangeReason: 'sdk lunch', agentId } });
    expect(idle.data).toMatchObject({ type: 'AgentStateChangeSuccess', agentId, auxCodeId: code('Lunch'), subStatus: 'Idle', lastStateChangeReason: 'sdk lunch', changedBy: 'AGENT' });
    for (const f of ['agentSessionId', 'orgId', 'status', 'lastIdleCodeChangeTimestamp', 'lastStateChangeTimestamp', 'changedById', 'changedByName']) expect(idle.data).toHaveProperty(f);
    const available = await sdk.agent.stateChange({ data: { state: 'Available', auxCodeId: '0', agentId } });
    expect(available.data).toMatchObject({ subStatus: 'Available', auxCodeId: '0' });
  });

  it('rejects a system idle code through the SDK’s failure bind (reasonCode 33)', async () => {
    const err = await sdk.agent.stateChange({ data: { state: 'Idle', auxCodeId: code('RONA'), agentId } }).then(
      () => null,
      (e: { id?: string; details?: { data?: { reasonCode?: number; type?: string } } }) => e,
    );
    expect(err?.id).toBe('Service.aqm.agent.stateChange');
    expect(err?.details?.data).toMatchObject({ type: 'AgentStateChangeFailed', reasonCode: 33 });
  });

  it('rejects a second concurrent state change locally, as the SDK allows one pending request per bind', async () => {
    const first = sdk.agent.stateChange({ data: { state: 'Idle', auxCodeId: code('Break'), agentId } });
    const second = sdk.agent.stateChange({ data: { state: 'Idle', auxCodeId: code('Meeting'), agentId } }).then(
      () => null,
      (e: { id?: string }) => e.id,
    );
    expect(await second).toBe('Service.aqm.reqs.Pending');
    expect((await first).data.auxCodeId).toBe(code('Break'));
  });

  it('logs out by POST, logs in to a station and relogs in, with channelsMap in both answers', async () => {
    const out = await sdk.agent.logout({ data: { logoutReason: 'User requested logout' } });
    expect(out.data).toMatchObject({ type: 'AgentLogoutSuccess', agentId, status: 'LoggedOut' });
    expect(sdk.webex.calls.find((c) => c.path === '/v1/agents/logout')).toMatchObject({ method: 'POST', status: 202 });
    const login = await sdk.agent.stationLogin({ data: { dialNumber: 'webrtc-sdk', teamId: emu.agents()[0].teamId, roles: ['agent'], deviceType: 'BROWSER', siteId: '', usesOtherDN: false, auxCodeId: '' } });
    // cc.ts stationLogin destructures these and reads channelsMap.chat / .email / .social / .telephony.
    const { channelsMap, interactionIds, profileType } = login.data;
    expect({ chat: channelsMap.chat, email: channelsMap.email, social: channelsMap.social, telephony: channelsMap.telephony }).toEqual({ chat: [], email: [], social: [], telephony: [] });
    expect(interactionIds).toEqual([]);
    expect(typeof profileType).toBe('string');
    const relogin = await sdk.agent.reload();
    expect(relogin.data).toMatchObject({ type: 'AgentReloginSuccess', agentSessionId: login.data.agentSessionId, channelsMap, profileType });
  });

  it('reads the aux codes (v2, SDK attributes) and the agent profile through the SDK’s config service', async () => {
    const aux = await sdk.config.getListOfAuxCodes(emu.orgId, 0, 100, [], sdk.auxAttributes);
    const names = aux.data.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['Lunch', 'RONA', 'Agent_Busy', 'Agent_Declined', 'Agent_Unavailable', 'Invalid_Number', 'Channel_Failure']));
    expect(aux.meta).toMatchObject({ page: 0, pageSize: 100 });
    const users = await fetch(`${emu.url}/organization/${emu.orgId}/v2/user?pageSize=1`, { headers: { authorization: `Bearer ${emu.supervisorToken}` } }).then((r) => r.json());
    const profile = await sdk.config.getDesktopProfileById(emu.orgId, users.data[0].agentProfileId);
    expect(profile).toMatchObject({ id: users.data[0].agentProfileId, accessIdleCode: 'ALL' });
  });
});
