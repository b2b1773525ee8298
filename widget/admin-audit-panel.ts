import { LitElement, css, html, nothing } from 'lit';
import type { AdminAuditEntry } from '../server/gateway/contract.js';
import { ApiClient, errorText } from './api-client.js';
import { LocaleController } from './i18n/locale-controller.js';
import { IntervalController } from './interval-controller.js';
import { adminAuditMessages } from './messages/admin-audit-messages.js';
import { baseStyles, themeStyles } from './theme-styles.js';

interface PageDto {
  entries: AdminAuditEntry[];
  next: number | null;
}

const KNOWN = new Set(Object.keys(adminAuditMessages.source).filter((k) => k.startsWith('action.')).map((k) => k.slice('action.'.length)));

/** A value in one short line: what the API stored, compacted and cut at 160 characters. */
function brief(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const text = JSON.stringify(v);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/**
 * `<presence-admin-audit server-url token>` on the admin page: the administrative audit (GET /api/admin/audit-log),
 * newest first — when, who (the credential's name and role), the change in words, what it changed, and the value
 * before and after — with older pages on request.
 */
export class PresenceAdminAudit extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    locale: {},
    entries: { state: true },
    next: { state: true },
    error: { state: true },
  };

  static override styles = [
    themeStyles,
    baseStyles,
    css`
      .values { font-family: var(--mds-font-family-monospace, monospace); font-size: 0.85em; overflow-wrap: anywhere; }
    `,
  ];

  serverUrl = '';
  token = '';
  locale?: string;
  entries: AdminAuditEntry[] = [];
  next: number | null = null;
  error: string | null = null;

  private api = new ApiClient('', '');
  private readonly i18n = new LocaleController(this);
  private readonly refresher = new IntervalController(this, 15_000, () => this.load());

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('serverUrl') || changed.has('token')) this.api = new ApiClient(this.serverUrl, this.token);
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('serverUrl') || changed.has('token')) && this.token) void this.refresher.run();
  }

  /** The newest page (older pages already shown stay below it). */
  async load(): Promise<void> {
    if (!this.token) return;
    try {
      const page = await this.api.get<PageDto>('/api/admin/audit-log?limit=20');
      const seen = new Set(page.entries.map((e) => e.id));
      const older = this.entries.filter((e) => !seen.has(e.id) && e.id < (page.entries[page.entries.length - 1]?.id ?? Infinity));
      this.entries = [...page.entries, ...older];
      if (older.length === 0) this.next = page.next;
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async more(): Promise<void> {
    if (this.next === null) return;
    try {
      const page = await this.api.get<PageDto>(`/api/admin/audit-log?limit=20&before=${this.next}`);
      this.entries = [...this.entries, ...page.entries];
      this.next = page.next;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  override render() {
    if (!this.token) return nothing;
    const t = this.i18n.t(adminAuditMessages);
    const fmt = this.i18n.fmt;
    const action = (a: string): string => (KNOWN.has(a) ? t(`action.${a}` as 'action.key.create') : a);
    return html`<section aria-labelledby="admin-audit-h" data-testid="admin-audit" lang=${this.i18n.locale}>
      <h3 id="admin-audit-h">${t('title')}</h3>
      <p class="muted">${t('intro')}</p>
      ${this.error ? html`<p class="error" role="alert" data-testid="admin-audit-error">${this.error}</p>` : nothing}
      ${this.entries.length === 0
        ? html`<p class="muted" data-testid="admin-audit-empty">${t('empty')}</p>`
        : html`<table>
            <thead><tr><th scope="col">${t('when')}</th><th scope="col">${t('who')}</th><th scope="col">${t('what')}</th><th scope="col">${t('target')}</th><th scope="col">${t('values')}</th></tr></thead>
            <tbody>
              ${this.entries.map(
                (e) => html`<tr data-testid="admin-audit-entry" data-action=${e.action}>
                  <td>${fmt.dateTime(e.at)}</td>
                  <td>${t('actor', { name: e.actor, role: e.actorRole })}</td>
                  <td data-testid="admin-audit-action">${action(e.action)}</td>
                  <td>${e.target ?? t('none')}</td>
                  <td class="values">${brief(e.before) ?? t('none')} → ${brief(e.after) ?? t('none')}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      ${this.next !== null ? html`<button data-testid="admin-audit-more" @click=${() => void this.more()}>${t('more')}</button>` : nothing}
    </section>`;
  }
}

if (!customElements.get('presence-admin-audit')) {
  customElements.define('presence-admin-audit', PresenceAdminAudit);
}
