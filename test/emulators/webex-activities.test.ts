import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { api } from './webex-socket-client.js';

let emu: WebexEmulator;
let overlap: WebexEmulator;
const code = (e: WebexEmulator, name: string) => e.idleCodes().find((c) => c.name === name)!.id;
const activities = (e: WebexEmulator, query: string) => api(e.url, e.supervisorToken, 'GET', `/v1/agents/activities?${query}`);

beforeAll(async () => {
  emu = await startWebexEmulator({ quiet: true });
  overlap = await startWebexEmulator({ quiet: true, inventions: { activitiesOverlap: true } });
});
afterAll(async () => {
  await emu.close();
  await overlap.close();
});

describe('Webex CC emulator: activities API', () => {
  it('lists only activities created after from (a state that began earlier is absent); overlap only with its invention', async () => {
    for (const e of [emu, overlap]) {
      await api(e.url, null, 'POST', '/_emulator/clock', { advanceMs: 10_000 });
      const from = e.clock.now();
      const a = e.agents()[2];
      await api(e.url, null, 'POST', `/_emulator/agents/${a.id}/state`, { state: 'Idle', idleCodeId: code(e, 'Do Not Disturb'), reason: 'focus' });
      const res = await activities(e, `from=${from - 1}&pageSize=1000`);
      expect(res.status).toBe(200);
      expect(res.json.meta.orgId).toBe(e.orgId);
      const rows = res.json.data;
      const mine = rows.filter((r: any) => r.agentId === a.id);
      expect(mine.map((r: any) => r.currentState)).toEqual(e === emu ? ['idle'] : ['available', 'idle']);
      expect(mine.at(-1)).toMatchObject({ currentState: 'idle', idleCodeName: 'Do Not Disturb', reason: 'focus', endTime: -1, active: true, agentName: a.name, teamName: a.teamName });
      expect(mine.at(-1)).not.toHaveProperty('changedBy');
      const others = new Set(rows.map((r: any) => r.agentId));
      expect(others.size).toBe(e === emu ? 1 : 8);
    }
  });

  it('limits agentIds and teamIds to 100, pageSize to 1000, and the window to less than 24 hours', async () => {
    const now = emu.clock.now();
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`).join(',');
    expect((await activities(emu, `from=${now - 1000}&agentIds=${ids}`)).json.error.field).toBe('agentIds');
    expect((await activities(emu, `from=${now - 1000}&teamIds=${ids}`)).json.error.field).toBe('teamIds');
    expect((await activities(emu, `from=${now - 1000}&pageSize=1001`)).json.error.field).toBe('pageSize');
    const wide = await activities(emu, `from=${now - 25 * 3600_000}&to=${now}`);
    expect(wide.status).toBe(400);
    expect(wide.json.error.field).toBe('to');
    expect((await activities(emu, '')).json.error.field).toBe('from');
    const team = emu.agents()[0].teamId;
    const page = await activities(emu, `from=${now - 20 * 3600_000}&to=${now}&teamIds=${team}&pageSize=1&page=0`);
    expect(page.status).toBe(200);
    expect(page.json.data.every((r: any) => r.teamId === team)).toBe(true);
  });
});
