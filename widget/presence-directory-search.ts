import { LitElement, css, html, nothing } from 'lit';
import type { Ack, DirectoryEntryView } from '../server/gateway/contract.js';
import { presenceTone } from './format.js';
import { LocaleController } from './i18n/locale-controller.js';
import { teamsStateText } from './i18n/reason-text.js';
import { agentMessages } from './messages/agent-widget-messages.js';
import { commonMessages } from './messages/common-messages.js';
import { baseStyles } from './theme-styles.js';

export type DirectorySearch = (query: string) => Promise<Ack<DirectoryEntryView[]>>;

/**
 * Colleague (subject-matter expert) search inside the agent widget: a debounced search box and the matches with
 * their live Teams presence and a `tel:` link. The host supplies `.search`; this element only formats. It uses the
 * theme variables of the component that contains it.
 */
export class PresenceDirectorySearch extends LitElement {
  static override properties = {
    search: { attribute: false },
    locale: {},
    debounceMs: { type: Number, attribute: 'debounce-ms' },
    query: { state: true },
    results: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      label {
        display: block;
        font-weight: 600;
        margin-bottom: 4px;
      }
      input {
        width: 100%;
      }
      ul {
        list-style: none;
        margin: 6px 0 0;
        padding: 0;
        max-height: 280px;
        overflow-y: auto;
      }
      li {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 2px 8px;
        align-items: center;
        padding: 6px 4px;
        border-bottom: 1px solid var(--tpc-surface);
      }
      .name {
        font-weight: 600;
      }
      .meta {
        grid-column: 2 / 4;
        font-size: 0.9em;
      }
      a {
        color: var(--tpc-accent);
      }
    `,
  ];

  search: DirectorySearch | null = null;
  /** The host widget passes its language; otherwise the nearest `lang` or the browser's applies. */
  locale = '';
  private readonly i18n = new LocaleController(this);
  debounceMs = 300;
  query = '';
  results: DirectoryEntryView[] | null = null;
  /** The failed search as an error code with the server's words as a fallback. */
  error: { code: string; message: string } | null = null;
  busy = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers can arrive out of order; only the newest query's answer is shown. */
  private seq = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private onInput(e: Event): void {
    this.query = (e.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), this.debounceMs);
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Enter') {
      clearTimeout(this.timer);
      void this.run();
    }
  }

  private async run(): Promise<void> {
    const query = this.query.trim();
    const seq = ++this.seq;
    if (query.length < 2 || !this.search) {
      this.results = null;
      this.error = null;
      this.busy = false;
      return;
    }
    this.busy = true;
    const res = await this.search(query);
    if (seq !== this.seq) return;
    this.busy = false;
    if (res.ok) {
      this.results = res.data;
      this.error = null;
    } else {
      this.results = null;
      this.error = res.error;
    }
  }

  private summary(): string {
    const t = this.i18n.t(agentMessages);
    if (this.busy) return t('dir.searching');
    if (this.error || !this.results) return '';
    const n = this.results.length;
    return n === 0 ? t('dir.none') : t('dir.found', { count: n });
  }

  private errorText(): string {
    const table = commonMessages.tables[this.i18n.locale] as Record<string, string>;
    return this.error ? (table[`error.${this.error.code}`] ?? (this.error.message || table['error.other'])) : '';
  }

  override render() {
    const t = this.i18n.t(agentMessages);
    return html`
      <label for="q">${t('dir.label')}</label>
      <input
        id="q"
        data-testid="directory-search"
        type="search"
        autocomplete="off"
        placeholder=${t('dir.placeholder')}
        .value=${this.query}
        @input=${this.onInput}
        @keydown=${this.onKeydown}
      />
      <div class="muted" role="status" aria-live="polite" data-testid="directory-status">${this.summary()}</div>
      ${this.error ? html`<div class="error" role="alert" data-testid="directory-error">${this.errorText()}</div>` : nothing}
      ${this.results && this.results.length > 0
        ? html`<ul data-testid="directory-results" aria-label=${t('dir.results')}>
            ${this.results.map((entry) => this.renderEntry(entry))}
          </ul>`
        : nothing}
    `;
  }

  private renderEntry(entry: DirectoryEntryView) {
    const t = this.i18n.t(agentMessages);
    const tone = presenceTone(entry.presence);
    const label = teamsStateText(this.i18n.locale, entry.presence?.teamsState ?? null);
    const meta = [entry.jobTitle, entry.department].filter(Boolean).join(' · ');
    return html`<li data-testid="directory-entry" data-user-id=${entry.id}>
      <span class="dot tone-${tone}" aria-hidden="true"></span>
      <span><span class="name">${entry.displayName}</span> <span class="muted" data-testid="directory-presence">${label}</span></span>
      <a href=${`tel:${entry.phone}`} aria-label=${t('dir.call', { name: entry.displayName, phone: entry.phone })}>${entry.phone}</a>
      ${meta ? html`<span class="meta muted">${meta}</span>` : nothing}
    </li>`;
  }
}

if (!customElements.get('presence-directory-search')) {
  customElements.define('presence-directory-search', PresenceDirectorySearch);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-directory-search': PresenceDirectorySearch;
  }
}
