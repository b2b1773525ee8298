import { html, nothing } from 'lit';
import type { IdleCodeDto } from '../server/gateway/contract.js';
import type { MessagesOf, Translator } from './i18n/i18n.js';
import { selectableIdleCodes, TEAMS_STATES, type Draft, type DraftRule } from './mapping-draft.js';
import { SYNC_MODES } from './mapping-validation.js';
import type { editorMessages } from './messages/editor-messages.js';

export type EditorT = Translator<MessagesOf<typeof editorMessages>>;

/** A rule's Teams state in the supervisor's words. */
export const ruleStateLabel = (t: EditorT, state: string): string =>
  (TEAMS_STATES as readonly string[]).includes(state) ? t(`rule.${state as (typeof TEAMS_STATES)[number]}`) : state;

/**
 * The profile form of `<presence-mapping-editor>` as a pure template: the editor owns the state and passes
 * handlers. Each input that the server can reject carries `aria-invalid` and points with `aria-describedby` at
 * its message, which is rendered right next to it.
 */

export interface ProfileFormHandlers {
  edit(patch: Partial<Draft>): void;
  editRule(index: number, patch: Partial<DraftRule>): void;
  /** Moves a rule and returns focus to the button of class `focusClass` in its new row. */
  move(index: number, delta: number, focusClass: string): void;
  remove(index: number): void;
  add(): void;
  save(e: Event): void;
}

export interface ProfileFormProps {
  draft: Draft;
  idleCodes: IdleCodeDto[];
  fieldErrors: Map<string, string>;
  formErrors: string[];
  status: string;
  busy: boolean;
  handlers: ProfileFormHandlers;
  t: EditorT;
}

const errorId = (key: string): string => `err-${key.replace(/[^a-zA-Z0-9]+/g, '-')}`;

function fieldError(errors: Map<string, string>, key: string) {
  const message = errors.get(key);
  return message ? html`<span class="field-error" id=${errorId(key)} data-testid="field-error" data-field=${key}>${message}</span>` : nothing;
}

const invalid = (errors: Map<string, string>, key: string): 'true' | 'false' => (errors.has(key) ? 'true' : 'false');
const describedBy = (errors: Map<string, string>, key: string, hint?: string): string =>
  [errors.has(key) ? errorId(key) : '', hint ?? ''].filter(Boolean).join(' ');

const value = (e: Event): string => (e.target as HTMLInputElement | HTMLSelectElement).value;

/** Alt+↑ / Alt+↓ anywhere in a rule row reorders it, as the up/down buttons do. */
function rowKeydown(h: ProfileFormHandlers, index: number) {
  return (e: KeyboardEvent): void => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    h.move(index, e.key === 'ArrowUp' ? -1 : 1, e.key === 'ArrowUp' ? 'up' : 'down');
  };
}

function renderRule(p: ProfileFormProps, codes: IdleCodeDto[], rule: DraftRule, i: number) {
  const { fieldErrors: errors, handlers: h, draft, t } = p;
  const used = new Set(draft.rules.filter((_, j) => j !== i).map((r) => r.teamsState));
  const stateKey = `rules[${i}].teamsState`;
  const codeKey = `rules[${i}].idleCodeId`;
  const known = rule.idleCodeId === '' || codes.some((c) => c.id === rule.idleCodeId);
  const stateLabel = ruleStateLabel(t, rule.teamsState);
  return html`<tr data-row=${i} data-testid="rule-row" @keydown=${rowKeydown(h, i)}>
    <td class="order">${i + 1}</td>
    <td>
      <select
        data-testid="rule-state"
        aria-label=${t('ruleState', { n: i + 1 })}
        aria-invalid=${invalid(errors, stateKey)}
        aria-describedby=${describedBy(errors, stateKey)}
        @change=${(e: Event) => h.editRule(i, { teamsState: value(e) })}
      >
        ${TEAMS_STATES.map((s) => html`<option value=${s} ?selected=${s === rule.teamsState} ?disabled=${used.has(s)}>${ruleStateLabel(t, s)}</option>`)}
      </select>
      ${fieldError(errors, stateKey)}
    </td>
    <td>
      <select
        data-testid="rule-idle-code"
        aria-label=${t('ruleIdle', { state: stateLabel })}
        aria-invalid=${invalid(errors, codeKey)}
        aria-describedby=${describedBy(errors, codeKey)}
        @change=${(e: Event) => h.editRule(i, { idleCodeId: value(e), idleCodeName: undefined })}
      >
        <option value="" ?selected=${rule.idleCodeId === ''}>${t('chooseIdle')}</option>
        ${codes.map((c) => html`<option value=${c.id} ?selected=${c.id === rule.idleCodeId}>${c.name}</option>`)}
        ${known ? nothing : html`<option value=${rule.idleCodeId} selected>${t('notSelectable', { name: rule.idleCodeName ?? t('unavailableIdle') })}</option>`}
      </select>
      ${fieldError(errors, codeKey)}
    </td>
    <td class="actions">
      <button type="button" class="up" data-testid="rule-up" aria-label=${t('moveUp', { state: stateLabel })} ?disabled=${i === 0} @click=${() => h.move(i, -1, 'up')}>↑</button>
      <button type="button" class="down" data-testid="rule-down" aria-label=${t('moveDown', { state: stateLabel })} ?disabled=${i === draft.rules.length - 1} @click=${() => h.move(i, 1, 'down')}>↓</button>
      <button type="button" class="danger" data-testid="rule-remove" aria-label=${t('removeRule', { state: stateLabel })} @click=${() => h.remove(i)}>${t('remove')}</button>
    </td>
  </tr>`;
}

