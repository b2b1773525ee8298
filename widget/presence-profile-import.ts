import { LitElement, css, html, nothing } from 'lit';
import type { ProfileDto } from '../server/gateway/contract.js';
import { ApiError, type ApiClient } from './api-client.js';
import { LocaleController } from './i18n/locale-controller.js';
import { problemText } from './mapping-problem-text.js';
import { ruleStateLabel } from './mapping-profile-form.js';
import { emptyDraft } from './mapping-draft.js';
import { problemsFromServer, type Problem as FieldProblem } from './mapping-validation.js';
import { commonMessages } from './messages/common-messages.js';
import { editorMessages } from './messages/editor-messages.js';
import { baseStyles } from './theme-styles.js';

/**
 * Imports a mapping profile from a JSON file or pasted text with `POST /api/profiles/import` (rules may name idle
 * codes by name). Problems are listed with the path inside the imported document; on success the element fires
 * `profile-imported` with the new profile's id.
 */
export class PresenceProfileImport extends LitElement {
  static override properties = {
    api: { attribute: false },
    locale: {},
    text: { state: true },
    problems: { state: true },
    status: { state: true },
    busy: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      textarea {
        width: 100%;
        min-height: 120px;
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
        margin-top: 6px;
      }
    `,
  ];

  api: ApiClient | null = null;
  text = '';
  /** Problems with the file: the server's field path and words (the path names a place in the imported JSON). */
  problems: Problem[] = [];
  status: { key: 'loaded'; file: string } | { key: 'done'; name: string } | null = null;
  locale = '';
  private readonly i18n = new LocaleController(this);
  /** The last file sent, to name a rule's Teams state in its problem. */
  private body: unknown = null;
  busy = false;

  private async readFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    this.text = await file.text();
    this.problems = [];
    this.status = { key: 'loaded', file: file.name };
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.api) return;
    let body: unknown;
    try {
      body = JSON.parse(this.text);
    } catch (err) {
      this.problems = [{ kind: 'json', detail: (err as Error).message }];
      this.status = null;
      return;
    }
    this.busy = true;
    this.body = body;
    try {
      const saved = await this.api.post<ProfileDto>('/api/profiles/import', body);
      this.problems = [];
      this.status = { key: 'done', name: saved?.name ?? '' };
      this.text = '';
      this.dispatchEvent(new CustomEvent('profile-imported', { bubbles: true, composed: true, detail: { id: saved?.id } }));
    } catch (err) {
      this.status = null;
      if (err instanceof ApiError) {
        // The same words as the editor's, prefixed by where in the file the problem is.
        const raw = err.details.length > 0 ? err.details : err.field ? [{ field: err.field, message: err.message }] : [];
        const fields: Problem[] = raw.map((d) => ({
          kind: 'field',
          field: d.field,
          problem: problemsFromServer({ code: err.code, message: d.message, details: [d] }, emptyDraft())[0]!,
        }));
        this.problems = fields.length > 0 ? fields : [{ kind: 'error', code: err.code, detail: err.message }];
      } else {
        this.problems = [{ kind: 'error', code: 'network', detail: String(err) }];
      }
    } finally {
      this.busy = false;
    }
  }

  private problemText(p: Problem): string {
    const t = this.i18n.t(editorMessages);
    if (p.kind === 'json') return t('import.notJson', { detail: p.detail });
    if (p.kind === 'field') {
      // A rule's problem names its Teams state as the imported file gives it.
      const i = /^rules[.[](\d+)/.exec(p.field)?.[1];
      const rules = (this.body as { rules?: { teamsState?: unknown }[] } | null)?.rules;
      const state = i !== undefined && Array.isArray(rules) ? String(rules[Number(i)]?.teamsState ?? '') : '';
      const text = problemText(p.problem, t, state ? ruleStateLabel(t, state) : p.field);
      return p.field ? t('import.field', { field: p.field, problem: text }) : text;
    }
    const table = commonMessages.tables[this.i18n.locale] as Record<string, string>;
    return table[`error.${p.code}`] ? `${table[`error.${p.code}`]} (${p.detail})` : p.detail;
  }

  override render() {
    const t = this.i18n.t(editorMessages);
    const status = !this.status ? '' : this.status.key === 'loaded' ? t('import.loaded', { file: this.status.file }) : t('import.done', { name: this.status.name });
    return html`<form @submit=${this.submit} aria-label=${t('import.label')}>
      <label for="import-text">${t('import.json')}</label>
      <textarea
        id="import-text"
        data-testid="import-text"
        spellcheck="false"
        aria-invalid=${this.problems.length > 0 ? 'true' : 'false'}
        aria-describedby="import-problems"
        .value=${this.text}
        @input=${(e: Event) => (this.text = (e.target as HTMLTextAreaElement).value)}
      ></textarea>
      <div class="row">
        <label>${t('import.file')} <input type="file" accept="application/json,.json" data-testid="import-file" @change=${this.readFile} /></label>
        <button type="submit" class="primary" data-testid="import-submit" ?disabled=${this.busy || this.text.trim() === ''}>${t('import.submit')}</button>
        <span role="status" aria-live="polite" data-testid="import-status">${status}</span>
      </div>
      <div id="import-problems" role="alert">
        ${this.problems.length > 0
          ? html`<ul class="error" data-testid="import-error">
              ${this.problems.map((p) => html`<li>${this.problemText(p)}</li>`)}
            </ul>`
          : nothing}
      </div>
    </form>`;
  }
}

/** A problem with an imported file; a field problem keeps the server's words, since it names a place in the file. */
type Problem = { kind: 'json'; detail: string } | { kind: 'field'; field: string; problem: FieldProblem } | { kind: 'error'; code: string; detail: string };

if (!customElements.get('presence-profile-import')) {
  customElements.define('presence-profile-import', PresenceProfileImport);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-profile-import': PresenceProfileImport;
  }
}
