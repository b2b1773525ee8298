import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';
import { aggregatePresence, type PresenceSession } from '../../emulators/graph/presence-aggregate.js';

let emu: GraphEmulator;
let c: GraphEmulatorClient;
let token: string;
let ids: string[];
let next = 0;
/** A user nobody touched yet, so tests stay independent. */
const freshUser = (): string => ids[10 + next++]!;
const MIN = 60_000;

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(200), throttleLimit: 100_000 });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
  ids = emu.users().map((u) => u.id!);
});
beforeEach(async () => {
  token = await c.appToken();
});
afterAll(async () => {
  c.close();
  await emu.close();
});

const presence = async (id: string): Promise<{ availability: string; activity: string; sequenceNumber: string; outOfOfficeSettings: { isOutOfOffice: boolean } }> => {
  const reply = await c.request('GET', `/v1.0/users/${id}/presence`, { token });
  expect(reply.status).toBe(200);
  return reply.json();
};
const pair = async (id: string): Promise<string> => {
  const p = await presence(id);
  return `${p.availability}/${p.activity}`;
};
const act = (id: string, action: string, body: unknown): Promise<{ status: number; json(): any; text: string }> =>
  c.request('POST', `/v1.0/users/${id}/presence/${action}`, { token, body });
/** Moves the emulator clock; app tokens expire on that clock too, so a fresh one is fetched. */
const advance = async (ms: number): Promise<void> => {
  await c.control('POST', 'clock', { advanceMs: ms });
  token = await c.appToken();
};

describe('aggregation (documented precedence)', () => {
  const s = (availability: string, activity: string, setAt = 0, kind: PresenceSession['kind'] = 'teams'): PresenceSession => ({
    sessionId: `${availability}-${activity}-${setAt}`,
    kind,
    availability,
    activity,
    setAt,
    expiresAt: Infinity,
  });
  it.each([
    ['no session', [], null, 'Offline/Offline'],
    ['no session, preferred Offline', [], ['Offline', 'OffWork'], 'Offline/OffWork'],
    ['no session, preferred DND has no effect', [], ['DoNotDisturb', 'DoNotDisturb'], 'Offline/Offline'],
    ['one Available session', [s('Available', 'Available')], null, 'Available/Available'],
    ['DND beats Busy', [s('Busy', 'InACall'), s('DoNotDisturb', 'Presenting')], null, 'DoNotDisturb/Presenting'],
    ['Busy beats Available', [s('Available', 'Available'), s('Busy', 'InACall')], null, 'Busy/InACall'],
    ['Available beats Away', [s('Away', 'Away'), s('Available', 'Available')], null, 'Available/Available'],
    ['Available beats BeRightBack', [s('BeRightBack', 'BeRightBack'), s('Available', 'Available')], null, 'Available/Available'],
    ['preferred overrides a busier session', [s('Busy', 'InACall')], ['Available', 'Available'], 'Available/Available'],
    ['preferred DND over Available', [s('Available', 'Available')], ['DoNotDisturb', 'DoNotDisturb'], 'DoNotDisturb/DoNotDisturb'],
    ['preferred Offline with a session', [s('Available', 'Available')], ['Offline', 'OffWork'], 'Offline/OffWork'],
    ['same rank: latest wins', [s('Busy', 'InAMeeting', 1), s('Busy', 'InACall', 2)], null, 'Busy/InACall'],
  ] as const)('%s → %s', (_name, sessions, preferred, expected) => {
    const pref = preferred ? { availability: preferred[0], activity: preferred[1], expiresAt: Infinity } : null;
    const agg = aggregatePresence(sessions as readonly PresenceSession[], pref, 10);
    expect(`${agg.availability}/${agg.activity}`).toBe(expected);
  });

  it('ignores expired sessions', () => {
    const expired = { ...s('Busy', 'InACall'), expiresAt: 5 };
    const agg = aggregatePresence([expired, s('Available', 'Available')], null, 10);
    expect(`${agg.availability}/${agg.activity}`).toBe('Available/Available');
  });

  it('combines Teams client sessions and app sessions over HTTP', async () => {
    const id = freshUser();
    expect(await pair(id)).toBe('Offline/Offline');
    await c.control('POST', `users/${id}/teams-session`, { availability: 'Available', activity: 'Available' });
    expect(await pair(id)).toBe('Available/Available');
    expect((await act(id, 'setPresence', { sessionId: emu.clientId, availability: 'Busy', activity: 'InACall', expirationDuration: 'PT10M' })).status).toBe(200);
    expect(await pair(id)).toBe('Busy/InACall');
    await c.control('POST', `users/${id}/presenting/start`);
    expect(await pair(id)).toBe('DoNotDisturb/Presenting');
    await c.control('POST', `users/${id}/presenting/end`);
    expect((await act(id, 'clearPresence', { sessionId: emu.clientId })).status).toBe(200);
    expect(await pair(id)).toBe('Available/Available');
    await c.control('POST', `users/${id}/sign-out`);
    expect(await pair(id)).toBe('Offline/Offline');
  });
});