export function renderProfileForm(p: ProfileFormProps) {
  const { draft: d, fieldErrors: errors, handlers: h, t } = p;
  const codes = selectableIdleCodes(p.idleCodes);
  return html`<form data-testid="profile-form" novalidate @submit=${h.save} aria-label=${t('formLabel')}>
    ${p.formErrors.length > 0
      ? html`<div class="error" role="alert" data-testid="form-errors">
          ${p.formErrors.map((m) => html`<p>${m}</p>`)}
        </div>`
      : nothing}
    <div class="fields">
      <label
        >${t('name')}
        <input data-testid="profile-name" .value=${d.name} aria-invalid=${invalid(errors, 'name')} aria-describedby=${describedBy(errors, 'name')} @input=${(e: Event) => h.edit({ name: value(e) })} />
        ${fieldError(errors, 'name')}
      </label>
      <label
        >${t('description')}
        <input data-testid="profile-description" .value=${d.description} aria-invalid=${invalid(errors, 'description')} aria-describedby=${describedBy(errors, 'description')} @input=${(e: Event) => h.edit({ description: value(e) })} />
        ${fieldError(errors, 'description')}
      </label>
    </div>
    <fieldset>
      <legend>${t('rulesLegend')}</legend>
      <p class="muted" id="rules-hint">${t('rulesHint')}</p>
      <table data-testid="rules" aria-describedby="rules-hint">
        <thead>
          <tr><th scope="col">#</th><th scope="col">${t('colState')}</th><th scope="col">${t('colIdle')}</th><th scope="col"><span class="visually-hidden">${t('colActions')}</span></th></tr>
        </thead>
        <tbody>
          ${d.rules.map((rule, i) => renderRule(p, codes, rule, i))}
        </tbody>
      </table>
      ${d.rules.length === 0 ? html`<p class="muted">${t('noRules')}</p>` : nothing}
      ${fieldError(errors, 'rules')}
      <button type="button" data-testid="add-rule" ?disabled=${d.rules.length >= TEAMS_STATES.length} @click=${h.add}>${t('addRule')}</button>
    </fieldset>
    <div class="fields">
      <label
        >${t('settle')}
        <input
          data-testid="settle-delay"
          type="number"
          min="0"
          max="600"
          step="0.5"
          inputmode="decimal"
          .value=${d.settleDelaySeconds}
          aria-invalid=${invalid(errors, 'settleDelayMs')}
          aria-describedby=${describedBy(errors, 'settleDelayMs', 'settle-hint')}
          @input=${(e: Event) => h.edit({ settleDelaySeconds: value(e) })}
        />
        <span class="muted" id="settle-hint">${t('settleHint')}</span>
        ${fieldError(errors, 'settleDelayMs')}
      </label>
      <label
        >${t('syncMode')}
        <select data-testid="sync-mode" aria-invalid=${invalid(errors, 'syncMode')} aria-describedby=${describedBy(errors, 'syncMode')} @change=${(e: Event) => h.edit({ syncMode: value(e) })}>
          ${SYNC_MODES.map((mode) => html`<option value=${mode} ?selected=${mode === d.syncMode}>${t(`mode.${mode}`)}</option>`)}
        </select>
        ${fieldError(errors, 'syncMode')}
      </label>
      <label class="check">
        <input
          type="checkbox"
          data-testid="release-on-disable"
          .checked=${d.releaseOnDisable}
          aria-invalid=${invalid(errors, 'releaseOnDisable')}
          @change=${(e: Event) => h.edit({ releaseOnDisable: (e.target as HTMLInputElement).checked })}
        />
        ${t('release')}
        ${fieldError(errors, 'releaseOnDisable')}
      </label>
    </div>
    <div class="save-row">
      <button type="submit" class="primary" data-testid="save" ?disabled=${p.busy}>${d.id ? t('save') : t('create')}</button>
      <span role="status" aria-live="polite" data-testid="save-status">${p.status}</span>
    </div>
  </form>`;
}
