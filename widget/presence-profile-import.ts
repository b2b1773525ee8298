import { LitElement, css, html, nothing } from 'lit';
import { ApiError, errorText, type ApiClient } from './api-client.js';
import type { ProfileDto } from '../server/gateway/contract.js';
import { baseStyles } from './theme-styles.js';

/**
 * Imports a mapping profile from a JSON file or pasted text with `POST /api/profiles/import` (rules may name idle
 * codes by name). Problems are listed with the path inside the imported document; on success the element fires
 * `profile-imported` with the new profile's id.
 */
export class PresenceProfileImport extends LitElement {
  static override properties = {
    api: { attribute: false },
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
  problems: string[] = [];
  status = '';
  busy = false;

  private async readFile(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    this.text = await file.text();
    this.problems = [];
    this.status = `Loaded ${file.name}; check it and press Import.`;
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.api) return;
    let body: unknown;
    try {
      body = JSON.parse(this.text);
    } catch (err) {
      this.problems = [`Not valid JSON: ${(err as Error).message}`];
      this.status = '';
      return;
    }
    this.busy = true;
    try {
      const saved = await this.api.post<ProfileDto>('/api/profiles/import', body);
      this.problems = [];
      this.status = `Imported “${saved?.name ?? 'profile'}”.`;
      this.text = '';
      this.dispatchEvent(new CustomEvent('profile-imported', { bubbles: true, composed: true, detail: { id: saved?.id } }));
    } catch (err) {
      this.status = '';
      if (err instanceof ApiError) {
        const fields = [...err.fieldErrors()].map(([field, message]) => `${field}: ${message}`);
        this.problems = fields.length > 0 ? fields : [err.message];
      } else {
        this.problems = [errorText(err)];
      }
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<form @submit=${this.submit} aria-label="Import profile">
      <label for="import-text">Profile JSON</label>
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
        <label>Or choose a file <input type="file" accept="application/json,.json" data-testid="import-file" @change=${this.readFile} /></label>
        <button type="submit" class="primary" data-testid="import-submit" ?disabled=${this.busy || this.text.trim() === ''}>Import</button>
        <span role="status" aria-live="polite" data-testid="import-status">${this.status}</span>
      </div>
      <div id="import-problems" role="alert">
        ${this.problems.length > 0
          ? html`<ul class="error" data-testid="import-error">
              ${this.problems.map((p) => html`<li>${p}</li>`)}
            </ul>`
          : nothing}
      </div>
    </form>`;
  }
}

if (!customElements.get('presence-profile-import')) {
  customElements.define('presence-profile-import', PresenceProfileImport);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-profile-import': PresenceProfileImport;
  }
}
