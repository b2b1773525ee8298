import { LitElement, html, nothing } from 'lit';
import type { ReasonCode } from '../server/gateway/contract.js';
import { ApiError, type ApiClient } from './api-client.js';
import { format } from './i18n/i18n.js';
import { LocaleController } from './i18n/locale-controller.js';
import { reasonText, teamsStateText } from './i18n/reason-text.js';
import { commonMessages } from './messages/common-messages.js';
import { reasonMessages } from './messages/reason-messages.js';
import { consoleMessages } from './messages/supervisor-console-messages.js';
import { download, toCsv, type ConsoleRow } from './supervisor-console-model.js';
import { consoleStyles } from './supervisor-console-styles.js';
import { baseStyles } from './theme-styles.js';

export interface AuditEntryDto {
  id: number;
  at: number;
  agentId: string;
  trigger: string;
  action: string;
  reason: string;
  text: string;
  reasonCode?: ReasonCode;
  teamsState: string | null;
  inputs: { presence?: { availability: string; activity: string } | null; cc?: { state: string; origin: string }; profileId?: string; connectorActive?: boolean; teamSyncEnabled?: boolean; pausedUntil?: number | null } | null;
  command: { state?: string; idleCodeName?: string } | null;
  result: string;
  resultDetail: string | null;
  trackingId: string | null;
  sentAt: number | null;
  resultAt: number | null;
}

interface AuditFilter {
  agentId: string;
  action: string;
  reason: string;
  result: string;
  from: string;
  to: string;
}

const EMPTY: AuditFilter = { agentId: '', action: '', reason: '', result: '', from: '', to: '' };
const ACTIONS = ['set-idle', 'set-available', 'schedule-release', 'hold-pending', 'skip'] as const;
const RESULTS = ['skipped', 'recorded', 'sent', 'accepted', 'confirmed', 'failed', 'superseded'] as const;
const PAGE = 100;
/** Most entries one CSV export collects (500 per request). */
const EXPORT_MAX = 20_000;

const codeOf = (e: AuditEntryDto): ReasonCode => e.reasonCode ?? { code: `${e.action}.${e.reason}`, params: e.teamsState ? { teamsState: e.teamsState } : {} };

/**
 * `<presence-supervisor-audit>`: the audit trail with its filters (agent, action, reason, result, time range), paged
 * newest first, each decision expandable into its detail: inputs, rule, command, result, timings and freshness.
 * Reasons arrive as codes and are rendered in the reader's language; CSV export collects every matching entry.
 */
export class PresenceSupervisorAudit extends LitElement {
  static override properties = {
    api: { attribute: false },
    names: { attribute: false },
    agentId: {},
    filter: { state: true },
    entries: { state: true },
    next: { state: true },
    busy: { state: true },
    error: { state: true },
    open: { state: true },
    note: { state: true },
  };

  static override styles = [baseStyles, consoleStyles];

