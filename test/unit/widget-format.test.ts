import { describe, expect, it } from 'vitest';
import {
  ageInWords,
  agentStateLabel,
  durationInWords,
  formatDuration,
  messageOf,
  msInWords,
  normalizeFieldPath,
  presenceTone,
} from '../../widget/format.js';

describe('widget formatting', () => {
  it.each([
    [0, '00:00'],
    [999, '00:00'],
    [9_000, '00:09'],
    [249_000, '04:09'],
    [3_599_000, '59:59'],
    [3_600_000, '1:00'],
    [3_900_000, '1:05'],
    [36_000_000 + 120_000, '10:02'],
    [-5_000, '00:00'],
  ])('formatDuration(%i) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('says durations in words for screen readers', () => {
    expect(durationInWords(1000)).toBe('1 second');
    expect(durationInWords(249_000)).toBe('4 minutes 9 seconds');
    expect(durationInWords(3_660_000)).toBe('1 hour 1 minute');
  });

  it('says ages relative to now, past and future', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    expect(ageInWords(now - 12_000, now)).toBe('12 seconds ago');
    expect(ageInWords(now - 3 * 60_000, now)).toBe('3 minutes ago');
    expect(ageInWords(now + 40 * 60_000, now)).toBe('in 40 minutes');
    expect(ageInWords(new Date(now - 2 * 3_600_000).toISOString(), now)).toBe('2 hours ago');
    expect(ageInWords(now - 5 * 86_400_000, now)).toBe('5 days ago');
    expect(ageInWords(null, now)).toBe('never');
    expect(ageInWords('not a date', now, 'unknown')).toBe('unknown');
    expect(ageInWords(now - 200, now)).toBe('just now');
  });

  it('says intervals and lags in words', () => {
    expect(msInWords(250)).toBe('250 ms');
    expect(msInWords(1500)).toBe('1.5 seconds');
    expect(msInWords(1000)).toBe('1 second');
    expect(msInWords(180_000)).toBe('3 minutes');
    expect(msInWords(null)).toBe('not measured');
  });

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

  it('labels agent states as people read them', () => {
    expect(agentStateLabel('WrapUp')).toBe('Wrap-up');
    expect(agentStateLabel('LoggedOut')).toBe('Logged out');
    expect(agentStateLabel('Idle')).toBe('Idle');
    expect(agentStateLabel(null)).toBe('Unknown');
  });

  it.each([
    ['rules[1].idleCodeId', 'rules[1].idleCodeId'],
    ['rules.1.idleCodeId', 'rules[1].idleCodeId'],
    ['rules.0', 'rules[0]'],
    ['settleDelayMs', 'settleDelayMs'],
  ])('normalises the field path %s', (raw, normal) => {
    expect(normalizeFieldPath(raw)).toBe(normal);
  });

  it('finds the human sentence in an answer of unknown shape', () => {
    expect(messageOf({ deleted: true, message: 'Remove the Azure app registration.' })).toBe('Remove the Azure app registration.');
    expect(messageOf({ note: 'n' })).toBe('n');
    expect(messageOf({ ok: true })).toBeNull();
    expect(messageOf(undefined)).toBeNull();
  });
});
