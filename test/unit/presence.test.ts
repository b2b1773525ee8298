import { describe, expect, it } from 'vitest';
import { lookupMapping } from '../../server/domain/mapping.js';
import { classifyPresence, samePresence } from '../../server/domain/presence.js';

describe('classifyPresence', () => {
  it.each([
    ['Busy', 'InACall', ['InACall', 'Busy']],
    ['Busy', 'InAConferenceCall', ['InACall', 'Busy']],
    ['DoNotDisturb', 'Presenting', ['Presenting']],
    ['DoNotDisturb', 'DoNotDisturb', ['DoNotDisturb']],
    ['DoNotDisturb', 'Focusing', ['DoNotDisturb']],
    ['DoNotDisturb', 'UrgentInterruptionsOnly', ['DoNotDisturb']],
    ['focusing', 'available', ['DoNotDisturb']],
    ['Busy', 'InAMeeting', ['InAMeeting', 'Busy']],
    ['Busy', 'Busy', ['Busy']],
    ['BusyIdle', 'BusyIdle', ['Busy']],
    ['Away', 'Away', ['Away']],
    ['BeRightBack', 'BeRightBack', ['BeRightBack']],
    ['Offline', 'OffWork', ['Offline']],
    ['Offline', 'Offline', ['Offline']],
    ['Available', 'OutOfOffice', ['OutOfOffice']],
    ['Available', 'Available', []],
    ['AvailableIdle', 'AvailableInactive', []],
    ['PresenceUnknown', 'PresenceUnknown', []],
    ['SomethingNew', 'NeverSeen', []],
    ['inACall', 'inACall', ['InACall']],
    ['presenting', 'presenting', ['Presenting']],
  ])('%s/%s → %j', (availability, activity, expected) => {
    expect(classifyPresence({ availability, activity })).toEqual(expected);
  });

  it('out-of-office overlay adds OutOfOffice to the primary state', () => {
    expect(classifyPresence({ availability: 'Busy', activity: 'InACall', outOfOffice: true })).toEqual(['InACall', 'Busy', 'OutOfOffice']);
  });

  it('samePresence compares case-insensitively and includes the overlay', () => {
    expect(samePresence({ availability: 'Busy', activity: 'InACall' }, { availability: 'busy', activity: 'inacall' })).toBe(true);
    expect(samePresence({ availability: 'Busy', activity: 'InACall' }, { availability: 'Busy', activity: 'InACall', outOfOffice: true })).toBe(false);
  });

  it('lookupMapping returns null for free presence and for states the profile does not map', () => {
    const rules = [{ teamsState: 'InACall' as const, idleCodeId: 'c' }];
    expect(lookupMapping({ rules }, { availability: 'Available', activity: 'Available' })).toBeNull();
    expect(lookupMapping({ rules }, { availability: 'Away', activity: 'Away' })).toBeNull();
    expect(lookupMapping({ rules }, undefined)).toBeNull();
    expect(lookupMapping({ rules }, { availability: 'Busy', activity: 'InACall' })).toEqual({ teamsState: 'InACall', idleCodeId: 'c' });
  });
});
