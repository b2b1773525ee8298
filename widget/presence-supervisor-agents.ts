import { LitElement, html, nothing } from 'lit';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import { LocaleController } from './i18n/locale-controller.js';
import { teamsStateText } from './i18n/reason-text.js';
import { IntervalController } from './interval-controller.js';
import { commonMessages } from './messages/common-messages.js';
import { consoleMessages } from './messages/supervisor-console-messages.js';
import { presenceTone } from './format.js';
import { EMPTY_FILTER, FLAG_FILTERS, OWNERS, toCsv, view, download, type ConsoleRow, type FlagFilter, type SortKey, type TableFilter, type TableSort } from './supervisor-console-model.js';
import { consoleStyles } from './supervisor-console-styles.js';
import { baseStyles } from './theme-styles.js';

const STATES = ['Available', 'Idle', 'Engaged', 'WrapUp', 'RONA', 'LoggedOut'] as const;
const TEAMS_TONE: Record<string, string> = {
  Available: 'available',
  InACall: 'busy',
  InAMeeting: 'busy',
  Busy: 'busy',
  Presenting: 'dnd',
  DoNotDisturb: 'dnd',
  Away: 'away',
  BeRightBack: 'away',
  OutOfOffice: 'offline',
  Offline: 'offline',
};

/**
 * `<presence-supervisor-agents>`: the console's live table of agents, virtualised so 10,000 rows cost what the ~20
 * visible ones cost. The host owns the data (`.rows`, a map by agent id, and `.version`, bumped on every change);
 * this element owns filter and sort, recomputing what is shown only when one of them or the version changes.
 * Fires `show-audit` with `{agentId}` when a row's audit button is pressed.
 */
export class PresenceSupervisorAgents extends LitElement {
  static override properties = {
    rows: { attribute: false },
    version: { type: Number },
    loaded: { type: Boolean },
    filter: { state: true },
    sort: { state: true },
  };

  static override styles = [baseStyles, consoleStyles];