describe('app sessions over time', () => {
  it('fades an Available app session to AvailableInactive after 5 minutes and Away after 10', async () => {
    const id = freshUser();
    await act(id, 'setPresence', { sessionId: emu.clientId, availability: 'Available', activity: 'Available', expirationDuration: 'PT1H' });
    expect(await pair(id)).toBe('Available/Available');
    await advance(5 * MIN + 1000);
    expect(await pair(id)).toBe('Available/AvailableInactive');
    await advance(5 * MIN);
    expect(await pair(id)).toBe('Away/Away');
    await act(id, 'setPresence', { sessionId: emu.clientId, availability: 'Available', activity: 'Available', expirationDuration: 'PT1H' });
    expect(await pair(id)).toBe('Available/Available');
  });

  it('expires a session after its expirationDuration (default PT5M) and falls back to Offline', async () => {
    const id = freshUser();
    await act(id, 'setPresence', { sessionId: emu.clientId, availability: 'Busy', activity: 'InACall' });
    await advance(4 * MIN);
    expect(await pair(id)).toBe('Busy/InACall');
    await advance(MIN + 1000);
    expect(await pair(id)).toBe('Offline/Offline');
    expect((await act(id, 'clearPresence', { sessionId: emu.clientId })).status).toBe(404);
  });

  it('bumps sequenceNumber on every change of the aggregate only', async () => {
    const id = freshUser();
    const a = (await presence(id)).sequenceNumber;
    expect((await presence(id)).sequenceNumber).toBe(a);
    await c.control('POST', `users/${id}/call/start`);
    const b = (await presence(id)).sequenceNumber;
    expect(b > a).toBe(true);
    await c.control('POST', `users/${id}/out-of-office`, { isOutOfOffice: true, message: 'vacation' });
    const p = await presence(id);
    expect(p.sequenceNumber > b).toBe(true);
    expect(p.outOfOfficeSettings.isOutOfOffice).toBe(true);
  });

  it('overlays out of office as the OutOfOffice activity; a message-only change is no presence change', async () => {
    const id = freshUser();
    await c.control('POST', `users/${id}/sign-in`);
    await c.control('POST', `users/${id}/out-of-office`, { isOutOfOffice: true, message: 'away' });
    const oof = await presence(id);
    expect([oof.availability, oof.activity]).toEqual(['Available', 'OutOfOffice']);
    await c.control('POST', `users/${id}/out-of-office`, { isOutOfOffice: true, message: 'back Monday' });
    expect((await presence(id)).sequenceNumber).toBe(oof.sequenceNumber);
    await c.control('POST', `users/${id}/call/start`);
    expect(await pair(id)).toBe('Busy/OutOfOffice');
    await c.control('POST', `users/${id}/out-of-office`, { isOutOfOffice: false });
    expect(await pair(id)).toBe('Busy/InACall');
  });
});

