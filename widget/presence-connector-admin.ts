import { LitElement, html, nothing } from 'lit';
import type { AdminStatus, AdminTeamDto, Lifecycle } from '../server/gateway/contract.js';
import { isAdminStatus } from './admin-status.js';
import { ApiClient, ApiError } from './api-client.js';
import { ConnectionController } from './connection-controller.js';
import { budgetOf, isolatedOf, renderBudget, renderIsolated, renderStorage, storageOf, storagePaths } from './connector-admin-delivery-sections.js';
import type { Ctx } from './connector-admin-format.js';
import { otherFields, renderOther, renderPermissions, renderTeamSync, renderUnmatched } from './connector-admin-sections.js';
import { adminStyles } from './connector-admin-styles.js';
import { credentialOf, credentialPaths, readinessOf, renderCredential, renderHealth, renderReadiness } from './connector-admin-upstream-sections.js';
import { LocaleController } from './i18n/locale-controller.js';
import { IntervalController } from './interval-controller.js';
import { adminMessages } from './messages/admin-messages.js';
import { commonMessages } from './messages/common-messages.js';
import './admin-audit-panel.js';
import './service-account-panel.js';
import { baseStyles, themeStyles } from './theme-styles.js';

type AdminAction = 'activate' | 'deactivate' | 'reactivate' | 'delete';

interface ActionSpec {
  /** Lifecycle states in which the server accepts the action. */
  allowedIn: Lifecycle[];
  method: 'POST' | 'DELETE';
  path: string;
  danger?: boolean;
}

const ACTIONS: Record<AdminAction, ActionSpec> = {
  activate: {
    allowedIn: ['unconfigured'],
    method: 'POST',
    path: '/api/admin/activate',
  },
  deactivate: {
    allowedIn: ['active'],
    method: 'POST',
    path: '/api/admin/deactivate',
  },
  reactivate: {
    allowedIn: ['inactive'],
    method: 'POST',
    path: '/api/admin/reactivate',
  },
  delete: {
    allowedIn: ['inactive'],
    method: 'DELETE',
    path: '/api/admin/connector',
    danger: true,
  },
};

const DELETE_WORD = 'DELETE';

/**
 * `<presence-connector-admin server-url token theme locale>`: connector lifecycle, health, the services it depends
 * on, the contact-center request budget, permissions, unmatched agents, Teams users left out of subscriptions, the
 * service accounts, team sync and any further status field, in the reader's language. Refreshes every 5 seconds
 * and after each action, and takes `connector:status` pushes when its socket is connected. Every lifecycle action
 * waits for confirmation in a dialog; deleting requires typing DELETE.
 */
