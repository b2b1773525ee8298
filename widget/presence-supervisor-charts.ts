import { LitElement, html, nothing, svg } from 'lit';
import type { Insights } from '../server/gateway/contract.js';
import { ApiError, type ApiClient } from './api-client.js';
import type { TeamDto } from '../server/gateway/contract.js';
import { format } from './i18n/i18n.js';
import { LocaleController } from './i18n/locale-controller.js';
import { commonMessages } from './messages/common-messages.js';
import { reasonMessages } from './messages/reason-messages.js';
import { consoleMessages } from './messages/supervisor-console-messages.js';
import { consoleStyles } from './supervisor-console-styles.js';
import { baseStyles } from './theme-styles.js';

const RANGES = { '1h': 3600_000, '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;
type Range = keyof typeof RANGES | 'custom';

interface Bar {
  label: string;
  value: number;
  text: string;
}

const ROW = 22;
const LABEL_W = 190;
const WIDTH = 420;
const short = (s: string, n = 30): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * `<presence-supervisor-charts>`: the console's charts over a chosen range, drawn as plain SVG from the server's
 * aggregates (`GET /api/insights`): minutes held idle by the connector per team and per agent, decisions by reason,
 * the freshness distribution and the estimated offers avoided. Each chart is an image whose accessible name lists
 * its values.
 */
export class PresenceSupervisorCharts extends LitElement {
  static override properties = {
    api: { attribute: false },
    range: { state: true },
    customFrom: { state: true },
    customTo: { state: true },
    teamId: { state: true },
    teams: { state: true },
    data: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  static override styles = [baseStyles, consoleStyles];

  api: ApiClient | null = null;
  range: Range = '24h';
  /** `datetime-local` values (the reader's time zone) when the range is custom. */
  customFrom = '';
  customTo = '';
  teamId = '';
  teams: TeamDto[] = [];
  data: Insights | null = null;
  error: string | null = null;
  busy = false;
  private readonly i18n = new LocaleController(this);

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && this.api) {
      void this.load();
      this.api.get<TeamDto[]>('/api/teams').then((t) => (this.teams = t), () => undefined);
    }
  }

  async load(): Promise<void> {
    if (!this.api) return;
    this.busy = true;
    let to = Date.now();
    let from = this.range === 'custom' ? Date.parse(this.customFrom) : to - RANGES[this.range];
    if (this.range === 'custom' && this.customTo) to = Date.parse(this.customTo);
    if (!Number.isFinite(from)) from = to - RANGES['24h'];
    const q = new URLSearchParams({ from: String(from), to: String(to) });
    if (this.teamId) q.set('teamId', this.teamId);
    try {
      this.data = await this.api.get<Insights>(`/api/insights?${q}`);
      this.error = null;
    } catch (err) {
      const c = this.i18n.t(commonMessages);
      const text = c(`error.${err instanceof ApiError ? err.code : 'other'}` as 'error.other');
      this.error = text.startsWith('error.') ? c('error.other') : text;
    } finally {
      this.busy = false;
    }
  }

  private chart(id: string, title: string, bars: Bar[], extra: unknown = nothing) {
    const t = this.i18n.t(consoleMessages);
    const max = Math.max(1, ...bars.map((b) => b.value));
    const height = Math.max(1, bars.length) * ROW + 4;
    const label = t('chartLabel', { title, values: bars.length ? bars.map((b) => `${b.label} ${b.text}`).join('; ') : t('noData') });
    return html`<figure data-testid="chart-${id}" data-values=${JSON.stringify(bars.map((b) => b.value))}>
      <figcaption id="cap-${id}">${title}</figcaption>
      ${bars.length === 0
        ? html`<p class="muted">${t('noData')}</p>`
        : html`<svg class="bars" role="img" aria-label=${label} viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">
            ${bars.map((b, i) => {
              const y = i * ROW + 2;
              const w = Math.max(b.value > 0 ? 2 : 0, ((WIDTH - LABEL_W - 60) * b.value) / max);
              return svg`<g><title>${b.label}: ${b.text}</title>
                <text x="0" y=${y + 15}>${short(b.label)}</text>
                <rect class="bar" x=${LABEL_W} y=${y + 3} width=${w} height=${ROW - 8} rx="2"></rect>
                <text x=${LABEL_W + w + 6} y=${y + 15}>${b.text}</text></g>`;
            })}
            <line class="axis" x1=${LABEL_W} y1="0" x2=${LABEL_W} y2=${height}></line>
          </svg>`}
      ${extra}
    </figure>`;
  }

  override render() {
    const t = this.i18n.t(consoleMessages);
    const fmt = this.i18n.fmt;
    const locale = this.i18n.locale;
    const d = this.data;
    const minutes = (n: number) => t('minutes', { count: n });
    const reasonLabel = (action: string, reason: string) => {
      const m = (reasonMessages.tables[locale] as Record<string, string>)[`${action}.${reason}`];
      const words = m ? format(locale, m, { teamsState: '…', idleCode: '…', time: '…' }) : reason;
      return `${t(`action.${action}` as 'action.skip')}: ${words}`;
    };
    return html`
      <form class="toolbar" @submit=${(e: Event) => {
        e.preventDefault();
        void this.load();
      }}>
        <label>${t('range')}
          <select data-testid="charts-range" @change=${(e: Event) => (this.range = (e.target as HTMLSelectElement).value as Range)}>
            ${([...Object.keys(RANGES), 'custom'] as Range[]).map((r) => html`<option value=${r} ?selected=${this.range === r}>${t(`range.${r}`)}</option>`)}
          </select>
        </label>
        ${this.range === 'custom'
          ? html`<label>${t('from')}<input type="datetime-local" data-testid="charts-from" .value=${this.customFrom} @change=${(e: Event) => (this.customFrom = (e.target as HTMLInputElement).value)} /></label>
              <label>${t('to')}<input type="datetime-local" data-testid="charts-to" .value=${this.customTo} @change=${(e: Event) => (this.customTo = (e.target as HTMLInputElement).value)} /></label>`
          : nothing}
        <label>${t('team')}
          <select data-testid="charts-team" @change=${(e: Event) => (this.teamId = (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${!this.teamId}>${t('allTeams')}</option>
            ${this.teams.map((tm) => html`<option value=${tm.id} ?selected=${this.teamId === tm.id}>${tm.name}</option>`)}
          </select>
        </label>
        <button type="submit" class="primary" data-testid="charts-refresh" ?disabled=${this.busy}>${t('refresh')}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.busy && !d ? html`<p class="muted">${t('loading')}</p>` : nothing}
      ${d
        ? html`${d.truncated ? html`<p class="notice">${t('truncated', { count: d.scanned })}</p>` : nothing}
            <div class="charts" aria-busy=${this.busy ? 'true' : 'false'}>
              ${this.chart('idle-teams', t('chart.idleTeams'), d.idle.byTeam.map((x) => ({ label: x.teamName || t('noTeam'), value: x.minutes, text: minutes(x.minutes) })), html`<p class="small">${minutes(d.idle.totalMinutes)}</p>`)}
              ${this.chart('idle-agents', t('chart.idleAgents'), d.idle.byAgent.slice(0, 10).map((x) => ({ label: x.name, value: x.minutes, text: minutes(x.minutes) })))}
              ${this.chart('decisions', t('chart.decisions'), d.decisions.slice(0, 12).map((x) => ({ label: reasonLabel(x.action, x.reason), value: x.count, text: fmt.number(x.count) })))}
              ${this.chart(
                'freshness',
                t('chart.freshness'),
                d.freshness.count === 0
                  ? []
                  : d.freshness.buckets.map((b, i, all) => ({
                      label: b.upToMs != null ? t('upTo', { duration: fmt.shortDuration(b.upToMs) }) : t('over', { duration: fmt.shortDuration(all[i - 1]?.upToMs ?? 0) }),
                      value: b.count,
                      text: fmt.number(b.count),
                    })),
                d.freshness.count
                  ? html`<p class="small">${t('commands', { count: d.freshness.count })} · ${t('freshnessSummary', { p50: fmt.shortDuration(d.freshness.p50Ms ?? 0), p90: fmt.shortDuration(d.freshness.p90Ms ?? 0), p99: fmt.shortDuration(d.freshness.p99Ms ?? 0) })}</p>`
                  : nothing,
              )}
              ${this.chart(
                'offers',
                t('chart.offers'),
                d.offersAvoided.byTeam.filter((x) => x.heldMinutes > 0 || x.offers > 0).map((x) => ({ label: x.teamName || t('noTeam'), value: x.estimate, text: fmt.number(x.estimate) })),
                html`<p data-testid="offers-total"><strong>${t('offersTotal', { count: d.offersAvoided.total })}</strong></p>
                  <ul class="small">${d.offersAvoided.byTeam.map((x) => html`<li>${t('offersTeam', { team: x.teamName || t('noTeam'), count: x.offers, available: x.availableMinutes })}</li>`)}</ul>
                  <p class="small muted">${t('offersMethod')}</p>`,
              )}
            </div>`
        : nothing}
    `;
  }
}

if (!customElements.get('presence-supervisor-charts')) customElements.define('presence-supervisor-charts', PresenceSupervisorCharts);

declare global {
  interface HTMLElementTagNameMap {
    'presence-supervisor-charts': PresenceSupervisorCharts;
  }
}
