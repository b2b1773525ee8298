import { describe, expect, it } from 'vitest';
import type { ProfileDto } from '../../server/gateway/contract.js';
import {
  draftFromProfile,
  draftToBody,
  emptyDraft,
  moveRule,
  nextRule,
  selectableIdleCodes,
  TEAMS_STATES,
} from '../../widget/mapping-draft.js';

const profile: ProfileDto = {
  id: 'default',
  name: 'Default',
  description: 'Calls and presenting',
  rules: [
    { teamsState: 'InACall', idleCodeId: 'ic-call', idleCodeName: 'Teams call' },
    { teamsState: 'Presenting', idleCodeId: 'ic-pres', idleCodeName: 'Presenting' },
  ],
  settleDelayMs: 2500,
  syncMode: 'both',
  releaseOnDisable: false,
  teams: ['t1'],
};

describe('mapping editor draft', () => {
  it('turns a stored profile into a body the strict profile schema accepts (no ids, names or teams)', () => {
    const body = draftToBody(draftFromProfile(profile));
    expect(body).toEqual({
      name: 'Default',
      description: 'Calls and presenting',
      rules: [
        { teamsState: 'InACall', idleCodeId: 'ic-call' },
        { teamsState: 'Presenting', idleCodeId: 'ic-pres' },
      ],
      settleDelayMs: 2500,
      syncMode: 'both',
      releaseOnDisable: false,
    });
  });

  it('sends an unreadable settle delay as null so the server names the field', () => {
    const d = { ...emptyDraft(), name: 'x', settleDelaySeconds: '' };
    expect(draftToBody(d).settleDelayMs).toBeNull();
    expect(draftToBody({ ...d, settleDelaySeconds: '1.5' }).settleDelayMs).toBe(1500);
    expect(JSON.stringify(draftToBody({ ...d, settleDelaySeconds: 'abc' }))).toContain('"settleDelayMs":null');
  });

  it('reorders rules by precedence and ignores moves past either end', () => {
    const rules = draftFromProfile(profile).rules;
    const down = moveRule(rules, 0, 1);
    expect(down.map((r) => r.teamsState)).toEqual(['Presenting', 'InACall']);
    expect(rules.map((r) => r.teamsState)).toEqual(['InACall', 'Presenting']);
    expect(moveRule(rules, 0, -1)).toBe(rules);
    expect(moveRule(rules, 1, 1)).toBe(rules);
  });

  it('adds a rule for the first unmapped Teams state, and none when all are mapped', () => {
    expect(nextRule(draftFromProfile(profile).rules)).toEqual({ teamsState: 'DoNotDisturb', idleCodeId: '' });
    expect(nextRule(TEAMS_STATES.map((s) => ({ teamsState: s, idleCodeId: 'x' })))).toBeNull();
  });

  it('offers only active, non-system idle codes, by name', () => {
    const codes = selectableIdleCodes([
      { id: '2', name: 'Teams call', isSystem: false, active: true },
      { id: '1', name: 'RONA', isSystem: true, active: true },
      { id: '3', name: 'Old', isSystem: false, active: false },
      { id: '4', name: 'Break', isSystem: false, active: true },
    ]);
    expect(codes.map((c) => c.name)).toEqual(['Break', 'Teams call']);
  });

});
