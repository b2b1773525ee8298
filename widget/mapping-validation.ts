import type { Draft } from './mapping-draft.js';
import { TEAMS_STATES } from './mapping-draft.js';

/**
 * The mapping editor's validation as codes, so every message is written for a supervisor and in their language
 * (`editorMessages` `v.*`) instead of a validator's wording ("Too small: expected string to have >=1
 * characters"). The draft is checked before it is sent, with the same limits as the server's profile schema; an
 * error the server still returns is mapped to the same codes by the field it names and, failing that, shown with
 * the server's own words as a detail.
 */

export type ValidationCode =
  | 'nameRequired'
  | 'nameTooLong'
  | 'descriptionTooLong'
  | 'settleNotNumber'
  | 'settleRange'
  | 'idleCodeMissing'
  | 'idleCodeUnavailable'
  | 'duplicateState'
  | 'tooManyRules'
  | 'syncMode'
  | 'nameTaken'
  | 'defaultUndeletable'
  | 'server';

export interface Problem {
  /** The input it belongs to (`name`, `settleDelayMs`, `rules[1].idleCodeId`), or '' for the whole form. */
  field: string;
  code: ValidationCode;
  params?: Record<string, string | number>;
}

/** The server's limits (server/mappings/profile-schema.ts); the settle delay is entered in seconds. */
export const LIMITS = { nameMax: 100, descriptionMax: 500, settleMinSeconds: 0, settleMaxSeconds: 600 } as const;
export const SYNC_MODES = ['off', 'teams-to-cc', 'cc-to-teams', 'both'] as const;

/** Problems of a draft before it is sent; `selectable` are the idle-code ids a supervisor may choose. */
export function validateDraft(d: Draft, selectable: ReadonlySet<string>): Problem[] {
  const out: Problem[] = [];
  if (d.name.trim() === '') out.push({ field: 'name', code: 'nameRequired' });
  else if (d.name.trim().length > LIMITS.nameMax) out.push({ field: 'name', code: 'nameTooLong', params: { max: LIMITS.nameMax } });
  if (d.description.length > LIMITS.descriptionMax) out.push({ field: 'description', code: 'descriptionTooLong', params: { max: LIMITS.descriptionMax } });
  const raw = d.settleDelaySeconds.trim().replace(',', '.');
  const seconds = raw === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(seconds)) out.push({ field: 'settleDelayMs', code: 'settleNotNumber' });
  else if (seconds < LIMITS.settleMinSeconds || seconds > LIMITS.settleMaxSeconds) {
    out.push({ field: 'settleDelayMs', code: 'settleRange', params: { min: LIMITS.settleMinSeconds, max: LIMITS.settleMaxSeconds } });
  }
  if (!(SYNC_MODES as readonly string[]).includes(d.syncMode)) out.push({ field: 'syncMode', code: 'syncMode' });
  if (d.rules.length > TEAMS_STATES.length) out.push({ field: 'rules', code: 'tooManyRules' });
  const seen = new Set<string>();
  d.rules.forEach((r, i) => {
    if (seen.has(r.teamsState)) out.push({ field: `rules[${i}].teamsState`, code: 'duplicateState', params: { rule: i } });
    seen.add(r.teamsState);
    if (r.idleCodeId === '') out.push({ field: `rules[${i}].idleCodeId`, code: 'idleCodeMissing', params: { rule: i } });
    else if (!selectable.has(r.idleCodeId)) out.push({ field: `rules[${i}].idleCodeId`, code: 'idleCodeUnavailable', params: { rule: i } });
  });
  return out;
}

export interface ServerError {
  code: string;
  message: string;
  field?: string;
  details?: { field: string; message: string }[];
}

/** `rules.1.idleCodeName` and `rules[1].idleCodeName` both name rule 1's idle-code select. */
function normalise(field: string): string {
  const f = field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  const rule = /^rules\[(\d+)\](?:\.(\w+))?/.exec(f);
  if (rule) return rule[2] === 'teamsState' ? `rules[${rule[1]}].teamsState` : `rules[${rule[1]}].idleCodeId`;
  return f === '(body)' ? '' : f;
}

function fromOne(field: string, message: string, draft: Draft): Problem {
  const f = normalise(field);
  const m = message.toLowerCase();
  const rule = /^rules\[(\d+)\]/.exec(f);
  const params = rule ? { rule: Number(rule[1]) } : undefined;
  const tooBig = /too big|<=|at most|too long/.test(m);
  switch (true) {
    case f === 'name':
      return tooBig ? { field: f, code: 'nameTooLong', params: { max: LIMITS.nameMax } } : /exist/.test(m) ? { field: f, code: 'nameTaken' } : { field: f, code: 'nameRequired' };
    case f === 'id':
      return { field: 'name', code: /exist/.test(m) ? 'nameTaken' : 'server', params: { detail: message } };
    case f === 'description':
      return { field: f, code: 'descriptionTooLong', params: { max: LIMITS.descriptionMax } };
    case f === 'settleDelayMs':
      return /expected number|nan|null|received|not a number|invalid input/.test(m) && !/too (big|small)|>=|<=/.test(m)
        ? { field: f, code: 'settleNotNumber' }
        : { field: f, code: 'settleRange', params: { min: LIMITS.settleMinSeconds, max: LIMITS.settleMaxSeconds } };
    case f === 'syncMode':
      return { field: f, code: 'syncMode' };
    case f === 'rules' && /only once/.test(m): {
      const seen = new Set<string>();
      const dup = draft.rules.findIndex((r) => (seen.has(r.teamsState) ? true : (seen.add(r.teamsState), false)));
      return dup >= 0 ? { field: `rules[${dup}].teamsState`, code: 'duplicateState', params: { rule: dup } } : { field: f, code: 'server', params: { detail: message } };
    }
    case f === 'rules' && tooBig:
      return { field: f, code: 'tooManyRules' };
    case !!rule && f.endsWith('.idleCodeId'):
      return /unknown|not found|does not exist|inactive|system|not selectable|not available|is named/.test(m)
        ? { field: f, code: 'idleCodeUnavailable', params }
        : { field: f, code: 'idleCodeMissing', params };
    case !!rule && f.endsWith('.teamsState'):
      return { field: f, code: 'duplicateState', params };
    case /default profile cannot be deleted/.test(m):
      return { field: '', code: 'defaultUndeletable' };
    case /already exists/.test(m):
      return { field: 'name', code: 'nameTaken' };
    default:
      return { field: f, code: 'server', params: { detail: f ? `${f}: ${message}` : message } };
  }
}

/** The server's answer to a save as problems at the editor's inputs, deduplicated per input. */
export function problemsFromServer(err: ServerError, draft: Draft): Problem[] {
  const raw = err.details && err.details.length > 0 ? err.details : [{ field: err.field ?? '', message: err.message }];
  const out: Problem[] = [];
  const fields = new Set<string>();
  for (const d of raw) {
    const p = fromOne(d.field, d.message, draft);
    if (p.field && fields.has(p.field)) continue;
    fields.add(p.field);
    out.push(p);
  }
  return out;
}
