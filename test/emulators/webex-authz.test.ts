import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api, byData, SocketClient } from './webex-socket-client.js';

let emu: WebexEmulator;
const state = (token: string, agentId: string) => api(emu.url, token, 'PUT', '/v1/agents/session/state', { state: 'Available', auxCodeId: '0', agentId });

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5 });
});
afterAll(async () => {
  await emu.close();
});

describe('Webex CC emulator: who may change whose state', () => {
  it('lets a supervisor change the state of agents in the teams it supervises, and only those', async () => {
    const lead = emu.staff().find((u) => u.name === 'Tess Teamlead')!;
    const billing = emu.agents().find((a) => a.teamName === 'Billing')!;
    const tech = emu.agents().find((a) => a.teamName === 'Tech Support')!;
    expect(lead.teamIds).toEqual([billing.teamId]);
    const leadToken = emu.tokenFor(lead.id);
    expect((await state(leadToken, billing.id)).status).toBe(202);
    const denied = await state(leadToken, tech.id);
    expect(denied.status).toBe(403);
    expect(denied.json.error.field).toBe('agentId');
    expect((await state(emu.supervisorToken, tech.id)).status).toBe(202);
    expect((await api(emu.url, leadToken, 'POST', '/v1/agents/logout', { agentId: tech.id })).status).toBe(403);
  });

  it('lets an administrator change only its own state (403 for any agent)', async () => {
    const res = await state(emu.integrationToken, emu.agents()[0].id);
    expect(res.status).toBe(403);
    expect(res.json.error.message[0].description).toContain('only its own state');
    expect((await api(emu.url, emu.integrationToken, 'POST', '/v1/agents/logout', { agentId: emu.agents()[0].id })).status).toBe(403);
  });

  it('lets an administrator act on any agent only with the adminActsOnAnyAgent invention', async () => {
    const lax = await startWebexEmulator({ quiet: true, stateChangeDelayMs: 5, inventions: { adminActsOnAnyAgent: true } });
    try {
      const a = lax.agents()[0];
      const own = await SocketClient.open(lax.url, lax.agentToken(a.id));
      const res = await api(lax.url, lax.integrationToken, 'PUT', '/v1/agents/session/state', { state: 'Idle', auxCodeId: lax.idleCodes().find((c) => c.name === 'Lunch')!.id, agentId: a.id });
      expect(res.status).toBe(202);
      const f = await own.next(byData('AgentStateChangeSuccess'));
      expect(f.data).toMatchObject({ subStatus: 'Idle', changedBy: null, changedById: null, changedByName: null });
      own.close();
    } finally {
      await lax.close();
    }
  });
});

describe('Webex CC emulator: rate limit', () => {
  it('answers 429 with Retry-After in seconds past 300 requests a minute per client id, other clients unaffected', async () => {
    const path = `/organization/${emu.orgId}/v2/auxiliary-code?pageSize=1`;
    await api(emu.url, null, 'DELETE', '/_emulator/rate-limit');
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => api(emu.url, emu.integrationToken, 'GET', path)));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(300);
    const over = await api(emu.url, emu.supervisorToken, 'GET', path);
    expect(over.status).toBe(429);
    const retry = Number(over.headers.get('retry-after'));
    expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
    const desktop = await api(emu.url, emu.agentToken(emu.agents()[0].id), 'GET', path);
    expect(desktop.status).toBe(200);
    await api(emu.url, null, 'POST', '/_emulator/clock', { advanceMs: 60_000 });
    expect((await api(emu.url, emu.integrationToken, 'GET', path)).status).toBe(200);
  });

  it('takes another budget from the rateLimitPerMinute option', async () => {
    const small = await startWebexEmulator({ quiet: true, rateLimitPerMinute: 3 });
    try {
      const path = `/organization/${small.orgId}/v2/team`;
      const got = [];
      for (let i = 0; i < 4; i++) got.push((await api(small.url, small.integrationToken, 'GET', path)).status);
      expect(got).toEqual([200, 200, 200, 429]);
    } finally {
      await small.close();
    }
  });
});
