import { describe, expect, it } from 'vitest';
import { asRawPresence, rawPresence } from '../../server/graph/presence-api.js';
import { PresenceTracker } from '../../server/graph/presence-tracker.js';

/** The hand-written check of a presence item accepts exactly what the documented schema accepts, and copies nothing. */
const items: [string, unknown][] = [
  ['full', { id: 'u1', availability: 'Busy', activity: 'InACall', outOfOfficeSettings: { isOutOfOffice: false, message: null } }],
  ['nulls', { id: 'u1', availability: null, activity: null, outOfOfficeSettings: null }],
  ['only id', { id: 'u1' }],
  ['extra fields', { id: 'u1', availability: 'Away', activity: 'Away', '@odata.type': '#microsoft.graph.presence', sequenceNumber: 'x' }],
  ['oof flag null', { id: 'u1', outOfOfficeSettings: { isOutOfOffice: null } }],
  ['empty id', { id: '', availability: 'Busy' }],
  ['numeric id', { id: 7, availability: 'Busy' }],
  ['no id', { availability: 'Busy' }],
  ['availability a number', { id: 'u1', availability: 3 }],
  ['activity an object', { id: 'u1', activity: {} }],
  ['oof settings a string', { id: 'u1', outOfOfficeSettings: 'yes' }],
  ['oof settings an array', { id: 'u1', outOfOfficeSettings: [] }],
  ['oof flag a string', { id: 'u1', outOfOfficeSettings: { isOutOfOffice: 'true' } }],
  ['null', null],
  ['a string', 'u1'],
  ['an array', [{ id: 'u1' }]],
];

describe('presence items from getPresencesByUserId', () => {
  it.each(items)('%s: accepted exactly when the schema accepts it', (_name, item) => {
    expect(asRawPresence(item) !== null).toBe(rawPresence.safeParse(item).success);
  });

  it('returns the item itself when it is accepted', () => {
    const item = { id: 'u1', availability: 'Busy', activity: 'InACall' };
    expect(asRawPresence(item)).toBe(item);
  });
});

describe('PresenceTracker spellings', () => {
  it('treats spellings that differ only in case or spaces as one value, reporting the first one seen', () => {
    const t = new PresenceTracker();
    t.retain(['u1', 'u2']);
    expect(t.observe('u1', { availability: 'Busy', activity: 'InACall' })).toBe(true);
    expect(t.observe('u1', { availability: 'busy', activity: ' INACALL ' })).toBe(false);
    expect(t.observe('u2', { availability: 'BUSY', activity: 'inacall' })).toBe(true);
    expect(t.get('u2')).toEqual({ availability: 'Busy', activity: 'InACall', outOfOffice: false });
    expect(t.observe('u2', { availability: 'Busy', activity: 'Presenting' })).toBe(true);
  });
});
