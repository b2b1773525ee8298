import { LitElement, html, nothing } from 'lit';
import type { AgentView } from '../server/gateway/contract.js';
import { ApiClient } from './api-client.js';
import { ConnectionController, type ClientSocket } from './connection-controller.js';
import { LocaleController } from './i18n/locale-controller.js';
import { commonMessages } from './messages/common-messages.js';
import { consoleMessages } from './messages/supervisor-console-messages.js';
import './presence-supervisor-agents.js';
import './presence-supervisor-audit.js';
import './presence-supervisor-charts.js';
import { toRow, type ConsoleRow } from './supervisor-console-model.js';
import { consoleStyles } from './supervisor-console-styles.js';
import { baseStyles, themeStyles } from './theme-styles.js';

const TABS = ['agents', 'audit', 'charts'] as const;
type Tab = (typeof TABS)[number];

/** Table refreshes are coalesced to at most one per this many ms: a burst of pushes costs one filter and sort. */
const REFRESH_MS = 200;

/**
 * `<presence-supervisor-console server-url token theme locale time-zone>`: the supervisor's page, embeddable in the
 * Webex Desktop as a navigation page. A live table of the team's agents (loaded with `supervisor:agents`, then
 * kept current by `agents:changed` pushes), the audit trail with its filters and per-decision detail, and charts
 * over a chosen range. Every (re)connect loads the full table again, so nothing from before a gap is shown as
 * current.
 */
export class PresenceSupervisorConsole extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    theme: { reflect: true },
    locale: {},
    timeZone: { attribute: 'time-zone' },
    tab: { state: true },
    version: { state: true },
    loaded: { state: true },
    auditAgent: { state: true },
    loadError: { state: true },
  };

  static override styles = [themeStyles, baseStyles, consoleStyles];

  serverUrl = '';
  token = '';
  theme = 'auto';
  locale?: string;
  timeZone?: string;
  tab: Tab = 'agents';
  version = 0;
  loaded = false;
  auditAgent = '';
  loadError: string | null = null;
  /** Audit and charts are created when first opened and then kept, with their filters. */
  private readonly opened = new Set<Tab>(['agents']);
  /** The live agents by id; written by pushes, read by the table. */
  readonly rows = new Map<string, ConsoleRow>();
  /** When the last pushed change reached the table (performance marks for the benchmark). */
  lastAppliedAt = 0;
  private api = new ApiClient('', '');
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRefresh = 0;
  private readonly i18n = new LocaleController(this);
  private readonly connection = new ConnectionController(this, {
    serverUrl: () => this.serverUrl,
    token: () => this.token,
    onConnect: (socket) => void this.loadAll(socket),
    listeners: { 'agents:changed': (views) => this.applyChanges(views) },
  });

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('serverUrl') || changed.has('token')) this.api = new ApiClient(this.serverUrl, this.token);
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('serverUrl') || changed.has('token')) && this.isConnected) this.connection.configure();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.refreshTimer);
  }

  private async loadAll(_socket: ClientSocket): Promise<void> {
    const res = await this.connection.request('supervisor:agents');
    if (!res.ok) {
      this.loadError = res.error.code;
      return;
    }
    this.rows.clear();
    for (const v of res.data) this.rows.set(v.agentId, toRow(v));
    this.loadError = null;
    this.loaded = true;
    this.refreshNow();
  }

  private applyChanges(views: AgentView[]): void {
    if (!Array.isArray(views)) return;
    for (const v of views) if (v && typeof v.agentId === 'string') this.rows.set(v.agentId, toRow(v));
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined) return;
    const wait = Math.max(0, REFRESH_MS - (performance.now() - this.lastRefresh));
    this.refreshTimer = setTimeout(() => this.refreshNow(), wait);
  }

  private refreshNow(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.lastRefresh = performance.now();
    this.version++;
    void this.updateComplete.then(() => {
      this.lastAppliedAt = performance.now();
      this.dispatchEvent(new CustomEvent('agents-rendered', { detail: { version: this.version } }));
    });
  }

  private select(tab: Tab, focus = false): void {
    this.tab = tab;
    this.opened.add(tab);
    if (focus) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus());
  }

  private onTabKey(e: KeyboardEvent): void {
    const i = TABS.indexOf(this.tab);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : null;
    if (!next) return;
    e.preventDefault();
    this.select(next, true);
  }

  private connectionText(): string {
    const t = this.i18n.t(consoleMessages);
    const s = this.connection.status;
    return s === 'connected' ? t('conn.live') : s === 'connecting' ? t('conn.connecting') : t('conn.disconnected');
  }

  override render() {
    const t = this.i18n.t(consoleMessages);
    const c = this.i18n.t(commonMessages);
    return html`
      <div lang=${this.i18n.locale}>
        <h2>${t('title')}</h2>
        ${this.token ? nothing : html`<p class="muted">${t('noToken')}</p>`}
        <p class="status">
          <span data-testid="connection" data-status=${this.connection.status}>
            <span class="dot ${this.connection.connected ? 'tone-available' : 'tone-offline'}" aria-hidden="true"></span> ${this.connectionText()}
          </span>
          ${this.loadError ? html`<span class="error" role="alert">${c(`error.${this.loadError}` as 'error.other') || c('error.other')}</span>` : nothing}
        </p>
        <div role="tablist" aria-label=${t('title')} @keydown=${(e: KeyboardEvent) => this.onTabKey(e)}>
          ${TABS.map(
            (tab) => html`<button role="tab" id="tab-${tab}" data-testid="tab-${tab}" aria-controls="panel-${tab}" aria-selected=${this.tab === tab ? 'true' : 'false'} tabindex=${this.tab === tab ? 0 : -1} class=${this.tab === tab ? 'primary' : ''} @click=${() => this.select(tab)}>${t(`tab.${tab}`)}</button>`,
          )}
        </div>
        <div role="tabpanel" id="panel-agents" aria-labelledby="tab-agents" ?hidden=${this.tab !== 'agents'}>
          <presence-supervisor-agents .rows=${this.rows} .version=${this.version} ?loaded=${this.loaded} @show-audit=${(e: CustomEvent<{ agentId: string }>) => {
            this.auditAgent = e.detail.agentId;
            this.select('audit');
          }}></presence-supervisor-agents>
        </div>
        <div role="tabpanel" id="panel-audit" aria-labelledby="tab-audit" ?hidden=${this.tab !== 'audit'}>
          ${this.opened.has('audit') ? html`<presence-supervisor-audit .api=${this.api} .names=${this.rows} .agentId=${this.auditAgent}></presence-supervisor-audit>` : nothing}
        </div>
        <div role="tabpanel" id="panel-charts" aria-labelledby="tab-charts" ?hidden=${this.tab !== 'charts'}>
          ${this.opened.has('charts') ? html`<presence-supervisor-charts .api=${this.api}></presence-supervisor-charts>` : nothing}
        </div>
      </div>
    `;
  }
}

if (!customElements.get('presence-supervisor-console')) customElements.define('presence-supervisor-console', PresenceSupervisorConsole);

declare global {
  interface HTMLElementTagNameMap {
    'presence-supervisor-console': PresenceSupervisorConsole;
  }
}