  rows: Map<string, ConsoleRow> = new Map();
  version = 0;
  loaded = false;
  filter: TableFilter = EMPTY_FILTER;
  sort: TableSort = { key: 'name', descending: false };
  /** What is shown, in order; recomputed in `willUpdate`. */
  shown: ConsoleRow[] = [];
  private readonly i18n = new LocaleController(this);
  /** "Since" durations and paused flags age: re-render every 15 s (only the visible rows are rendered). */
  protected readonly clock = new IntervalController(this, 15_000);

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('version') || changed.has('rows') || changed.has('filter') || changed.has('sort')) {
      this.shown = view(this.rows.values(), this.filter, this.sort, Date.now());
    }
  }

  private setFilter(patch: Partial<TableFilter>): void {
    this.filter = { ...this.filter, ...patch };
  }

  private sortBy(key: SortKey): void {
    this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : false };
  }

  /** The rows as shown (filter and sort applied), in the reader's words, as CSV. */
  csv(): string {
    const t = this.i18n.t(consoleMessages);
    const c = this.i18n.t(commonMessages);
    const locale = this.i18n.locale;
    const header = [t('col.agent'), 'email', t('col.team'), t('col.teams'), t('col.state'), 'idleCode', t('col.owner'), t('col.since'), 'pendingIdleCode', 'pausedUntil', 'releaseDueAt', 'agentId'];
    const iso = (n: number | null) => (n == null ? '' : new Date(n).toISOString());
    const body = this.shown.map((r) => [
      r.name,
      r.email,
      r.teamName,
      teamsStateText(locale, r.teams),
      c(`state.${r.state}` as 'state.Available') || r.state,
      r.idleCodeName,
      t(`owner.${r.owner}`),
      iso(r.since),
      r.pendingIdleCodeName,
      iso(r.pausedUntil),
      iso(r.releaseDueAt),
      r.id,
    ]);
    return toCsv([header, ...body]);
  }

  private exportCsv(): void {
    download(this.csv(), `agents-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`);
  }

  private teams(): { id: string; name: string }[] {
    const seen = new Map<string, string>();
    for (const r of this.rows.values()) if (!seen.has(r.teamId)) seen.set(r.teamId, r.teamName);
    return [...seen.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  private header(key: SortKey | null, label: string) {
    if (!key) return html`<div class="cell" role="columnheader">${label}</div>`;
    const active = this.sort.key === key;
    const sort = active ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
    return html`<div class="cell" role="columnheader" aria-sort=${sort}>
      <button data-testid="sort-${key}" @click=${() => this.sortBy(key)}>${label}${active ? (this.sort.descending ? ' ▼' : ' ▲') : ''}</button>
    </div>`;
  }

  private renderRow(r: ConsoleRow, index: number, now: number) {
    const t = this.i18n.t(consoleMessages);
    const c = this.i18n.t(commonMessages);
    const fmt = this.i18n.fmt;
    const locale = this.i18n.locale;
    const state = c(`state.${r.state}` as 'state.Available') || r.state;
    const tone = TEAMS_TONE[r.teams] ?? presenceTone(null);
    const paused = r.pausedUntil != null && r.pausedUntil > now;
    return html`<div class="grid-row" role="row" aria-rowindex=${index + 2} data-testid="agent-row" data-agent=${r.id} data-state=${r.state} data-owner=${r.owner} data-teams=${r.teams}>
      <div class="cell two-lines" role="cell"><span>${r.name}</span><span class="muted small">${r.email}</span></div>
      <div class="cell" role="cell">${r.teamName || t('noTeam')}</div>
      <div class="cell" role="cell"><span class="dot tone-${tone}" aria-hidden="true"></span> ${teamsStateText(locale, r.teams)}</div>
      <div class="cell" role="cell" data-testid="cc-state">${r.idleCodeName ? t('stateWithCode', { state, idleCode: r.idleCodeName }) : state}</div>
      <div class="cell" role="cell" data-testid="owner">${t(`owner.${r.owner}`)}</div>
      <div class="cell" role="cell">${r.since > 0 ? t('sinceValue', { time: fmt.time(r.since), duration: fmt.shortDuration(now - r.since) }) : ''}</div>
      <div class="cell" role="cell">
        ${r.held ? html`<span class="tag held">${t('flag.held')}</span>` : nothing}
        ${r.pendingIdleCodeName ? html`<span class="tag">${t('pending', { idleCode: r.pendingIdleCodeName })}</span>` : nothing}
        ${paused ? html`<span class="tag">${t('paused', { time: fmt.time(r.pausedUntil!) })}</span>` : nothing}
        ${r.releaseDueAt != null ? html`<span class="tag">${t('releaseAt', { time: fmt.time(r.releaseDueAt) })}</span>` : nothing}
      </div>
      <div class="cell" role="cell">
        <button class="link" aria-label=${t('auditFor', { name: r.name })} @click=${() => this.dispatchEvent(new CustomEvent('show-audit', { detail: { agentId: r.id }, bubbles: true, composed: true }))}>${t('tab.audit')}</button>
      </div>
    </div>`;
  }

  override render() {
    const t = this.i18n.t(consoleMessages);
    const c = this.i18n.t(commonMessages);
    const f = this.filter;
    const now = Date.now();
    return html`
      <div class="toolbar" role="search">
        <label class="grow">${t('search')}
          <input type="search" data-testid="filter-text" placeholder=${t('searchHint')} .value=${f.text} @input=${(e: Event) => this.setFilter({ text: (e.target as HTMLInputElement).value })} />
        </label>
        <label>${t('team')}
          <select data-testid="filter-team" @change=${(e: Event) => this.setFilter({ teamId: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!f.teamId}>${t('allTeams')}</option>
            ${this.teams().map((tm) => html`<option value=${tm.id} ?selected=${f.teamId === tm.id}>${tm.name || t('noTeam')}</option>`)}
          </select>
        </label>
        <label>${t('state')}
          <select data-testid="filter-state" @change=${(e: Event) => this.setFilter({ state: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!f.state}>${t('allStates')}</option>
            ${STATES.map((s) => html`<option value=${s} ?selected=${f.state === s}>${c(`state.${s}`)}</option>`)}
          </select>
        </label>
        <label>${t('setBy')}
          <select data-testid="filter-owner" @change=${(e: Event) => this.setFilter({ owner: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!f.owner}>${t('anyone')}</option>
            ${OWNERS.map((o) => html`<option value=${o} ?selected=${f.owner === o}>${t(`owner.${o}`)}</option>`)}
          </select>
        </label>
        <label>${t('show')}
          <select data-testid="filter-flag" @change=${(e: Event) => this.setFilter({ flag: (e.target as HTMLSelectElement).value as FlagFilter })}>
            ${FLAG_FILTERS.map((fl) => html`<option value=${fl} ?selected=${f.flag === fl}>${t(`flag.${fl}`)}</option>`)}
          </select>
        </label>
        <button data-testid="export-agents" @click=${() => this.exportCsv()}>${t('exportCsv')}</button>
      </div>
      <p class="status muted" data-testid="shown-count" aria-live="polite">${t('shown', { count: this.shown.length, total: this.rows.size })}</p>
      <div role="table" aria-label=${t('tab.agents')} aria-rowcount=${this.shown.length + 1} data-testid="agents-table">
        <div class="grid-row head" role="row" aria-rowindex="1">
          ${this.header('name', t('col.agent'))} ${this.header('team', t('col.team'))} ${this.header('teams', t('col.teams'))}
          ${this.header('state', t('col.state'))} ${this.header('owner', t('col.owner'))} ${this.header('since', t('col.since'))}
          ${this.header(null, t('col.flags'))} ${this.header(null, t('tab.audit'))}
        </div>
        <div class="body" role="rowgroup" tabindex="0" aria-label=${t('tab.agents')} data-testid="agents-body">
          ${virtualize({ items: this.shown, keyFunction: (r: ConsoleRow) => r.id, renderItem: (r: ConsoleRow, i: number) => this.renderRow(r, i, now) })}
        </div>
      </div>
      ${this.loaded && this.shown.length === 0 ? html`<p class="muted" data-testid="no-agents">${t('noAgents')}</p>` : nothing}
      ${!this.loaded ? html`<p class="muted">${t('loadingAgents')}</p>` : nothing}
    `;
  }
}

if (!customElements.get('presence-supervisor-agents')) customElements.define('presence-supervisor-agents', PresenceSupervisorAgents);

declare global {
  interface HTMLElementTagNameMap {
    'presence-supervisor-agents': PresenceSupervisorAgents;
  }
}
