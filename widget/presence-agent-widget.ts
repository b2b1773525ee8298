import '@momentum-design/components/dist/components/button/index.js';
import { LitElement, html, nothing } from 'lit';
import type { Ack, AgentView, DirectoryEntryView } from '../server/gateway/contract.js';
import { agentDetails, agentHeader, isPaused, PAUSE_CHOICES, type AgentSituation } from './agent-view-model.js';
import { agentWidgetStyles } from './agent-widget-styles.js';
import { ConnectionController } from './connection-controller.js';
import { LocaleController } from './i18n/locale-controller.js';
import { IntervalController } from './interval-controller.js';
import { agentMessages } from './messages/agent-widget-messages.js';
import { commonMessages } from './messages/common-messages.js';
import './presence-directory-search.js';
import { baseStyles, themeStyles } from './theme-styles.js';

/**
 * `<presence-agent-widget server-url agent-id theme compact locale time-zone>` with the `token` property: a Webex
 * Desktop header widget (≤ 64 px tall, ≤ 240 px wide in `compact`) that shows only what the Desktop does not —
 * whether Teams presence sync holds the agent idle and why, a pending idle, a pause and its end, a scheduled
 * return, or why it is not connected — with the details, a pause control and the colleague directory in a
 * popover, in the first person and the agent's language (`locale`, else the nearest `lang`, else the browser's).
 * In a Desktop layout `token` is `$STORE.auth.accessToken` (bound as a property, so it never sits in the DOM),
 * `agent-id` is `$STORE.agent.agentId` and `theme` is `$STORE.app.darkMode`.
 */
