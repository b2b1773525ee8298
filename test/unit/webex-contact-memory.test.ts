import { describe, expect, it } from 'vitest';
import { CONTACT_PHASE, WebexContactMemory } from '../../server/contact-center/webex/webex-contact-memory.js';

/** Contact events arrive in any order: each contact only moves forward, per agent, for its eight recent contacts. */
describe('Webex contact memory', () => {
  it('moves a contact forward only: a late or repeated earlier phase is refused', () => {
    const m = new WebexContactMemory();
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.offered)).toBe(true);
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.wrapup)).toBe(true);
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.connected)).toBe(false);
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.wrapup)).toBe(false);
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.ended)).toBe(true);
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.offered)).toBe(false);
  });

  it('keeps contacts apart per id and per agent', () => {
    const m = new WebexContactMemory();
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.ended)).toBe(true);
    expect(m.advanceContact('a1', 'c-2', CONTACT_PHASE.offered)).toBe(true);
    expect(m.advanceContact('a2', 'c-1', CONTACT_PHASE.connected)).toBe(true);
    expect(m.advanceContact('a1', 'c-1', CONTACT_PHASE.wrapup)).toBe(false);
    expect(m.advanceContact('a2', 'c-1', CONTACT_PHASE.offered)).toBe(false);
  });

  it('remembers the eight most recent contacts of an agent; an older one is forgotten', () => {
    const m = new WebexContactMemory();
    const ids = Array.from({ length: 9 }, (_, i) => `3f1c9a52-7d4e-4b8a-9c1d-${String(i).padStart(12, '0')}`);
    for (const id of ids.slice(0, 8)) expect(m.advanceContact('a1', id, CONTACT_PHASE.ended)).toBe(true);
    // All eight still refuse a late event.
    for (const id of ids.slice(0, 8)) expect(m.advanceContact('a1', id, CONTACT_PHASE.connected)).toBe(false);
    // A ninth pushes out the first: a late event of that one is taken as news again; the other seven are kept.
    expect(m.advanceContact('a1', ids[8]!, CONTACT_PHASE.offered)).toBe(true);
    expect(m.advanceContact('a1', ids[0]!, CONTACT_PHASE.connected)).toBe(true);
    for (const id of ids.slice(2, 8)) expect(m.advanceContact('a1', id, CONTACT_PHASE.wrapup)).toBe(false);
  });
});
