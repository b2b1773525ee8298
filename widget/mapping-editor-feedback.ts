import { ApiError } from './api-client.js';
import type { Locale } from './i18n/i18n.js';
import type { Draft } from './mapping-draft.js';
import { ruleStateLabel, type EditorT } from './mapping-profile-form.js';
import { problemText } from './mapping-problem-text.js';
import { problemsFromServer, type Problem } from './mapping-validation.js';
import { commonMessages } from './messages/common-messages.js';

/**
 * What `<presence-mapping-editor>` tells the supervisor after an action: failures, the status line, and which
 * problem is shown at which input. Pure functions of the editor's state; the editor owns that state.
 */

export interface Failure {
  code: string;
  message: string;
}

export interface Status {
  key: 'saved' | 'notSavedFields' | 'notSaved' | 'deleted' | 'exported';
  name?: string;
  failure?: Failure;
}

/** An error as a code for the reader's language, keeping the server's words as a fallback. */
export function failure(err: unknown): Failure {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  return { code: 'network', message: err instanceof Error ? err.message : String(err) };
}

/** What the editor shows when saving failed: the server's verdict on the fields at their inputs, anything else above the form. */
export function saveFailure(err: unknown, draft: Draft): { problems: Problem[]; formErrors: Failure[]; status: Status } {
  if (err instanceof ApiError && (err.code === 'invalid' || err.code === 'conflict' || err.field || err.details.length > 0)) {
    return { problems: problemsFromServer({ code: err.code, message: err.message, field: err.field, details: err.details }, draft), formErrors: [], status: { key: 'notSavedFields' } };
  }
  return { problems: [], formErrors: [failure(err)], status: { key: 'notSaved', failure: failure(err) } };
}

export function failureText(locale: Locale, f: Failure): string {
  const table = commonMessages.tables[locale] as Record<string, string>;
  return table[`error.${f.code}`] ?? (f.message || table['error.other']);
}

export function statusText(t: EditorT, locale: Locale, s: Status | null): string {
  if (!s) return '';
  switch (s.key) {
    case 'saved':
      return t('saved');
    case 'notSavedFields':
      return t('notSavedFields');
    case 'notSaved':
      return t('notSaved', { reason: s.failure ? failureText(locale, s.failure) : '' });
    case 'deleted':
      return t('deleted', { name: s.name ?? '' });
    case 'exported':
      return t('exported', { name: s.name ?? '' });
  }
}

/** A problem in the supervisor's words; rule problems name the rule's Teams state. */
function draftProblemText(draft: Draft, p: Problem, t: EditorT): string {
  const rule = typeof p.params?.rule === 'number' ? draft.rules[p.params.rule] : undefined;
  return problemText(p, t, rule ? ruleStateLabel(t, rule.teamsState) : '');
}

/** Problems that name an input are shown at it (the first per input); the rest, and failures, above the form. */
export function placeProblems(draft: Draft, problems: Problem[], failures: Failure[], t: EditorT, locale: Locale): { fieldErrors: Map<string, string>; formErrors: string[] } {
  const inputs = new Set(['name', 'description', 'rules', 'settleDelayMs', 'syncMode', 'releaseOnDisable']);
  const atInput = (f: string): boolean => inputs.has(f) || (/^rules\[(\d+)\]\./.test(f) && Number(/\d+/.exec(f)![0]) < draft.rules.length);
  const fieldErrors = new Map<string, string>();
  const formErrors: string[] = failures.map((f) => failureText(locale, f));
  for (const p of problems) {
    if (atInput(p.field)) {
      if (!fieldErrors.has(p.field)) fieldErrors.set(p.field, draftProblemText(draft, p, t));
    } else formErrors.push(draftProblemText(draft, p, t));
  }
  return { fieldErrors, formErrors };
}