  api: ApiClient | null = null;
  names: Map<string, ConsoleRow> = new Map();
  agentId = '';
  filter: AuditFilter = EMPTY;
  entries: AuditEntryDto[] = [];
  next: number | null = null;
  busy = false;
  error: string | null = null;
  open: number | null = null;
  note = '';
  private readonly i18n = new LocaleController(this);

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('agentId') && this.agentId !== this.filter.agentId) this.filter = { ...this.filter, agentId: this.agentId };
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('api') || changed.has('agentId')) && this.api) void this.load();
  }

  private query(before?: number, limit = PAGE): string {
    const f = this.filter;
    const q = new URLSearchParams({ limit: String(limit) });
    if (f.agentId.trim()) q.set('agentId', f.agentId.trim());
    if (f.action) q.set('action', f.action);
    if (f.reason) q.set('reason', f.reason);
    if (f.result) q.set('result', f.result);
    const from = f.from ? Date.parse(f.from) : NaN;
    const to = f.to ? Date.parse(f.to) : NaN;
    if (Number.isFinite(from)) q.set('from', String(from));
    if (Number.isFinite(to)) q.set('to', String(to));
    if (before) q.set('before', String(before));
    return `/api/audit?${q}`;
  }

  async load(more = false): Promise<void> {
    if (!this.api) return;
    this.busy = true;
    try {
      const page = await this.api.get<{ entries: AuditEntryDto[]; next: number | null }>(this.query(more && this.next ? this.next : undefined));
      this.entries = more ? [...this.entries, ...page.entries] : page.entries;
      this.next = page.next;
      this.error = null;
    } catch (err) {
      this.error = this.errorWords(err);
    } finally {
      this.busy = false;
    }
  }

  private errorWords(err: unknown): string {
    const c = this.i18n.t(commonMessages);
    const code = err instanceof ApiError ? err.code : 'other';
    const text = c(`error.${code}` as 'error.other');
    return text.startsWith('error.') ? c('error.other') : text;
  }

  private async exportCsv(): Promise<void> {
    if (!this.api) return;
    const t = this.i18n.t(consoleMessages);
    this.busy = true;
    try {
      const all: AuditEntryDto[] = [];
      let before: number | undefined;
      while (all.length < EXPORT_MAX) {
        const page = await this.api.get<{ entries: AuditEntryDto[]; next: number | null }>(this.query(before, 500));
        all.push(...page.entries);
        if (!page.next) break;
        before = page.next;
      }
      const fmt = this.i18n.fmt;
      const iso = (n: number | null) => (n == null ? '' : new Date(n).toISOString());
      const header = ['id', 'at', 'agentId', t('col.agent'), 'trigger', 'action', 'reason', t('col.decision'), 'teamsState', 'result', 'resultDetail', 'command', 'idleCode', 'sentAt', 'resultAt', 'freshnessMs'];
      const rows = all.map((e) => [
        e.id,
        iso(e.at),
        e.agentId,
        this.names.get(e.agentId)?.name ?? '',
        e.trigger,
        e.action,
        e.reason,
        reasonText(codeOf(e), fmt, e.text),
        e.teamsState,
        e.result,
        e.resultDetail,
        e.command?.state ?? '',
        e.command?.idleCodeName ?? '',
        iso(e.sentAt),
        iso(e.resultAt),
        e.result === 'confirmed' && e.resultAt != null ? e.resultAt - e.at : '',
      ]);
      download(toCsv([header, ...rows]), `audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`);
      this.note = t('exported', { count: all.length });
    } catch (err) {
      this.error = this.errorWords(err);
    } finally {
      this.busy = false;
    }
  }

  private set(patch: Partial<AuditFilter>): void {
    this.filter = { ...this.filter, ...patch };
  }

  private reasonOptions(): { value: string; label: string }[] {
    const locale = this.i18n.locale;
    const table = reasonMessages.tables[locale] as Record<string, string>;
    const t = this.i18n.t(consoleMessages);
    return Object.keys(reasonMessages.tables.en)
      .filter((k) => /^(set-idle|set-available|schedule-release|hold-pending|skip)\./.test(k))
      .map((k) => {
        const [action, reason] = k.split('.') as [string, string];
        const words = format(locale, table[k] ?? k, { teamsState: '…', idleCode: '…', time: '…' });
        return { value: reason, label: `${t(`action.${action}` as 'action.skip')}: ${words}` };
      });
  }

  private renderDetail(e: AuditEntryDto) {
    const t = this.i18n.t(consoleMessages);
    const c = this.i18n.t(commonMessages);
    const fmt = this.i18n.fmt;
    const locale = this.i18n.locale;
    const i = e.inputs ?? {};
    const code = codeOf(e);
    const idleCode = typeof code.params.idleCode === 'string' ? code.params.idleCode : e.command?.idleCodeName;
    const after = (at: number | null) => (at == null ? '—' : t('timing.after', { time: fmt.time(at), duration: fmt.shortDuration(Math.max(0, at - e.at)) }));
    const yesNo = (b: boolean | undefined) => (b === undefined ? '—' : b ? t('yes') : t('no'));
    return html`<dl class="detail" data-testid="audit-detail" aria-label=${t('detailTitle', { id: e.id })}>
      <dt>${t('detail.trigger')}</dt><dd>${t(`trigger.${e.trigger}` as 'trigger.presence')}</dd>
      <dt>${t('detail.inputs')}</dt>
      <dd>
        <div>${t('detail.presence')}: ${i.presence ? `${teamsStateText(locale, e.teamsState ?? code.params.teamsState as string)} (${i.presence.availability} / ${i.presence.activity})` : t('none')}</div>
        <div>${t('detail.ccState')}: ${i.cc ? `${c(`state.${i.cc.state}` as 'state.Idle')} · ${t(`owner.${i.cc.origin}` as 'owner.unknown')}` : '—'}</div>
        <div>${t('detail.profile')}: ${i.profileId ?? '—'}</div>
        <div>${t('detail.gates', { active: yesNo(i.connectorActive), sync: yesNo(i.teamSyncEnabled), paused: i.pausedUntil ? fmt.dateTime(i.pausedUntil) : t('none') })}</div>
      </dd>
      <dt>${t('detail.rule')}</dt>
      <dd>${e.teamsState && idleCode ? t('detail.ruleMatched', { teamsState: teamsStateText(locale, e.teamsState), idleCode }) : t('detail.noRule')}</dd>
      <dt>${t('detail.command')}</dt>
      <dd>
        ${e.command?.state === 'Idle' ? t('detail.commandIdle', { idleCode: e.command.idleCodeName ?? '' }) : e.command?.state === 'Available' ? t('detail.commandAvailable') : t('detail.noCommand')}
        ${e.trackingId ? html`<span class="muted small"> · ${t('detail.tracking', { id: e.trackingId })}</span>` : nothing}
      </dd>
      <dt>${t('detail.result')}</dt>
      <dd>${t(`result.${e.result}` as 'result.skipped')}${e.resultDetail ? html` <span class="muted small">(${e.resultDetail})</span>` : nothing}</dd>
      <dt>${t('detail.timings')}</dt>
      <dd>
        <div>${t('timing.decided')}: ${fmt.dateTime(e.at)}</div>
        <div>${t('timing.sent')}: ${after(e.sentAt)}</div>
        <div>${t('timing.result')}: ${after(e.resultAt)}</div>
      </dd>
      <dt>${t('detail.freshness')}</dt>
      <dd data-testid="freshness">${e.result === 'confirmed' && e.resultAt != null ? t('detail.freshnessValue', { duration: fmt.duration(Math.max(0, e.resultAt - e.at)) }) : t('detail.freshnessNone')}</dd>
    </dl>`;
  }

  override render() {
    const t = this.i18n.t(consoleMessages);
    const fmt = this.i18n.fmt;
    const f = this.filter;
    const apply = (e: Event) => {
      e.preventDefault();
      this.open = null;
      void this.load();
    };
    return html`
      <form class="toolbar" role="search" @submit=${apply}>
        <label>${t('col.agent')}
          <input data-testid="audit-agent" list="audit-agents" .value=${f.agentId} placeholder=${t('anyAgent')} @input=${(e: Event) => this.set({ agentId: (e.target as HTMLInputElement).value })} />
        </label>
        <label>${t('action')}
          <select data-testid="audit-action" @change=${(e: Event) => this.set({ action: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!f.action}>${t('anyAction')}</option>
            ${ACTIONS.map((a) => html`<option value=${a} ?selected=${f.action === a}>${t(`action.${a}`)}</option>`)}
          </select>
        </label>
        <label class="grow">${t('reason')}
          <select data-testid="audit-reason" @change=${(e: Event) => this.set({ reason: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!f.reason}>${t('anyReason')}</option>
            ${this.reasonOptions().map((o) => html`<option value=${o.value} ?selected=${f.reason === o.value}>${o.label}</option>`)}
          </select>
        </label>
        <label>${t('result')}
          <select data-testid="audit-result" @change=${(e: Event) => this.set({ result: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!f.result}>${t('anyResult')}</option>
            ${RESULTS.map((r) => html`<option value=${r} ?selected=${f.result === r}>${t(`result.${r}`)}</option>`)}
          </select>
        </label>
        <label>${t('from')}<input type="datetime-local" data-testid="audit-from" .value=${f.from} @change=${(e: Event) => this.set({ from: (e.target as HTMLInputElement).value })} /></label>
        <label>${t('to')}<input type="datetime-local" data-testid="audit-to" .value=${f.to} @change=${(e: Event) => this.set({ to: (e.target as HTMLInputElement).value })} /></label>
        <button type="submit" class="primary" data-testid="audit-apply" ?disabled=${this.busy}>${t('apply')}</button>
        <button type="button" data-testid="audit-reset" @click=${() => {
          this.filter = EMPTY;
          void this.load();
        }}>${t('reset')}</button>
        <button type="button" data-testid="export-audit" ?disabled=${this.busy} @click=${() => void this.exportCsv()}>${t('exportCsv')}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert" data-testid="audit-error">${this.error}</p>` : nothing}
      <p class="muted" aria-live="polite" data-testid="audit-note">${this.busy ? t('loading') : this.note}</p>
      <table data-testid="audit-table">
        <thead><tr><th scope="col">${t('col.when')}</th><th scope="col">${t('col.agent')}</th><th scope="col">${t('col.decision')}</th><th scope="col">${t('result')}</th><th scope="col"><span class="visually-hidden">${t('details')}</span></th></tr></thead>
        <tbody>
          ${this.entries.map(
            (e) => html`<tr data-testid="audit-row" data-id=${e.id} data-reason=${e.reason} data-result=${e.result}>
                <td>${fmt.dateTime(e.at)}</td>
                <td>${this.names.get(e.agentId)?.name ?? e.agentId}</td>
                <td>${reasonText(codeOf(e), fmt, e.text)}</td>
                <td>${t(`result.${e.result}` as 'result.skipped')}</td>
                <td><button class="link" aria-expanded=${this.open === e.id ? 'true' : 'false'} data-testid="audit-open" @click=${() => (this.open = this.open === e.id ? null : e.id)}>${t('details')}</button></td>
              </tr>
              ${this.open === e.id ? html`<tr><td colspan="5">${this.renderDetail(e)}</td></tr>` : nothing}`,
          )}
        </tbody>
      </table>
      ${!this.busy && this.entries.length === 0 ? html`<p class="muted" data-testid="audit-empty">${t('noEntries')}</p>` : nothing}
      ${this.next ? html`<button data-testid="audit-more" ?disabled=${this.busy} @click=${() => void this.load(true)}>${t('loadMore')}</button>` : nothing}
      <datalist id="audit-agents">${[...this.names.values()].slice(0, 500).map((r) => html`<option value=${r.id}>${r.name}</option>`)}</datalist>
    `;
  }
}

if (!customElements.get('presence-supervisor-audit')) customElements.define('presence-supervisor-audit', PresenceSupervisorAudit);

declare global {
  interface HTMLElementTagNameMap {
    'presence-supervisor-audit': PresenceSupervisorAudit;
  }
}
