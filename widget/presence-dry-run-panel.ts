import { LitElement, css, html, nothing } from 'lit';
import type { AgentView, DryRunAnswer, IdleCodeDto } from '../server/gateway/contract.js';
import { ApiError, type ApiClient } from './api-client.js';
import { LocaleController } from './i18n/locale-controller.js';
import { reasonText } from './i18n/reason-text.js';
import { PRESENCE_PRESETS } from './mapping-draft.js';
import { commonMessages } from './messages/common-messages.js';
import { editorMessages } from './messages/editor-messages.js';
import { baseStyles } from './theme-styles.js';

type PresetKey = `preset.${'InACall' | 'InAConferenceCall' | 'Presenting' | 'DoNotDisturb' | 'Focusing' | 'InAMeeting' | 'Busy' | 'BeRightBack' | 'Away' | 'OutOfOffice' | 'Offline' | 'Available'}`;

/**
 * "What would agent X become if Teams said S now": asks `POST /api/dry-run` with the agent's saved profile and shows
 * the connector's answer in words. Nested in the mapping editor; the host supplies `.api` and `.agents`.
 */
export class PresenceDryRunPanel extends LitElement {
  static override properties = {
    api: { attribute: false },
    agents: { attribute: false },
    idleCodes: { attribute: false },
    locale: {},
    agentId: { state: true },
    availability: { state: true },
    activity: { state: true },
    answer: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
        gap: 8px;
        align-items: end;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 2px;
        font-weight: 600;
      }
      .answer {
        margin-top: 10px;
        padding: 8px 10px;
        border-left: 4px solid var(--tpc-accent);
        background: var(--tpc-surface);
      }
      .answer p {
        margin: 2px 0;
      }
    `,
  ];

  api: ApiClient | null = null;
  agents: AgentView[] = [];
  /** The contact center's idle codes, to name the code a decision would set. */
  idleCodes: IdleCodeDto[] = [];
  locale = '';
  agentId = '';
  availability = PRESENCE_PRESETS[0].availability;
  activity = PRESENCE_PRESETS[0].activity;
  answer: DryRunAnswer | null = null;
  error: { code: string; message: string } | null = null;
  busy = false;
  private readonly i18n = new LocaleController(this);

  private pickPreset(e: Event): void {
    const preset = PRESENCE_PRESETS[Number((e.target as HTMLSelectElement).value)];
    if (!preset) return;
    this.availability = preset.availability;
    this.activity = preset.activity;
  }

  private async run(e: Event): Promise<void> {
    e.preventDefault();
    const agentId = this.agentId || this.agents[0]?.agentId || '';
    if (!this.api || !agentId) {
      this.error = { code: 'choose-agent', message: '' };
      return;
    }
    this.busy = true;
    try {
      this.answer = await this.api.post<DryRunAnswer>('/api/dry-run', {
        agentId,
        availability: this.availability,
        activity: this.activity,
      });
      this.error = null;
    } catch (err) {
      this.answer = null;
      this.error = err instanceof ApiError ? { code: err.code, message: err.message } : { code: 'network', message: String(err) };
    } finally {
      this.busy = false;
    }
  }

  private errorText(): string {
    const e = this.error;
    if (!e) return '';
    if (e.code === 'choose-agent') return this.i18n.t(editorMessages)('dry.chooseAgent');
    const table = commonMessages.tables[this.i18n.locale] as Record<string, string>;
    return table[`error.${e.code}`] ?? (e.message || table['error.other']);
  }

  /** "Idle – Teams Call", "Available": a contact-center state in words with its idle code as the contact center names it. */
  private stateText(s: { state: string; idleCodeName: string | null }): string {
    const table = commonMessages.tables[this.i18n.locale] as Record<string, string>;
    const state = table[`state.${s.state}`] ?? s.state;
    return s.idleCodeName ? `${state} – ${s.idleCodeName}` : state;
  }

  private outcomeText(w: DryRunAnswer['wouldBecome']): string {
    const t = this.i18n.t(editorMessages);
    if (!w) return t('dry.noChange');
    const state = this.stateText(w);
    if (w.afterContact) return t('dry.afterContact', { state });
    if (w.at) return t('dry.at', { state, time: this.i18n.fmt.time(w.at) });
    return state;
  }

  override render() {
    const t = this.i18n.t(editorMessages);
    const presetIndex = PRESENCE_PRESETS.findIndex((p) => p.availability === this.availability && p.activity === this.activity);
    return html`
      <form @submit=${this.run} aria-label=${t('dry.label')}>
        <div class="grid">
          <label
            >${t('dry.agent')}
            <select data-testid="dry-run-agent" @change=${(e: Event) => (this.agentId = (e.target as HTMLSelectElement).value)}>
              ${this.agents.map((a) => html`<option value=${a.agentId} ?selected=${a.agentId === this.agentId}>${a.name} (${a.teamName})</option>`)}
            </select>
          </label>
          <label
            >${t('dry.teamsSays')}
            <select data-testid="dry-run-preset" @change=${this.pickPreset}>
              ${PRESENCE_PRESETS.map((p, i) => html`<option value=${i} ?selected=${i === presetIndex}>${t(`preset.${p.activity}` as PresetKey)}</option>`)}
              ${presetIndex < 0 ? html`<option value="-1" selected>${t('dry.custom')}</option>` : nothing}
            </select>
          </label>
          <label
            >${t('dry.availability')}
            <input data-testid="dry-run-availability" .value=${this.availability} @input=${(e: Event) => (this.availability = (e.target as HTMLInputElement).value)} />
          </label>
          <label
            >${t('dry.activity')}
            <input data-testid="dry-run-activity" .value=${this.activity} @input=${(e: Event) => (this.activity = (e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary" data-testid="dry-run-submit" ?disabled=${this.busy}>${t('dry.preview')}</button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        ${this.error ? html`<p class="error" data-testid="dry-run-error">${this.errorText()}</p>` : nothing}
        ${this.answer ? this.renderAnswer(this.answer) : nothing}
      </div>
    `;
  }

  private renderAnswer(a: DryRunAnswer) {
    const t = this.i18n.t(editorMessages);
    const d = a.decision as { action: string; reason: string; teamsState?: string; idleCodeId?: string; at?: number };
    // The decision as a reason code, rendered like the audit and the agent widget render it.
    const params: Record<string, string | number> = {};
    if (d.teamsState) params.teamsState = d.teamsState;
    if (d.idleCodeId) params.idleCode = this.idleCodes.find((c) => c.id === d.idleCodeId)?.name ?? a.wouldBecome?.idleCodeName ?? d.idleCodeId;
    if (typeof d.at === 'number') params.time = d.at;
    const why = reasonText({ code: `${d.action}.${d.reason}`, params }, this.i18n.fmt, a.text);
    return html`<div class="answer" data-testid="dry-run-answer" data-action=${a.decision.action}>
      <p><strong data-testid="dry-run-reason">${why}</strong></p>
      <p>${t('dry.now', { state: this.stateText(a.current) })}</p>
      <p data-testid="dry-run-would-become">${t('dry.would', { outcome: this.outcomeText(a.wouldBecome) })}</p>
      <p class="muted">${t('dry.uses')}</p>
    </div>`;
  }
}

if (!customElements.get('presence-dry-run-panel')) {
  customElements.define('presence-dry-run-panel', PresenceDryRunPanel);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-dry-run-panel': PresenceDryRunPanel;
  }
}
