import { html, nothing } from 'lit';
import type { IdleCodeDto } from '../server/gateway/contract.js';
import { selectableIdleCodes, SYNC_MODE_LABEL, TEAMS_STATE_LABEL, TEAMS_STATES, type Draft, type DraftRule } from './mapping-draft.js';

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
  const { fieldErrors: errors, handlers: h, draft } = p;
  const used = new Set(draft.rules.filter((_, j) => j !== i).map((r) => r.teamsState));
  const stateKey = `rules[${i}].teamsState`;
  const codeKey = `rules[${i}].idleCodeId`;
  const known = rule.idleCodeId === '' || codes.some((c) => c.id === rule.idleCodeId);
  const stateLabel = TEAMS_STATE_LABEL[rule.teamsState] ?? rule.teamsState;
  return html`<tr data-row=${i} data-testid="rule-row" @keydown=${rowKeydown(h, i)}>
    <td class="order">${i + 1}</td>
    <td>
      <select
        data-testid="rule-state"
        aria-label=${`Teams state of rule ${i + 1}`}
        aria-invalid=${invalid(errors, stateKey)}
        aria-describedby=${describedBy(errors, stateKey)}
        @change=${(e: Event) => h.editRule(i, { teamsState: value(e) })}
      >
        ${TEAMS_STATES.map((s) => html`<option value=${s} ?selected=${s === rule.teamsState} ?disabled=${used.has(s)}>${TEAMS_STATE_LABEL[s]}</option>`)}
      </select>
      ${fieldError(errors, stateKey)}
    </td>
    <td>
      <select
        data-testid="rule-idle-code"
        aria-label=${`Idle code while ${stateLabel}`}
        aria-invalid=${invalid(errors, codeKey)}
        aria-describedby=${describedBy(errors, codeKey)}
        @change=${(e: Event) => h.editRule(i, { idleCodeId: value(e), idleCodeName: undefined })}
      >
        <option value="" ?selected=${rule.idleCodeId === ''}>Choose an idle code…</option>
        ${codes.map((c) => html`<option value=${c.id} ?selected=${c.id === rule.idleCodeId}>${c.name}</option>`)}
        ${known ? nothing : html`<option value=${rule.idleCodeId} selected>${rule.idleCodeName ?? 'Unavailable idle code'} (not selectable)</option>`}
      </select>
      ${fieldError(errors, codeKey)}
    </td>
    <td class="actions">
      <button type="button" class="up" data-testid="rule-up" aria-label=${`Move ${stateLabel} up`} ?disabled=${i === 0} @click=${() => h.move(i, -1, 'up')}>↑</button>
      <button type="button" class="down" data-testid="rule-down" aria-label=${`Move ${stateLabel} down`} ?disabled=${i === draft.rules.length - 1} @click=${() => h.move(i, 1, 'down')}>↓</button>
      <button type="button" class="danger" data-testid="rule-remove" aria-label=${`Remove rule for ${stateLabel}`} @click=${() => h.remove(i)}>Remove</button>
    </td>
  </tr>`;
}

export function renderProfileForm(p: ProfileFormProps) {
  const { draft: d, fieldErrors: errors, handlers: h } = p;
  const codes = selectableIdleCodes(p.idleCodes);
  return html`<form data-testid="profile-form" novalidate @submit=${h.save} aria-label="Mapping profile">
    ${p.formErrors.length > 0
      ? html`<div class="error" role="alert" data-testid="form-errors">
          ${p.formErrors.map((m) => html`<p>${m}</p>`)}
        </div>`
      : nothing}
    <div class="fields">
      <label
        >Name
        <input data-testid="profile-name" .value=${d.name} aria-invalid=${invalid(errors, 'name')} aria-describedby=${describedBy(errors, 'name')} @input=${(e: Event) => h.edit({ name: value(e) })} />
        ${fieldError(errors, 'name')}
      </label>
      <label
        >Description
        <input data-testid="profile-description" .value=${d.description} aria-invalid=${invalid(errors, 'description')} aria-describedby=${describedBy(errors, 'description')} @input=${(e: Event) => h.edit({ description: value(e) })} />
        ${fieldError(errors, 'description')}
      </label>
    </div>
    <fieldset>
      <legend>Rules — the first Teams state that matches wins</legend>
      <p class="muted" id="rules-hint">Use ↑ and ↓ (or Alt+↑ / Alt+↓ in a row) to change precedence.</p>
      <table data-testid="rules" aria-describedby="rules-hint">
        <thead>
          <tr><th scope="col">#</th><th scope="col">Teams state</th><th scope="col">Idle code</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          ${d.rules.map((rule, i) => renderRule(p, codes, rule, i))}
        </tbody>
      </table>
      ${d.rules.length === 0 ? html`<p class="muted">No rules: Teams presence never changes the contact-center state.</p>` : nothing}
      ${fieldError(errors, 'rules')}
      <button type="button" data-testid="add-rule" ?disabled=${d.rules.length >= TEAMS_STATES.length} @click=${h.add}>Add rule</button>
    </fieldset>
    <div class="fields">
      <label
        >Settle delay (seconds)
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
        <span class="muted" id="settle-hint">How long Teams must stay free before the connector returns an agent to Available (0–600 s).</span>
        ${fieldError(errors, 'settleDelayMs')}
      </label>
      <label
        >Sync mode
        <select data-testid="sync-mode" aria-invalid=${invalid(errors, 'syncMode')} aria-describedby=${describedBy(errors, 'syncMode')} @change=${(e: Event) => h.edit({ syncMode: value(e) })}>
          ${Object.entries(SYNC_MODE_LABEL).map(([mode, label]) => html`<option value=${mode} ?selected=${mode === d.syncMode}>${label}</option>`)}
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
        Return agents the connector set idle to Available when sync stops
        ${fieldError(errors, 'releaseOnDisable')}
      </label>
    </div>
    <div class="save-row">
      <button type="submit" class="primary" data-testid="save" ?disabled=${p.busy}>${d.id ? 'Save' : 'Create profile'}</button>
      <span role="status" aria-live="polite" data-testid="save-status">${p.status}</span>
    </div>
  </form>`;
}
