import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_LEAD_USER } from '../../emulators/webex-cc/token-book.js';
import { createWebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import { startWebhookHarness, type WebhookHarness } from './webex-webhook-harness.js';

/**
 * Which teams the connector's credential may change, read from the Configuration API as Webex documents it (the
 * user's `userProfileId`, the profile's `profileType` and `accessAllTeams`/`teams`), shown in the details and checked
 * before activation: a synced team out of reach fails the check, naming the team.
 */

let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness();
});
afterAll(async () => {
  await h?.close();
});

const get = async (path: string, token: string) => {
  const res = await fetch(`${h.emu.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
};

describe('Webex credential reach: the emulator publishes it as documented', () => {
  it('a supervisor of one team has a SPECIFIC profile with that team; the all-teams supervisor has ALL; agents may not read profiles', async () => {
    const org = h.emu.orgId;
    const tess = h.emu.tokenFor(TEAM_LEAD_USER.id);
    const user = await get(`/organization/${org}/v2/user?filter=${encodeURIComponent(`ciUserId=="${TEAM_LEAD_USER.id}"`)}`, tess);
    expect(user.status).toBe(200);
    expect(user.body.data).toHaveLength(1);
    const profile = await get(`/organization/${org}/user-profile/${user.body.data[0].userProfileId}`, tess);
    const billing = h.emu.agents().find((a) => a.teamName === 'Billing')!.teamId;
    expect(profile.body).toMatchObject({ profileType: 'SUPERVISOR', accessAllTeams: 'SPECIFIC', teams: [billing] });
    const agentId = h.emu.agents()[0]!.id;
    expect((await get(`/organization/${org}/user-profile/${user.body.data[0].userProfileId}`, h.emu.agentToken(agentId))).status).toBe(403);
    expect((await get(`/organization/${org}/v2/user?filter=name==x`, tess)).status).toBe(400);
  });
});

describe('Webex credential reach: the adapter reads it and checks the synced teams', () => {
  const teams = () => {
    const byId = new Map(h.emu.agents().map((a) => [a.teamId, a.teamName]));
    return [...byId].map(([id, name]) => ({ id, name }));
  };

  it('the all-teams supervisor may change every team', async () => {
    expect(h.adapter.details!().changeableTeams).toBe('all');
    expect(await h.adapter.checkTeams!(teams())).toMatchObject({ ok: true });
  });

  it("a one-team supervisor: the details list its team, and a synced team outside it fails the check by name", async () => {
    const emu = h.emu;
    const adapter = createWebexAdapter({ baseUrl: emu.url, identityBaseUrl: emu.identityUrl, orgId: emu.orgId, accessToken: emu.tokenFor(TEAM_LEAD_USER.id), events: 'webhook' });
    try {
      await adapter.start(() => undefined);
      const billing = teams().find((t) => t.name === 'Billing')!;
      const others = teams().filter((t) => t.name !== 'Billing');
      expect(others.length).toBeGreaterThan(0);
      expect(adapter.details!().changeableTeams).toEqual([billing.id]);
      expect(await adapter.checkTeams!([billing])).toMatchObject({ ok: true });
      const refused = await adapter.checkTeams!(teams());
      expect(refused.ok).toBe(false);
      for (const t of others) expect(refused.detail).toContain(`"${t.name}"`);
      expect(refused.detail).not.toContain('"Billing"');
    } finally {
      await adapter.stop();
    }
  });

  it('an administrator credential changes only its own state, so it may change no team', async () => {
    const emu = h.emu;
    const adapter = createWebexAdapter({ baseUrl: emu.url, identityBaseUrl: emu.identityUrl, orgId: emu.orgId, accessToken: emu.integrationToken, events: 'webhook' });
    try {
      await adapter.start(() => undefined);
      expect(adapter.details!().changeableTeams).toEqual([]);
      expect(await adapter.checkTeams!(teams())).toMatchObject({ ok: false });
    } finally {
      await adapter.stop();
    }
  });
});
