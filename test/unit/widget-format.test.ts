import { describe, expect, it } from 'vitest';
import { normalizeFieldPath, presenceTone } from '../../widget/format.js';

describe('widget formatting without words', () => {
  it.each([
    [{ availability: 'Available', activity: 'Available' }, 'available'],
    [{ availability: 'busy', activity: 'InACall' }, 'busy'],
    [{ availability: 'DoNotDisturb', activity: 'Presenting' }, 'dnd'],
    [{ availability: 'BeRightBack', activity: 'BeRightBack' }, 'away'],
    [{ availability: 'Offline', activity: 'OffWork' }, 'offline'],
    [{ availability: 'PresenceUnknown', activity: 'PresenceUnknown' }, 'unknown'],
    [null, 'unknown'],
  ])('presence %j has tone %s', (presence, tone) => {
    expect(presenceTone(presence)).toBe(tone);
  });

  it.each([
    ['rules[1].idleCodeId', 'rules[1].idleCodeId'],
    ['rules.1.idleCodeId', 'rules[1].idleCodeId'],
    ['rules.0', 'rules[0]'],
    ['settleDelayMs', 'settleDelayMs'],
  ])('normalises the field path %s', (raw, normal) => {
    expect(normalizeFieldPath(raw)).toBe(normal);
  });
});
