import { LitElement, html, nothing } from 'lit';
import type { AgentView, DirectoryEntryView, Ack } from '../server/gateway/contract.js';
import {
  announcement,
  isPaused,
  originText,
  pauseChoiceLabel,
  PAUSE_CHOICES,
  pausedText,
  pendingText,
  releaseText,
  syncText,
} from './agent-view-text.js';
import { agentWidgetStyles } from './agent-widget-styles.js';
import { secondClock } from './interval-controller.js';
import { ConnectionController, type ConnectionStatus } from './connection-controller.js';
import { agentStateLabel, agentStateTone, durationInWords, formatDuration, presenceTone } from './format.js';
import './presence-directory-search.js';
import { baseStyles, themeStyles } from './theme-styles.js';

const CONNECTION_LABEL: Record<ConnectionStatus, string> = {
  connecting: 'Connecting to the presence connector',
  connected: 'Connected to the presence connector',
  disconnected: 'Not connected to the presence connector',
};

/**
 * `<presence-agent-widget server-url agent-id token theme compact>`: the agent's contact-center state, Teams
 * presence, what the connector did and why, a pause control and the colleague directory. In a Webex Desktop layout
 * `token` is `$STORE.auth.accessToken` and `agent-id` is `$STORE.agent.agentId`. `compact` renders one line
 * (≤ 64 px) for the desktop header with the details in a popover.
 */