describe('user-preferred presence', () => {
  it('applies only while a session exists, expires by default after 1 day (DND) and can be cleared', async () => {
    const id = freshUser();
    expect((await act(id, 'setUserPreferredPresence', { availability: 'DoNotDisturb', activity: 'DoNotDisturb' })).status).toBe(200);
    expect(await pair(id)).toBe('Offline/Offline');
    await c.control('POST', `users/${id}/call/start`);
    expect(await pair(id)).toBe('DoNotDisturb/DoNotDisturb');
    await advance(24 * 60 * MIN);
    expect(await pair(id)).toBe('Busy/InACall');
    await act(id, 'setUserPreferredPresence', { availability: 'Available', activity: 'Available', expirationDuration: 'PT8H' });
    expect(await pair(id)).toBe('Available/Available');
    expect((await act(id, 'clearUserPreferredPresence', {})).status).toBe(200);
    expect(await pair(id)).toBe('Busy/InACall');
  });

  it('DND by hand through the control surface beats an app session', async () => {
    const id = freshUser();
    await act(id, 'setPresence', { sessionId: emu.clientId, availability: 'Busy', activity: 'InACall' });
    await c.control('POST', `users/${id}/dnd`, { on: true });
    expect(await pair(id)).toBe('DoNotDisturb/DoNotDisturb');
    const detail = await c.control('GET', `users/${id}/presence-detail`);
    expect(detail.preferred.availability).toBe('DoNotDisturb');
    expect(detail.sessions.map((s: { kind: string }) => s.kind).sort()).toEqual(['app', 'teams']);
    await c.control('POST', `users/${id}/dnd`, { on: false });
    expect(await pair(id)).toBe('Busy/InACall');
  });

  it('refuses pairs outside the six documented ones', async () => {
    const reply = await act(freshUser(), 'setUserPreferredPresence', { availability: 'Busy', activity: 'InACall' });
    expect(reply.status).toBe(400);
  });
});

describe('setPresence validation', () => {
  it.each([
    ['Available', 'Available', 'PT5M', 200],
    ['Busy', 'InACall', 'PT4H', 200],
    ['Busy', 'InAConferenceCall', undefined, 200],
    ['Away', 'Away', 'PT1H30M', 200],
    ['DoNotDisturb', 'Presenting', 'PT15M', 200],
    ['busy', 'inacall', 'PT5M', 200],
    ['Busy', 'Busy', 'PT5M', 400],
    ['DoNotDisturb', 'DoNotDisturb', 'PT5M', 400],
    ['Busy', 'InAMeeting', 'PT5M', 400],
    ['Available', 'Available', 'PT4M', 400],
    ['Available', 'Available', 'PT4H1M', 400],
    ['Available', 'Available', '5 minutes', 400],
  ])('%s/%s for %s → %i', async (availability, activity, expirationDuration, status) => {
    const reply = await act(freshUser(), 'setPresence', { sessionId: emu.clientId, availability, activity, expirationDuration });
    expect(reply.status).toBe(status);
    if (status === 400) expect(reply.json().error.code).toBe('BadRequest');
    else expect(reply.text).toBe('');
  });

  it('needs the app id as sessionId, and answers the same under /communications/presences/{id}', async () => {
    const id = freshUser();
    expect((await act(id, 'setPresence', { availability: 'Busy', activity: 'InACall' })).status).toBe(400);
    const foreign = await c.request('POST', `/v1.0/communications/presences/${id}/setPresence`, { token, body: { sessionId: 'x', availability: 'Busy', activity: 'InACall' } });
    expect(foreign.status).toBe(400);
    expect(foreign.json().error.message).toMatch(/application \(client\) id/);
    expect((await act(id, 'clearPresence', { sessionId: '6b3e0000-0000-4000-8000-000000000001' })).status).toBe(400);
    const alt = await c.request('POST', `/v1.0/communications/presences/${id}/setPresence`, { token, body: { sessionId: emu.clientId.toUpperCase(), availability: 'Busy', activity: 'InACall' } });
    expect(alt.status).toBe(200);
    const read = await c.request('GET', `/v1.0/communications/presences/${id}`, { token });
    expect(read.json()).toMatchObject({ id, availability: 'Busy', activity: 'InACall' });
  });

  it('answers 404 for an unknown user and 400 for a non-GUID id', async () => {
    expect((await c.request('GET', '/v1.0/users/00000000-0000-4000-8000-00000000ffff/presence', { token })).status).toBe(404);
    expect((await c.request('GET', '/v1.0/users/agent1@contoso.example/presence', { token })).status).toBe(400);
  });
});