export class PresenceConnectorAdmin extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    theme: { reflect: true },
    locale: {},
    timeZone: { attribute: 'time-zone' },
    status: { state: true },
    teams: { state: true },
    loadError: { state: true },
    actionError: { state: true },
    actionResult: { state: true },
    confirming: { state: true },
    typed: { state: true },
    busy: { state: true },
    busyTeam: { state: true },
  };

  static override styles = [themeStyles, baseStyles, adminStyles];

  serverUrl = '';
  token = '';
  theme = 'auto';
  locale = '';
  timeZone = '';
  status: AdminStatus | null = null;
  teams: AdminTeamDto[] = [];
  /** Failures as error codes with the server's words as a fallback; rendered in the reader's language. */
  loadError: Failure | null = null;
  actionError: (Failure & { team?: string }) | null = null;
  actionResult: { action: AdminAction } | null = null;
  confirming: AdminAction | null = null;
  typed = '';
  busy = false;
  busyTeam: string | null = null;

  private api = new ApiClient('', '');
  private readonly i18n = new LocaleController(this);
  private readonly refresher = new IntervalController(this, 5000, () => this.load());
  private readonly connection = new ConnectionController(this, {
    serverUrl: () => this.serverUrl,
    token: () => this.token,
    onConnect: async () => {
      const res = await this.connection.request('admin:status');
      if (res.ok && isAdminStatus(res.data)) this.status = res.data;
    },
    listeners: {
      'connector:status': (s) => {
        if (isAdminStatus(s)) this.status = s;
      },
    },
  });

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('serverUrl') || changed.has('token')) this.api = new ApiClient(this.serverUrl, this.token);
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('serverUrl') || changed.has('token')) && this.isConnected) {
      this.connection.configure();
      if (this.token) void this.refresher.run();
    }
  }

  async load(): Promise<void> {
    if (!this.token) return;
    try {
      const [status, teams] = await Promise.all([
        this.api.get<unknown>('/api/admin/status'),
        this.api.get<AdminTeamDto[]>('/api/admin/teams').catch(() => this.teams),
      ]);
      if (isAdminStatus(status)) this.status = status;
      this.teams = Array.isArray(teams) ? teams : [];
      this.loadError = null;
    } catch (err) {
      this.loadError = failure(err);
    }
  }

  private ask(action: AdminAction): void {
    this.confirming = action;
    this.typed = '';
    this.actionError = null;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.showModal());
  }

  private closeDialog(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog')?.close();
    this.confirming = null;
  }

  private async confirmAction(e: Event): Promise<void> {
    e.preventDefault();
    const action = this.confirming;
    if (!action || (action === 'delete' && this.typed !== DELETE_WORD)) return;
    const spec = ACTIONS[action];
    this.closeDialog();
    this.busy = true;
    try {
      const body = await this.api.request<unknown>(spec.method, spec.path, spec.method === 'POST' ? {} : undefined);
      this.actionError = null;
      this.actionResult = { action };
      if (isAdminStatus(body)) this.status = body;
    } catch (err) {
      this.actionResult = null;
      this.actionError = failure(err);
    } finally {
      this.busy = false;
    }
    await this.refresher.run();
  }

  private toggleTeam = async (team: AdminTeamDto, enabled: boolean): Promise<void> => {
    this.busyTeam = team.id;
    try {
      await this.api.put(`/api/admin/teams/${encodeURIComponent(team.id)}/sync`, { enabled });
      this.actionError = null;
    } catch (err) {
      this.actionError = { ...failure(err), team: team.name };
    } finally {
      this.busyTeam = null;
    }
    await this.refresher.run();
  };

  private failureText(f: Failure): string {
    const table = commonMessages.tables[this.i18n.locale] as Record<string, string>;
    return table[`error.${f.code}`] ?? (f.message || table['error.other']);
  }

  override render() {
    const t = this.i18n.t(adminMessages);
    const c: Ctx = { t, fmt: this.i18n.fmt, now: this.refresher.now };
    const s = this.status;
    const lifecycle = s?.lifecycle ?? 'unconfigured';
    const readiness = s ? readinessOf(s) : null;
    const budget = s ? budgetOf(s) : null;
    const isolated = s ? isolatedOf(s) : null;
    const credential = s ? credentialOf(s) : null;
    const storage = s ? storageOf(s) : null;
    const other = s
      ? otherFields(s, [budget?.path ?? '', isolated?.path ?? '', ...(credential ? credentialPaths(credential.path) : []), ...(storage ? storagePaths(storage.path) : [])])
      : [];
    const live = this.connection.status;
    return html`<div lang=${this.i18n.locale}>
      <div class="head">
        <h2>${t('title')}</h2>
        ${s ? html`<span class="badge" data-testid="lifecycle" data-lifecycle=${lifecycle} role="status">${t(`lifecycle.${lifecycle}`)}</span>` : nothing}
        <span class="dot ${this.connection.connected ? 'tone-available' : 'tone-offline'}" data-testid="connection" data-status=${live} role="img" aria-label=${t(`live.${live}`)} title=${t(`live.${live}`)}></span>
      </div>
      ${this.loadError ? html`<p class="error" role="alert" data-testid="load-error">${this.failureText(this.loadError)}</p>` : nothing}
      <div class="actions" role="group" aria-label=${t('lifecycleGroup')}>
        ${(Object.keys(ACTIONS) as AdminAction[]).map((a) => {
          const spec = ACTIONS[a];
          const enabled = s !== null && spec.allowedIn.includes(lifecycle) && !this.busy;
          return html`<button class=${spec.danger ? 'danger' : 'primary'} data-testid=${`action-${a}`} ?disabled=${!enabled} @click=${() => this.ask(a)}>${t(`action.${a}`)}</button>`;
        })}
      </div>
      ${lifecycle === 'active' ? html`<p class="muted">${t('deactivateFirst')}</p>` : nothing}
      <div role="status" aria-live="polite">
        ${this.actionResult
          ? html`<p class="notice" data-testid="action-result">${this.actionResult.action === 'delete' ? t('deleted') : t('done', { action: t(`action.${this.actionResult.action}`) })}</p>`
          : nothing}
      </div>
      ${this.actionError
        ? html`<p class="error" role="alert" data-testid="action-error">${this.actionError.team ? `${this.actionError.team}: ` : ''}${this.failureText(this.actionError)}</p>`
        : nothing}
      ${readiness?.degraded && readiness.summary ? html`<p class="notice" role="status" data-testid="degraded-notice">${t('degradedNotice', { error: readiness.summary })}</p>` : nothing}
      ${s?.health?.presenceStale ? html`<p class="notice" data-testid="stale-notice">${t('staleNotice')}</p>` : nothing}
      ${s
        ? html`<section aria-labelledby="health-h"><h3 id="health-h">${t('section.health')}</h3>${renderHealth(s, c)}</section>
            ${readiness ? html`<section aria-labelledby="ready-h"><h3 id="ready-h">${t('section.readiness')}</h3>${renderReadiness(readiness, c)}</section>` : nothing}
            ${storage ? html`<section aria-labelledby="storage-h"><h3 id="storage-h">${t('section.storage')}</h3>${renderStorage(storage.value, c)}</section>` : nothing}
            ${credential ? html`<section aria-labelledby="cred-h"><h3 id="cred-h">${t('section.credential')}</h3>${renderCredential(credential.value, c, this.teams)}</section>` : nothing}
            ${budget ? html`<section aria-labelledby="budget-h"><h3 id="budget-h">${t('section.scheduler')}</h3>${renderBudget(budget.value, c)}</section>` : nothing}
            <section aria-labelledby="perm-h"><h3 id="perm-h">${t('section.permissions')}</h3>${renderPermissions(s, c)}</section>
            <section aria-labelledby="unmatched-h"><h3 id="unmatched-h">${t('section.unmatched')}</h3>${renderUnmatched(s, c)}</section>
            ${isolated ? html`<section aria-labelledby="isolated-h"><h3 id="isolated-h">${t('section.isolated')}</h3>${renderIsolated(isolated.value, c)}</section>` : nothing}`
        : html`<p class="muted">${this.token ? t('loading') : t('noToken')}</p>`}
      <presence-service-account-panel .serverUrl=${this.serverUrl} .token=${this.token} .locale=${this.i18n.locale}></presence-service-account-panel>
      <section aria-labelledby="teams-h">
        <h3 id="teams-h">${t('section.teams')}</h3>
        ${renderTeamSync(this.teams, this.busyTeam, (team, on) => void this.toggleTeam(team, on), c)}
      </section>
      <presence-admin-audit .serverUrl=${this.serverUrl} .token=${this.token} .locale=${this.i18n.locale}></presence-admin-audit>
      ${other.length > 0 ? html`<section aria-labelledby="other-h"><h3 id="other-h">${t('section.other')}</h3>${renderOther(other, c)}</section>` : nothing}
      ${this.renderDialog()}
    </div>`;
  }

  private renderDialog() {
    const t = this.i18n.t(adminMessages);
    const action = this.confirming;
    const spec = action ? ACTIONS[action] : null;
    return html`<dialog data-testid="confirm-dialog" aria-labelledby="confirm-text" @close=${() => (this.confirming = null)}>
      ${spec && action
        ? html`<form @submit=${this.confirmAction}>
            <p id="confirm-text">${t(`confirm.${action}`)}</p>
            ${action === 'delete'
              ? html`<label>${t('typeToConfirm', { word: DELETE_WORD })} <input data-testid="confirm-input" autocomplete="off" .value=${this.typed} @input=${(e: Event) => (this.typed = (e.target as HTMLInputElement).value)} /></label>`
              : nothing}
            <div class="row">
              <button type="button" data-testid="confirm-cancel" @click=${this.closeDialog}>${t('cancel')}</button>
              <button type="submit" class=${spec.danger ? 'danger' : 'primary'} data-testid="confirm-ok" ?disabled=${action === 'delete' && this.typed !== DELETE_WORD}>${t(`action.${action}`)}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }
}

interface Failure {
  code: string;
  message: string;
}

/** An error as a code for the reader's language, keeping the server's words as a fallback. */
function failure(err: unknown): Failure {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  return { code: 'network', message: err instanceof Error ? err.message : String(err) };
}

if (!customElements.get('presence-connector-admin')) {
  customElements.define('presence-connector-admin', PresenceConnectorAdmin);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-connector-admin': PresenceConnectorAdmin;
  }
}