export class PresenceAgentWidget extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    agentId: { attribute: 'agent-id' },
    token: {},
    theme: { reflect: true },
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
    pauseMinutes: { state: true },
  };

  static override styles = [themeStyles, baseStyles, agentWidgetStyles];

  serverUrl = '';
  agentId = '';
  token = '';
  theme = 'auto';
  compact = false;
  view: AgentView | null = null;
  actionError: string | null = null;
  busy = false;
  pauseMinutes = 30;

  private readonly clock = secondClock(this);
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
    else this.actionError = res.error.message;
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
      this.actionError = res.error.message;
    }
  }

  private pause = (): Promise<void> => this.act(() => this.connection.request('agent:pause', { minutes: this.pauseMinutes }));
  private resume = (): Promise<void> => this.act(() => this.connection.request('agent:resume'));
  private search = (query: string): Promise<Ack<DirectoryEntryView[]>> => this.connection.request('directory:search', { query });

  /** Places the compact details popover under its button, kept inside the viewport. */
  private placePopover(e: Event): void {
    const panel = e.target as HTMLElement;
    const button = this.renderRoot.querySelector<HTMLElement>('#details-toggle');
    if (!button || (e as ToggleEvent).newState !== 'open') return;
    const rect = button.getBoundingClientRect();
    const width = Math.min(380, window.innerWidth - 16);
    panel.style.width = `${width}px`;
    panel.style.top = `${Math.round(rect.bottom + 4)}px`;
    panel.style.left = `${Math.round(Math.min(Math.max(8, rect.right - width), window.innerWidth - width - 8))}px`;
  }

  override render() {
    const status = this.connection.status;
    return html`
      <div class="bar" role="group" aria-label="Presence connector">
        <span class="conn" data-testid="connection" data-status=${status} title=${CONNECTION_LABEL[status]}>
          <span class="dot conn-${status}" aria-hidden="true"></span>
          <span class="visually-hidden">${CONNECTION_LABEL[status]}</span>
        </span>
        ${this.view ? this.renderSummary(this.view) : html`<span class="muted" data-testid="state" data-state="">${this.placeholder()}</span>`}
        ${this.compact
          ? html`<button
              id="details-toggle"
              class="toggle"
              data-testid="details-toggle"
              popovertarget="details"
              aria-label="Presence connector details"
            >
              Details
            </button>`
          : nothing}
      </div>
      <div class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
        ${this.view ? announcement(this.view) : ''}
      </div>
      ${this.compact
        ? html`<div id="details" class="panel popover" popover="auto" @beforetoggle=${this.placePopover}>${this.renderDetails()}</div>`
        : html`<div class="panel">${this.renderDetails()}</div>`}
    `;
  }

  private placeholder(): string {
    if (this.connection.status === 'connecting') return 'Connecting…';
    if (this.connection.status === 'connected') return 'Waiting for your state…';
    return this.connection.error ?? 'Not connected';
  }

  private renderSummary(view: AgentView) {
    const now = this.clock.now;
    const inState = now - view.stateChangedAt;
    const tone = presenceTone(view.presence);
    const idleCode = view.idleCodeName && (view.state === 'Idle' || view.state === 'RONA') ? view.idleCodeName : '';
    return html`
      <span class="state-chip">
        <span class="dot tone-${agentStateTone(view.state)}" aria-hidden="true"></span>
        <span data-testid="state" data-state=${view.state}>${agentStateLabel(view.state)}</span>
        ${idleCode ? html`<span aria-hidden="true">–</span>` : nothing}
        <span data-testid="idle-code" class="idle-code" ?hidden=${!idleCode}>${idleCode}</span>
      </span>
      <span class="time" role="timer" data-testid="time-in-state" title="Time in state" aria-label=${`In this state for ${durationInWords(inState)}`}>
        ${formatDuration(inState)}
      </span>
      ${view.setByConnector
        ? html`<span data-testid="set-by-connector" title="Set by the Teams presence connector"
            ><span class="badge" aria-hidden="true">Teams</span><span class="visually-hidden">Set by the Teams presence connector</span></span
          >`
        : nothing}
      <span class="presence" data-testid="teams-presence" data-availability=${view.presence?.availability ?? ''}>
        <span class="dot tone-${tone}" aria-hidden="true"></span>
        <span class="presence-label">${view.presence ? view.presence.label : 'Teams presence unknown'}</span>
      </span>
    `;
  }

  private renderDetails() {
    const view = this.view;
    const now = this.clock.now;
    if (!view) {
      return html`<p class="muted">${this.placeholder()}</p>
        ${this.actionError ? html`<p class="error" role="alert" data-testid="action-error">${this.actionError}</p>` : nothing}`;
    }
    const origin = originText(view);
    return html`
      <section aria-label="Why">
        ${origin ? html`<p class="origin" data-testid="origin">${origin}.</p>` : nothing}
        <p class="reason" data-testid="reason">${view.lastDecision ? view.lastDecision.text : 'The connector has not acted for you yet.'}</p>
        ${view.pendingIdleCodeName ? html`<p data-testid="pending-idle">${pendingText(view)}</p>` : nothing}
        ${view.releaseDueAt != null ? html`<p data-testid="scheduled-release">${releaseText(view, now)}</p>` : nothing}
        ${syncText(view) ? html`<p class="muted" data-testid="sync-off">${syncText(view)}</p>` : nothing}
        ${view.notice ? html`<p class="notice" role="status" data-testid="notice">${view.notice}</p>` : nothing}
      </section>
      ${this.renderPause(view, now)}
      ${this.actionError ? html`<p class="error" role="alert" data-testid="action-error">${this.actionError}</p>` : nothing}
      <presence-directory-search .search=${this.search}></presence-directory-search>
    `;
  }

  private renderPause(view: AgentView, now: number) {
    const disabled = this.busy || !this.connection.connected;
    if (isPaused(view, now)) {
      return html`<div class="pause-row">
        <span data-testid="paused">${pausedText(view, now)}</span>
        <button class="primary" data-testid="resume" ?disabled=${disabled} @click=${this.resume}>Resume sync</button>
      </div>`;
    }
    return html`<div class="pause-row">
      <label for="pause-minutes">Pause sync for</label>
      <select
        id="pause-minutes"
        data-testid="pause-minutes"
        .value=${String(this.pauseMinutes)}
        @change=${(e: Event) => (this.pauseMinutes = Number((e.target as HTMLSelectElement).value))}
      >
        ${PAUSE_CHOICES.map((m) => html`<option value=${m} ?selected=${m === this.pauseMinutes}>${pauseChoiceLabel(m)}</option>`)}
      </select>
      <button data-testid="pause" ?disabled=${disabled} @click=${this.pause}>Pause</button>
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
