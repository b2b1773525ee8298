import { LitElement, html, nothing } from 'lit';
import { ApiClient, errorText } from './api-client.js';
import type { AdminStatus, AdminTeamDto, Lifecycle } from '../server/gateway/contract.js';
import { isAdminStatus } from './admin-status.js';
import { ConnectionController } from './connection-controller.js';
import { adminStyles, LIFECYCLE_LABEL, renderHealth, renderPermissions, renderTeamSync, renderUnmatched } from './connector-admin-sections.js';
import { messageOf } from './format.js';
import { IntervalController } from './interval-controller.js';
import './service-account-panel.js';
import { baseStyles, themeStyles } from './theme-styles.js';

type AdminAction = 'activate' | 'deactivate' | 'reactivate' | 'delete';

interface ActionSpec {
  label: string;
  /** Lifecycle states in which the server accepts the action. */
  allowedIn: Lifecycle[];
  confirm: string;
  method: 'POST' | 'DELETE';
  path: string;
  danger?: boolean;
}

const ACTIONS: Record<AdminAction, ActionSpec> = {
  activate: {
    label: 'Activate',
    allowedIn: ['unconfigured'],
    confirm: 'Activate the connector? It checks the Microsoft Graph permissions, then moves agents to the mapped idle code while Teams says they are busy.',
    method: 'POST',
    path: '/api/admin/activate',
  },
  deactivate: {
    label: 'Deactivate',
    allowedIn: ['active'],
    confirm: 'Deactivate the connector? Presence sync stops; agents the connector set idle are returned to Available where their profile says so.',
    method: 'POST',
    path: '/api/admin/deactivate',
  },
  reactivate: {
    label: 'Reactivate',
    allowedIn: ['inactive'],
    confirm: 'Reactivate the connector? Presence sync resumes for every team with sync enabled.',
    method: 'POST',
    path: '/api/admin/reactivate',
  },
  delete: {
    label: 'Delete connector',
    allowedIn: ['inactive'],
    confirm: 'Delete the connector? Its mappings, credentials and subscriptions are removed. This cannot be undone.',
    method: 'DELETE',
    path: '/api/admin/connector',
    danger: true,
  },
};

const DELETE_WORD = 'DELETE';

/**
 * `<presence-connector-admin server-url token theme>`: connector lifecycle, health, permissions, unmatched agents and
 * team sync. Refreshes every 5 seconds and after each action, and takes `connector:status` pushes when its socket is
 * connected. Every lifecycle action waits for confirmation in a dialog; deleting requires typing DELETE.
 */
export class PresenceConnectorAdmin extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    theme: { reflect: true },
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
  status: AdminStatus | null = null;
  teams: AdminTeamDto[] = [];
  loadError: string | null = null;
  actionError: string | null = null;
  actionResult: string | null = null;
  confirming: AdminAction | null = null;
  typed = '';
  busy = false;
  busyTeam: string | null = null;

  private api = new ApiClient('', '');
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
      this.loadError = errorText(err);
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
      this.actionResult =
        messageOf(body) ??
        (action === 'delete'
          ? 'Connector deleted. The Azure app registration must be removed by the Azure administrator.'
          : `${spec.label}: done.`);
      if (isAdminStatus(body)) this.status = body;
    } catch (err) {
      this.actionResult = null;
      this.actionError = errorText(err);
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
      this.actionError = `${team.name}: ${errorText(err)}`;
    } finally {
      this.busyTeam = null;
    }
    await this.refresher.run();
  };

  override render() {
    const s = this.status;
    const lifecycle = s?.lifecycle ?? 'unconfigured';
    return html`
      <div class="head">
        <h2>Teams presence connector</h2>
        ${s ? html`<span class="badge" data-testid="lifecycle" data-lifecycle=${lifecycle} role="status">${LIFECYCLE_LABEL[lifecycle] ?? lifecycle}</span>` : nothing}
        <span class="dot ${this.connection.connected ? 'tone-available' : 'tone-offline'}" data-testid="connection" data-status=${this.connection.status} title=${`Live updates: ${this.connection.status}`}></span>
      </div>
      ${this.loadError ? html`<p class="error" role="alert" data-testid="load-error">${this.loadError}</p>` : nothing}
      <div class="actions" role="group" aria-label="Lifecycle">
        ${(Object.keys(ACTIONS) as AdminAction[]).map((a) => {
          const spec = ACTIONS[a];
          const enabled = s !== null && spec.allowedIn.includes(lifecycle) && !this.busy;
          return html`<button class=${spec.danger ? 'danger' : 'primary'} data-testid=${`action-${a}`} ?disabled=${!enabled} @click=${() => this.ask(a)}>${spec.label}</button>`;
        })}
      </div>
      ${lifecycle === 'active' ? html`<p class="muted">Deactivate the connector before deleting it.</p>` : nothing}
      <div role="status" aria-live="polite">
        ${this.actionResult ? html`<p class="notice" data-testid="action-result">${this.actionResult}</p>` : nothing}
      </div>
      ${this.actionError ? html`<p class="error" role="alert" data-testid="action-error">${this.actionError}</p>` : nothing}
      ${s?.health?.presenceStale ? html`<p class="notice" data-testid="stale-notice">Teams presence cannot be read; agents held idle by the connector are released when the limit passes.</p>` : nothing}
      ${s
        ? html`<section aria-labelledby="health-h"><h3 id="health-h">Health</h3>${renderHealth(s, this.refresher.now)}</section>
            <section aria-labelledby="perm-h"><h3 id="perm-h">Microsoft Graph permissions</h3>${renderPermissions(s)}</section>
            <presence-service-account-panel .serverUrl=${this.serverUrl} .token=${this.token}></presence-service-account-panel>
            <section aria-labelledby="unmatched-h"><h3 id="unmatched-h">Unmatched agents</h3>${renderUnmatched(s)}</section>`
        : html`<p class="muted">${this.token ? 'Loading connector status…' : 'No administrator token: set the token attribute.'}</p>`}
      <section aria-labelledby="teams-h">
        <h3 id="teams-h">Presence sync per team</h3>
        ${renderTeamSync(this.teams, this.busyTeam, (t, on) => void this.toggleTeam(t, on))}
      </section>
      ${this.renderDialog()}
    `;
  }

  private renderDialog() {
    const action = this.confirming;
    const spec = action ? ACTIONS[action] : null;
    return html`<dialog data-testid="confirm-dialog" aria-labelledby="confirm-text" @close=${() => (this.confirming = null)}>
      ${spec
        ? html`<form @submit=${this.confirmAction}>
            <p id="confirm-text">${spec.confirm}</p>
            ${action === 'delete'
              ? html`<label>Type ${DELETE_WORD} to confirm <input data-testid="confirm-input" autocomplete="off" .value=${this.typed} @input=${(e: Event) => (this.typed = (e.target as HTMLInputElement).value)} /></label>`
              : nothing}
            <div class="row">
              <button type="button" data-testid="confirm-cancel" @click=${this.closeDialog}>Cancel</button>
              <button type="submit" class=${spec.danger ? 'danger' : 'primary'} data-testid="confirm-ok" ?disabled=${action === 'delete' && this.typed !== DELETE_WORD}>${spec.label}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }
}

if (!customElements.get('presence-connector-admin')) {
  customElements.define('presence-connector-admin', PresenceConnectorAdmin);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-connector-admin': PresenceConnectorAdmin;
  }
}
