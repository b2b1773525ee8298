import { LitElement, css, html, nothing } from 'lit';
import { ApiClient, errorText } from './api-client.js';
import { LocaleController } from './i18n/locale-controller.js';
import { IntervalController } from './interval-controller.js';
import { serviceAccountMessages } from './messages/service-account-messages.js';
import { baseStyles, themeStyles } from './theme-styles.js';

interface AccountDto {
  username: string;
  state: 'signed-in' | 'sign-in-required' | 'never-signed-in';
  detail: string | null;
  signedInAt: number | null;
  renewedAt: number | null;
}

interface ListDto {
  mode: 'authorization-code' | null;
  redirectUri: string | null;
  accounts: AccountDto[];
}

const RESULT_PARAMS = ['serviceAccountSignIn', 'serviceAccount', 'serviceAccountError'] as const;

/**
 * `<presence-service-account-panel server-url token>` on the admin page: each delegated Graph service account of
 * subscribe mode with its state, "Sign in service account" (the browser goes to Microsoft's sign-in page and comes
 * back here with the outcome in the query string), and sign-out. Renders nothing when no account signs in
 * interactively (poll mode, or the password opt-in).
 */
export class PresenceServiceAccountPanel extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    locale: {},
    list: { state: true },
    error: { state: true },
    outcome: { state: true },
    busy: { state: true },
  };

  static override styles = [
    themeStyles,
    baseStyles,
    css`
      ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
      li { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; justify-content: space-between; border: 1px solid var(--tpc-border, #ccc); border-radius: 6px; padding: 8px; }
      .who { display: grid; gap: 2px; }
      .state-signed-in { color: var(--tpc-ok, #1a7f37); }
      .state-sign-in-required { color: var(--tpc-danger, #b3261e); font-weight: 600; }
    `,
  ];

  serverUrl = '';
  token = '';
  locale?: string;
  list: ListDto | null = null;
  error: string | null = null;
  outcome: { ok: boolean; text: string } | null = null;
  busy: string | null = null;

  private api = new ApiClient('', '');
  private readonly i18n = new LocaleController(this);
  private readonly refresher = new IntervalController(this, 5000, () => this.load());

  override connectedCallback(): void {
    super.connectedCallback();
    this.readOutcome();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('serverUrl') || changed.has('token')) this.api = new ApiClient(this.serverUrl, this.token);
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('serverUrl') || changed.has('token')) && this.token) void this.refresher.run();
  }

  /** The callback sent the browser back with the outcome: show it once and tidy the address bar. */
  private readOutcome(): void {
    const url = new URL(window.location.href);
    const result = url.searchParams.get('serviceAccountSignIn');
    if (!result) return;
    const t = this.i18n.t(serviceAccountMessages);
    const account = url.searchParams.get('serviceAccount') ?? '';
    this.outcome = result === 'ok' ? { ok: true, text: t('done', { account }) } : { ok: false, text: t('failed', { reason: url.searchParams.get('serviceAccountError') ?? '' }) };
    for (const p of RESULT_PARAMS) url.searchParams.delete(p);
    window.history.replaceState(window.history.state, '', url.toString());
  }

  async load(): Promise<void> {
    if (!this.token) return;
    try {
      this.list = await this.api.get<ListDto>('/api/admin/service-accounts');
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private async signIn(username: string): Promise<void> {
    this.busy = username;
    try {
      const back = new URL(window.location.href);
      for (const p of RESULT_PARAMS) back.searchParams.delete(p);
      const path = `/api/admin/service-accounts/${encodeURIComponent(username)}/sign-in?returnTo=${encodeURIComponent(back.toString())}`;
      const started = await this.api.post<{ authorizeUrl: string }>(path);
      this.outcome = { ok: true, text: this.i18n.t(serviceAccountMessages)('redirecting') };
      window.location.assign(started.authorizeUrl);
    } catch (err) {
      this.error = errorText(err);
      this.busy = null;
    }
  }

  private async signOut(username: string): Promise<void> {
    this.busy = username;
    try {
      await this.api.request('DELETE', `/api/admin/service-accounts/${encodeURIComponent(username)}/sign-in`);
      this.error = null;
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.busy = null;
    }
    await this.refresher.run();
  }

  override render() {
    const list = this.list;
    if (!list || list.mode === null) return this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing;
    const t = this.i18n.t(serviceAccountMessages);
    const fmt = this.i18n.fmt;
    return html`<section aria-labelledby="sa-h" data-testid="service-accounts">
      <h3 id="sa-h">${t('title')}</h3>
      <p class="muted">${t('intro')}</p>
      <div role="status" aria-live="polite">
        ${this.outcome ? html`<p class=${this.outcome.ok ? 'notice' : 'error'} data-testid="sa-outcome" data-ok=${String(this.outcome.ok)}>${this.outcome.text}</p>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert" data-testid="sa-error">${this.error}</p>` : nothing}
      <ul>
        ${list.accounts.map(
          (a) => html`<li data-testid="sa-account" data-username=${a.username} data-state=${a.state}>
            <span class="who">
              <strong>${a.username}</strong>
              <span class="state-${a.state}" data-testid="sa-state">${t(`state.${a.state}`)}</span>
              ${a.signedInAt ? html`<span class="muted">${t('signedInAt', { time: fmt.dateTime(a.signedInAt) })}${a.renewedAt && a.renewedAt !== a.signedInAt ? ` · ${t('renewedAt', { time: fmt.dateTime(a.renewedAt) })}` : ''}</span>` : nothing}
              ${a.state === 'sign-in-required' && a.detail ? html`<span class="muted" data-testid="sa-reason">${t('reason', { reason: a.detail })}</span>` : nothing}
            </span>
            <span class="row">
              <button class="primary" data-testid="sa-sign-in" ?disabled=${this.busy !== null} @click=${() => void this.signIn(a.username)}>${a.state === 'signed-in' ? t('signInAgain') : t('signIn')}</button>
              ${a.state !== 'never-signed-in' ? html`<button data-testid="sa-sign-out" ?disabled=${this.busy !== null} @click=${() => void this.signOut(a.username)}>${t('signOut')}</button>` : nothing}
            </span>
          </li>`,
        )}
      </ul>
    </section>`;
  }
}

if (!customElements.get('presence-service-account-panel')) {
  customElements.define('presence-service-account-panel', PresenceServiceAccountPanel);
}