export class PresenceAgentWidget extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    agentId: { attribute: 'agent-id' },
    token: {},
    theme: { reflect: true },
    locale: {},
    timeZone: { attribute: 'time-zone' },
    // Layout JSON can only pass strings, so `compact="false"` must mean false, unlike a plain boolean attribute.
    compact: {
      type: Boolean,
      reflect: true,
      converter: {
        fromAttribute: (v: string | null) => v !== null && v !== 'false',
        toAttribute: (v: boolean) => (v ? '' : null),
      },
    },
    view: { state: true },
    actionError: { state: true },
    busy: { state: true },
  };

  static override styles = [themeStyles, baseStyles, agentWidgetStyles];

  serverUrl = '';
  agentId = '';
  token = '';
  theme = 'auto';
  locale = '';
  timeZone = '';
  compact = false;
  view: AgentView | null = null;
  /** The last failed action as an error code with the server's words as a fallback. */
  actionError: { code: string; message: string } | null = null;
  busy = false;

  private readonly i18n = new LocaleController(this);
  // Re-renders every second: a pause running out, "2 minutes ago" in the details.
  private readonly clock = new IntervalController(this, 1000);
  private readonly connection = new ConnectionController(this, {
    serverUrl: () => this.serverUrl,
    token: () => this.token,
    onConnect: () => void this.refresh(),
    listeners: { 'agent:view': (view) => this.acceptView(view, false) },
  });

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    // Idempotent: reconnects only for a new server URL, otherwise hands a refreshed token to the next handshake.
    if ((changed.has('serverUrl') || changed.has('token')) && this.isConnected) this.connection.configure();
  }

  private async refresh(): Promise<void> {
    const res = await this.connection.request('agent:get');
    if (res.ok) this.acceptView(res.data, true);
    else this.actionError = res.error;
  }

  /** Pushed views for another agent are ignored; the room should never deliver them. */
  private acceptView(view: AgentView, fromAck: boolean): void {
    if (!fromAck && this.agentId && view.agentId !== this.agentId) return;
    this.view = view;
    if (fromAck) this.actionError = null;
  }

  private async act(run: () => Promise<Ack<AgentView>>): Promise<void> {
    this.busy = true;
    const res = await run();
    this.busy = false;
    if (res.ok) {
      this.actionError = null;
      this.acceptView(res.data, true);
    } else {
      this.actionError = res.error;
    }
  }

  private pause = (minutes: number): Promise<void> => this.act(() => this.connection.request('agent:pause', { minutes }));
  private resume = (): Promise<void> => this.act(() => this.connection.request('agent:resume'));
  private search = (query: string): Promise<Ack<DirectoryEntryView[]>> => this.connection.request('directory:search', { query });

  /** Places the compact details popover under its button, kept inside the viewport. */
  private onToggle(e: Event): void {
    const panel = e.target as HTMLElement;
    if ((e as ToggleEvent).newState !== 'open') return;
    const button = this.renderRoot.querySelector<HTMLElement>('#details-toggle');
    if (!button) return;
    const rect = button.getBoundingClientRect();
    const width = Math.min(360, window.innerWidth - 16);
    panel.style.width = `${width}px`;
    panel.style.top = `${Math.round(rect.bottom + 4)}px`;
    panel.style.left = `${Math.round(Math.min(Math.max(8, rect.right - width), window.innerWidth - width - 8))}px`;
  }

  private situation(): AgentSituation {
    const connected = this.connection.status === 'connected';
    return { view: connected ? this.view : null, status: this.connection.status, problem: this.connection.problem, now: this.clock.now };
  }

  override render() {
    const t = this.i18n.t(agentMessages);
    const fmt = this.i18n.fmt;
    const s = this.situation();
    const header = agentHeader(s, t, fmt);
    const status = this.connection.status;
    return html`
      <div class="root" lang=${this.i18n.locale}>
        <div class="bar" role="group" aria-label=${t('group')} data-testid="header" data-kind=${header.kind}>
          ${this.compact
            ? // In the Desktop header the whole bar opens the details: the most room for the words in 240 px.
              html`<button id="details-toggle" class="bar-button" data-testid="details-toggle" popovertarget="details" title=${t('detailsLabel')}>
                ${this.renderHeader(header, status)}<span class="chevron" aria-hidden="true"></span>
              </button>`
            : this.renderHeader(header, status)}
        </div>
        <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
          ${header.primary}${header.secondary ? `. ${header.secondary}` : ''}
        </div>
        ${this.compact
          ? html`<div id="details" class="panel popover" popover="auto" role="dialog" aria-label=${t('detailsLabel')} @toggle=${this.onToggle}>
              ${this.renderDetails(s)}
            </div>`
          : html`<div class="panel">${this.renderDetails(s)}</div>`}
      </div>
    `;
  }

  private renderHeader(header: ReturnType<typeof agentHeader>, status: string) {
    return html`<span class="indicator tone-${header.tone}" aria-hidden="true" data-testid="connection" data-status=${status}></span>
      <span class="lines">
        <span class="primary" data-testid="header-primary">${header.primary}</span>
        ${header.secondary ? html`<span class="secondary" data-testid="header-secondary">${header.secondary}</span>` : nothing}
      </span>`;
  }

  private renderDetails(s: AgentSituation) {
    const t = this.i18n.t(agentMessages);
    const fmt = this.i18n.fmt;
    const sentences = agentDetails(s, t, fmt);
    const error = this.actionError ? this.errorText(this.actionError) : null;
    return html`
      <section class="why">${sentences.map((x) => html`<p data-testid=${x.testid}>${x.text}</p>`)}</section>
      ${s.view ? this.renderPause(s.view, s.now) : nothing}
      ${error ? html`<p class="error" role="alert" data-testid="action-error">${error}</p>` : nothing}
      ${s.view ? html`<presence-directory-search .search=${this.search} .locale=${this.i18n.locale}></presence-directory-search>` : nothing}
    `;
  }

  private errorText(e: { code: string; message: string }): string {
    const table = commonMessages.tables[this.i18n.locale] as Record<string, string>;
    return table[`error.${e.code}`] ?? (e.message || table['error.other']);
  }

  private renderPause(view: AgentView, now: number) {
    const t = this.i18n.t(agentMessages);
    const fmt = this.i18n.fmt;
    const disabled = this.busy || !this.connection.connected;
    if (isPaused(view, now)) {
      return html`<div class="pause-row">
        <mdc-button variant="primary" size="28" data-testid="resume" ?disabled=${disabled} @click=${this.resume}>${t('resume')}</mdc-button>
      </div>`;
    }
    return html`<div class="pause-row" role="group" aria-labelledby="pause-label">
      <span id="pause-label" class="label">${t('pauseLabel')}</span>
      ${PAUSE_CHOICES.map(
        (m) =>
          html`<mdc-button
            variant="secondary"
            size="28"
            data-testid="pause"
            data-minutes=${m}
            aria-label=${t('pauseFor', { duration: fmt.duration(m * 60_000) })}
            ?disabled=${disabled}
            @click=${() => this.pause(m)}
            >${fmt.shortDuration(m * 60_000)}</mdc-button
          >`,
      )}
    </div>`;
  }
}

if (!customElements.get('presence-agent-widget')) {
  customElements.define('presence-agent-widget', PresenceAgentWidget);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-agent-widget': PresenceAgentWidget;
  }
}