describe('getPresencesByUserId', () => {
  it('returns 650 presences and refuses 651 ids', async () => {
    const many = Array.from({ length: 651 }, (_, i) => ids[i % ids.length]!.replace(/.{4}$/, (i + 0x1000).toString(16).slice(-4)));
    await c.control('POST', 'behaviour', { unknownPresenceIds: 'presence-unknown' });
    const ok = await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body: { ids: many.slice(0, 650) } });
    await c.control('POST', 'behaviour', { unknownPresenceIds: 'reject' });
    expect(ok.status).toBe(200);
    expect(ok.json().value).toHaveLength(650);
    const tooMany = await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body: { ids: many } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json().error.code).toBe('BadRequest');
  });

  it('refuses a call naming an unknown or deleted id by default, and answers PresenceUnknown under the flag', async () => {
    const id = freshUser();
    await c.control('POST', `users/${id}/call/start`);
    const unknown = '00000000-0000-4000-8000-0000000fffff';
    const refused = await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body: { ids: [id, unknown] } });
    expect(refused.status).toBe(400);
    expect(refused.json().error.code).toBe('BadRequest');
    const gone = freshUser();
    expect((await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body: { ids: [id, gone] } })).status).toBe(200);
    await c.control('DELETE', `users/${gone}`);
    expect((await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body: { ids: [id, gone] } })).status).toBe(400);
    expect((await c.request('GET', `/v1.0/users/${gone}`, { token })).status).toBe(404);
    await c.control('POST', 'behaviour', { unknownPresenceIds: 'presence-unknown' });
    const reply = await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body: { ids: [id, unknown] } });
    await c.control('POST', 'behaviour', { unknownPresenceIds: 'reject' });
    const value = reply.json().value;
    expect(value[0]).toMatchObject({ id, availability: 'Busy', activity: 'InACall', outOfOfficeSettings: { isOutOfOffice: false } });
    expect(value[1]).toMatchObject({ id: unknown, availability: 'PresenceUnknown', activity: 'PresenceUnknown' });
  });

  it('refuses an empty or malformed body', async () => {
    for (const body of [{}, { ids: [] }, { ids: [1, 2] }, { ids: ['not-a-guid'] }]) {
      expect((await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body })).status).toBe(400);
    }
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After and the documented body over the per-app budget, then recovers', async () => {
    await c.control('POST', 'throttle', { limit: 5, windowMs: 30_000 });
    try {
      const id = ids[0]!;
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof c.request>> | undefined;
      for (let i = 0; i < 7; i++) {
        last = await c.request('GET', `/v1.0/users/${id}/presence`, { token });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(30);
      expect(last!.json().error).toMatchObject({ code: 'TooManyRequests', message: 'Please retry again later.', innerError: { code: '429', status: '429' } });
      // Directory reads are not in the presence budget.
      expect((await c.request('GET', `/v1.0/users/${id}`, { token })).status).toBe(200);
      await advance(30_000);
      expect((await c.request('GET', `/v1.0/users/${id}/presence`, { token })).status).toBe(200);
      const stats = await c.control('GET', 'stats');
      expect(stats.throttled).toBeGreaterThanOrEqual(2);
      expect(stats.routes['GET /v1.0/users/:id/presence']['429']).toBeGreaterThanOrEqual(2);
    } finally {
      await c.control('POST', 'throttle', { limit: 100_000, windowMs: 30_000 });
    }
  });
});

describe('bulk control', () => {
  it('sets many Teams sessions at once and ends them with Offline', async () => {
    const batch = ids.slice(100, 150);
    const reply = await c.control('POST', 'presence/bulk', { changes: [...batch.map((userId) => ({ userId, availability: 'Busy', activity: 'InACall' })), { userId: 'nobody@contoso.example', availability: 'Busy', activity: 'InACall' }] });
    expect(reply).toEqual({ applied: 50, unknown: ['nobody@contoso.example'] });
    const read = await c.request('POST', '/v1.0/communications/getPresencesByUserId', { token, body: { ids: batch } });
    expect(read.json().value.every((p: { activity: string }) => p.activity === 'InACall')).toBe(true);
    await c.control('POST', 'presence/bulk', { changes: batch.map((userId) => ({ userId, availability: 'Offline', activity: 'Offline' })) });
    expect(await pair(batch[0]!)).toBe('Offline/Offline');
  });
});
