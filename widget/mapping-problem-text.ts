import type { EditorT } from './mapping-profile-form.js';
import type { Problem } from './mapping-validation.js';

/** A validation problem in the supervisor's words; `state` is the Teams state of the rule it concerns, in words. */
export function problemText(p: Problem, t: EditorT, state: string): string {
  const max = Number(p.params?.max ?? 0);
  switch (p.code) {
    case 'nameRequired':
      return t('v.nameRequired');
    case 'nameTooLong':
      return t('v.nameTooLong', { max });
    case 'descriptionTooLong':
      return t('v.descriptionTooLong', { max });
    case 'settleNotNumber':
      return t('v.settleNotNumber');
    case 'settleRange':
      return t('v.settleRange', { min: Number(p.params?.min ?? 0), max });
    case 'idleCodeMissing':
      return t('v.idleCodeMissing', { state });
    case 'idleCodeUnavailable':
      return t('v.idleCodeUnavailable');
    case 'duplicateState':
      return t('v.duplicateState', { state });
    case 'tooManyRules':
      return t('v.tooManyRules');
    case 'syncMode':
      return t('v.syncMode');
    case 'nameTaken':
      return t('v.nameTaken');
    case 'defaultUndeletable':
      return t('v.defaultUndeletable');
    case 'server':
      return t('v.server', { detail: String(p.params?.detail ?? '') });
  }
}
