/**
 * The emulator's frames, as sent over the notification socket, compiled against the SDK's published types
 * (`@webex/contact-center@3.12.0`, fetched by webex-sdk/sdk-package.ts): a missing `channelsMap`, a wrong
 * `subStatus` or a `TaskData` without its required fields fails here.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { framesWithErrors, typecheckFrames, type TypedFrame } from './webex-sdk/frame-typecheck.js';
import { ensureWebexSdk } from './webex-sdk/sdk-package.js';
import { api, byData, SocketClient, type Frame } from './webex-socket-client.js';

let emu: WebexEmulator;
let pkg = '';
let frames: TypedFrame[] = [];

beforeAll(async () => {
  pkg = ensureWebexSdk();
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 1 });
  frames = await captureFrames();
}, 180_000);
afterAll(async () => {
  await emu.close();
});

async function captureFrames(): Promise<TypedFrame[]> {
  const a = emu.agents()[0];
  const t = emu.agentToken(a.id);
  const ctl = (p: string, body: unknown = {}) => api(emu.url, null, 'POST', `/_emulator${p}`, body);
  await ctl(`/agents/${a.id}/logout`);
  const sock = await SocketClient.open(emu.url, t);
  const next = (type: string): Promise<Frame> => sock.next(byData(type));
  await api(emu.url, t, 'POST', '/v1/agents/login', { dialNumber: 'webrtc-types', roles: ['agent'], deviceType: 'BROWSER', teamId: a.teamId });
  const login = await next('AgentStationLoginSuccess');
  await api(emu.url, t, 'POST', '/v1/agents/reload');
  const relogin = await next('AgentReloginSuccess');
  await api(emu.url, t, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', lastStateChangeReason: 'ready' });
  const state = await next('AgentStateChangeSuccess');
  const id = (await ctl(`/agents/${a.id}/offer`)).json.interactionId as string;
  const offer = await next('AgentOfferContact');
  await ctl(`/contacts/${id}/accept`);
  const assigned = await next('AgentContactAssigned');
  await ctl(`/contacts/${id}/wrapup`);
  const ended = await next('ContactEnded');
  const wrapup = await next('AgentWrapup');
  await ctl(`/contacts/${id}/end`);
  const wrapped = await next('AgentWrappedUp');
  await api(emu.url, t, 'POST', '/v1/agents/logout', { logoutReason: 'User requested logout' });
  const logout = await next('AgentLogoutSuccess');
  sock.close();
  return [
    { module: 'agent', type: 'StationLoginSuccess', value: login },
    { module: 'agent', type: 'ReloginSuccess', value: relogin },
    { module: 'agent', type: 'StateChangeSuccess', value: state },
    { module: 'agent', type: 'LogoutSuccess', value: logout },
    ...[offer, assigned, ended, wrapup, wrapped].map((f): TypedFrame => ({ module: 'task', type: 'TaskData', value: f.data })),
  ];
}

describe('Emulator frames against the SDK’s TypeScript types', () => {
  it('compiles every agent and contact frame the emulator sends; the same login frame without channelsMap does not', () => {
    const login = structuredClone(frames[0].value) as { data: Record<string, unknown> };
    delete login.data.channelsMap;
    // One tsc run: the captured frames, then the mutated login frame (which proves the check can fail).
    const out = typecheckFrames(pkg, path.join(path.dirname(pkg), 'frames-check'), [...frames, { ...frames[0], value: login }]);
    expect(framesWithErrors(out)).toEqual([frames.length]);
    expect(out).toContain('channelsMap');
  }, 120_000);
});
