import { describe, expect, it } from 'vitest';
import { emptyDraft, type Draft } from '../../widget/mapping-draft.js';
import { problemsFromServer, validateDraft } from '../../widget/mapping-validation.js';

const selectable = new Set(['ic-call', 'ic-meet']);
const draft = (over: Partial<Draft> = {}): Draft => ({
  ...emptyDraft(),
  name: 'Calls',
  rules: [
    { teamsState: 'InACall', idleCodeId: 'ic-call' },
    { teamsState: 'InAMeeting', idleCodeId: 'ic-meet' },
  ],
  ...over,
});

describe('validateDraft: what a supervisor must fix, as codes at the input', () => {
  it('accepts a good draft', () => {
    expect(validateDraft(draft(), selectable)).toEqual([]);
  });

  it.each<[string, Partial<Draft>, { field: string; code: string }[]]>([
    ['an empty name', { name: '   ' }, [{ field: 'name', code: 'nameRequired' }]],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, [{ field: 'name', code: 'nameTooLong' }]],
    ['a description over 500 characters', { description: 'y'.repeat(501) }, [{ field: 'description', code: 'descriptionTooLong' }]],
    ['no settle delay', { settleDelaySeconds: '' }, [{ field: 'settleDelayMs', code: 'settleNotNumber' }]],
    ['a settle delay in words', { settleDelaySeconds: 'soon' }, [{ field: 'settleDelayMs', code: 'settleNotNumber' }]],
    ['a settle delay over 600 s', { settleDelaySeconds: '9999' }, [{ field: 'settleDelayMs', code: 'settleRange' }]],
    ['a negative settle delay', { settleDelaySeconds: '-1' }, [{ field: 'settleDelayMs', code: 'settleRange' }]],
    ['an unknown sync mode', { syncMode: 'sideways' }, [{ field: 'syncMode', code: 'syncMode' }]],
    ['a rule without an idle code', { rules: [{ teamsState: 'InACall', idleCodeId: '' }] }, [{ field: 'rules[0].idleCodeId', code: 'idleCodeMissing' }]],
    ['an idle code no longer selectable', { rules: [{ teamsState: 'InACall', idleCodeId: 'ic-gone' }] }, [{ field: 'rules[0].idleCodeId', code: 'idleCodeUnavailable' }]],
    [
      'the same Teams state twice',
      { rules: [{ teamsState: 'Busy', idleCodeId: 'ic-call' }, { teamsState: 'Busy', idleCodeId: 'ic-meet' }] },
      [{ field: 'rules[1].teamsState', code: 'duplicateState' }],
    ],
  ])('%s', (_name, over, expected) => {
    expect(validateDraft(draft(over), selectable).map(({ field, code }) => ({ field, code }))).toEqual(expected);
  });

  it('a decimal comma is a number', () => {
    expect(validateDraft(draft({ settleDelaySeconds: '2,5' }), selectable)).toEqual([]);
  });
});

describe('problemsFromServer: validator wording becomes the same codes', () => {
  it.each<[string, { field: string; message: string }, { field: string; code: string }]>([
    ['zod too small on the name', { field: 'name', message: 'Too small: expected string to have >=1 characters' }, { field: 'name', code: 'nameRequired' }],
    ['zod too big on the name', { field: 'name', message: 'Too big: expected string to have <=100 characters' }, { field: 'name', code: 'nameTooLong' }],
    ['a settle delay that is null', { field: 'settleDelayMs', message: 'Invalid input: expected number, received null' }, { field: 'settleDelayMs', code: 'settleNotNumber' }],
    ['a settle delay too big', { field: 'settleDelayMs', message: 'Too big: expected number to be <=600000' }, { field: 'settleDelayMs', code: 'settleRange' }],
    ['an inactive idle code by dotted path', { field: 'rules.1.idleCodeId', message: 'idle code "x" is inactive' }, { field: 'rules[1].idleCodeId', code: 'idleCodeUnavailable' }],
    ['a name mismatch on an idle code name', { field: 'rules[0].idleCodeName', message: 'idle code "a" is named "b", not "c"' }, { field: 'rules[0].idleCodeId', code: 'idleCodeUnavailable' }],
    ['a duplicate state on the rules list', { field: 'rules', message: 'each Teams state may appear only once' }, { field: 'rules[1].teamsState', code: 'duplicateState' }],
    ['an existing profile', { field: '', message: 'profile "calls" already exists' }, { field: 'name', code: 'nameTaken' }],
    ['something unforeseen', { field: 'vendor', message: 'Too big' }, { field: 'vendor', code: 'server' }],
  ])('%s', (_name, detail, expected) => {
    const d = draft({ rules: [{ teamsState: 'Busy', idleCodeId: 'ic-call' }, { teamsState: 'Busy', idleCodeId: 'ic-meet' }] });
    const [p] = problemsFromServer({ code: 'invalid', message: 'invalid profile', details: [detail] }, d);
    expect({ field: p!.field, code: p!.code }).toEqual(expected);
  });

  it('keeps the server words of an unforeseen problem as the detail', () => {
    const [p] = problemsFromServer({ code: 'invalid', message: 'x', details: [{ field: 'vendor', message: 'Too big' }] }, draft());
    expect(p!.params).toEqual({ detail: 'vendor: Too big' });
  });
});
