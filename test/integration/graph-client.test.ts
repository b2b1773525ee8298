import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPresencesByUserId } from '../../server/graph/presence-api.js';
import { startGraphTestbed, type GraphTestbed } from './graph-harness.js';

describe('Graph connection (msal-node + Graph client) against the emulator over HTTPS', () => {
  let bed: GraphTestbed;
  beforeAll(async () => {
    bed = await startGraphTestbed({ userCount: 20, tokenLifetimeSec: 302 });
  });
  afterAll(async () => bed?.close());

  it('acquires an app token through msal, attaches it to Graph calls, and reports when it was acquired', async () => {
    expect(bed.connection.tokenAcquiredAt()).toBeNull();
    const before = Date.now();
    const presences = await getPresencesByUserId(bed.connection.app, bed.userIds(3));
    expect(presences.map((p) => p.id)).toEqual(bed.userIds(3));
    expect(presences[0]!.presence.availability).toBeTruthy();
    expect(bed.connection.tokenAcquiredAt()).toBeGreaterThanOrEqual(before);
    const tokenCalls = await bed.count(/oauth2\/v2\.0\/token/);
    expect(tokenCalls['200']).toBe(1);
    // Cached: a second call does not ask the token endpoint again.
    await getPresencesByUserId(bed.connection.app, bed.userIds(1));
    expect((await bed.count(/oauth2\/v2\.0\/token/))['200']).toBe(1);
  });

  it('renews the token when the cached one nears expiry', async () => {
    // 302 s lifetime: msal treats a token as expired 300 s early (whole seconds), so after 3 s it must fetch a new one.
    const first = bed.connection.tokenAcquiredAt()!;
    await new Promise((r) => setTimeout(r, 3_100));
    await getPresencesByUserId(bed.connection.app, bed.userIds(1));
    expect((await bed.count(/oauth2\/v2\.0\/token/))['200']).toBe(2);
    expect(bed.connection.tokenAcquiredAt()!).toBeGreaterThan(first);
  });

  it('gets a delegated token for a service account by password grant', async () => {
    const token = await bed.connection.delegatedToken({ username: 'presence-svc1@contoso.example', password: 'Passw0rd!' });
    expect(token.length).toBeGreaterThan(20);
    await expect(bed.connection.delegatedToken({ username: 'presence-svc1@contoso.example', password: 'wrong' })).rejects.toThrow();
  });

  it('never logs a token', async () => {
    const token = await bed.connection.appToken();
    expect(bed.logs()).not.toContain(token);
  });
});
