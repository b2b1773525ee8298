import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../emulators/graph/index.js';
import { GraphAdminChecks } from '../../server/graph/graph-admin.js';
import { e164, GraphDirectory } from '../../server/graph/graph-directory.js';
import { GraphPresenceWriter } from '../../server/graph/graph-writer.js';
import { getPresencesByUserId } from '../../server/graph/presence-api.js';
import { systemClock } from '../../server/ports.js';
import { WriteBackService } from '../../server/services/write-back-service.js';
import { startGraphTestbed, waitFor, type GraphTestbed } from './graph-harness.js';

describe('directory, admin checks and write-back against the Graph emulator', () => {
  let bed: GraphTestbed;
  let directory: GraphDirectory;
  const seeds = demoUsers(60);
  beforeAll(async () => {
    bed = await startGraphTestbed({ users: seeds });
    directory = new GraphDirectory(bed.connection.app, systemClock);
  });
  afterAll(async () => bed?.close());

  it('normalises E.164 business phones and refuses extensions', () => {
    expect(e164('+1 (425) 555-0100')).toBe('+14255550100');
    expect(e164('x1234')).toBeNull();
    expect(e164('0425 555 0100')).toBeNull();
    expect(e164('+0123456789')).toBeNull();
  });

  it('finds users by mail or UPN, case-insensitively, keyed by the address asked for', async () => {
    const differentMail = seeds.find((s) => s.mail && s.mail !== s.userPrincipalName)!;
    const asked = ['AGENT1@contoso.example', 'agent8@contoso.example', differentMail.mail!, differentMail.userPrincipalName, 'nobody@contoso.example'];
    const found = await directory.findUsersByEmail([...asked, ...Array.from({ length: 12 }, (_, i) => `agent${i + 1}@contoso.example`)]);
    expect(found.get('agent1@contoso.example')?.id).toBe(seeds[0]!.id);
    expect(found.get('agent8@contoso.example')?.id).toBe(seeds[7]!.id);
    expect(found.get(differentMail.mail!.toLowerCase())?.id).toBe(differentMail.id);
    expect(found.get(differentMail.userPrincipalName.toLowerCase())?.id).toBe(differentMail.id);
    expect(found.has('nobody@contoso.example')).toBe(false);
    expect(found.has('agent12@contoso.example')).toBe(false);
  });

  it('lists the directory instead of filtering when asked for very many addresses', async () => {
    await bed.control.control('DELETE', 'stats');
    const many = [...Array.from({ length: 800 }, (_, i) => `ghost${i}@contoso.example`), 'agent3@contoso.example'];
    const found = await directory.findUsersByEmail(many);
    expect([...found.keys()]).toEqual(['agent3@contoso.example']);
    expect((await bed.count(/\/v1\.0\/users$/))['200']).toBeLessThanOrEqual(2);
  });

  it('searches by department, job title and name, listing only E.164 phones with live presence', async () => {
    const hasE164 = (phones: string[] | undefined) => (phones ?? []).some((p) => e164(p) !== null);
    // A department where someone has no phone or only an extension, so the filter has something to drop.
    const department = seeds.find((s, i) => i >= 10 && !hasE164(s.businessPhones))!.department!;
    const listed = await directory.search(department, 50);
    const inDepartment = seeds.filter((s) => s.department === department);
    const expected = inDepartment.filter((s) => hasE164(s.businessPhones));
    expect(expected.length).toBeLessThan(inDepartment.length);
    expect(listed.map((u) => u.id).sort()).toEqual(expected.map((s) => s.id).sort());
    for (const u of listed) {
      expect(u.phone).toMatch(/^\+[1-9]\d{6,14}$/);
      expect(u.presence?.availability).toBeTruthy();
    }
    const engineers = await directory.search('Support Eng', 50);
    expect(engineers.length).toBeGreaterThan(0);
    expect(engineers.every((u) => u.jobTitle === 'Support Engineer')).toBe(true);
    const named = seeds.find((s, i) => i > 10 && (s.businessPhones ?? []).some((p) => e164(p)))!;
    const byName = await directory.search(named.displayName.split(' ')[1]!, 50);
    expect(byName.map((u) => u.id)).toContain(named.id);
    expect(await directory.search('x', 10)).toEqual([]);
    expect(await directory.search('Billing', 2)).toHaveLength(2);
  });

  it('checks each permission with a real call and names what is missing', async () => {
    const admin = new GraphAdminChecks(bed.connection);
    expect(admin.adminConsentUrl()).toBe(`${bed.emu.url}/${bed.emu.tenantId}/adminconsent?client_id=${bed.emu.clientId}`);
    const needed = ['Presence.Read.All', 'Presence.ReadWrite.All', 'User.Read.All'];
    const all = await admin.checkPermissions(needed);
    expect(all.map((c) => c.ok)).toEqual([true, true, true]);
    expect(admin.tokenAcquiredAt()).not.toBeNull();
    await bed.control.control('POST', 'permissions', { roles: ['User.Read.All'] });
    try {
      const missing = await admin.checkPermissions(needed);
      expect(missing.map((c) => [c.permission, c.ok])).toEqual([
        ['Presence.Read.All', false],
        ['Presence.ReadWrite.All', false],
        ['User.Read.All', true],
      ]);
      expect(missing[0]!.detail).toContain('403');
    } finally {
      await bed.control.control('DELETE', 'permissions');
    }
  });

  it('writes call presence in the app session, renews it, clears it, and reports the echo meanwhile', async () => {
    const user = seeds[1]!.id!;
    const writer = new GraphPresenceWriter(bed.connection.app, bed.emu.clientId);
    await bed.control.control('DELETE', 'stats');
    const svc = new WriteBackService({ writer, clock: systemClock, logger: bed.logger, echoWindowMs: 30_000, renewEveryMs: 200 });
    const agent = { agentId: 'a2', teamsUserId: user, mode: 'both' as const };
    const read = async () => (await getPresencesByUserId(bed.connection.app, [user]))[0]!.presence;
    svc.onAgentState(agent, { agentId: 'a2', state: 'Engaged', origin: 'system', changedAt: 0, contact: { id: 'c', mediaType: 'telephony', conference: false } });
    await waitFor(async () => (await read()).activity === 'InACall', 'Busy/InACall in Teams');
    expect(svc.echoFor(user)?.presence).toEqual({ availability: 'Busy', activity: 'InACall' });
    await waitFor(async () => ((await bed.count(/setPresence/))['200'] ?? 0) >= 3, 'renewals');
    svc.onAgentState(agent, { agentId: 'a2', state: 'Available', origin: 'agent', changedAt: 1, contact: null });
    await waitFor(async () => (await read()).activity !== 'InACall', 'session cleared');
    expect(((await bed.count(/clearPresence/))['200'] ?? 0)).toBe(1);
    expect(svc.echoFor(user)?.presence.activity).toBe('InACall');
    await expect(writer.clearCallPresence(user)).resolves.toBeUndefined();
    await svc.stop();
  });
});
