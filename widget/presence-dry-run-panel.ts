import { LitElement, css, html, nothing } from 'lit';
import type { AgentView } from '../server/gateway/contract.js';
import { errorText, type ApiClient } from './api-client.js';
import type { DryRunAnswer } from '../server/gateway/contract.js';
import { agentStateLabel, clockTime } from './format.js';
import { PRESENCE_PRESETS } from './mapping-draft.js';
import { baseStyles } from './theme-styles.js';

const describeState = (s: { state: string; idleCodeName: string | null }): string =>
  s.idleCodeName ? `${agentStateLabel(s.state)} – ${s.idleCodeName}` : agentStateLabel(s.state);

function describeOutcome(w: DryRunAnswer['wouldBecome']): string {
  if (!w) return 'no change';
  const when = w.afterContact ? ' when the current contact ends' : w.at ? ` at ${clockTime(w.at)}, after the settle delay` : '';
  return `${describeState(w)}${when}`;
}

/**
 * "What would agent X become if Teams said S now": asks `POST /api/dry-run` with the agent's saved profile and shows
 * the connector's answer in words. Nested in the mapping editor; the host supplies `.api` and `.agents`.
 */
export class PresenceDryRunPanel extends LitElement {
  static override properties = {
    api: { attribute: false },
    agents: { attribute: false },
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
  agentId = '';
  availability = PRESENCE_PRESETS[0].availability;
  activity = PRESENCE_PRESETS[0].activity;
  answer: DryRunAnswer | null = null;
  error: string | null = null;
  busy = false;

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
      this.error = 'Choose an agent first.';
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
      this.error = errorText(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const presetIndex = PRESENCE_PRESETS.findIndex((p) => p.availability === this.availability && p.activity === this.activity);
    return html`
      <form @submit=${this.run} aria-label="Dry run">
        <div class="grid">
          <label
            >Agent
            <select data-testid="dry-run-agent" @change=${(e: Event) => (this.agentId = (e.target as HTMLSelectElement).value)}>
              ${this.agents.map((a) => html`<option value=${a.agentId} ?selected=${a.agentId === this.agentId}>${a.name} (${a.teamName})</option>`)}
            </select>
          </label>
          <label
            >Teams says
            <select data-testid="dry-run-preset" @change=${this.pickPreset}>
              ${PRESENCE_PRESETS.map((p, i) => html`<option value=${i} ?selected=${i === presetIndex}>${p.label}</option>`)}
              ${presetIndex < 0 ? html`<option value="-1" selected>Custom</option>` : nothing}
            </select>
          </label>
          <label
            >Availability
            <input data-testid="dry-run-availability" .value=${this.availability} @input=${(e: Event) => (this.availability = (e.target as HTMLInputElement).value)} />
          </label>
          <label
            >Activity
            <input data-testid="dry-run-activity" .value=${this.activity} @input=${(e: Event) => (this.activity = (e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary" data-testid="dry-run-submit" ?disabled=${this.busy}>Preview</button>
        </div>
      </form>
      <div role="status" aria-live="polite">
        ${this.error ? html`<p class="error" data-testid="dry-run-error">${this.error}</p>` : nothing}
        ${this.answer ? this.renderAnswer(this.answer) : nothing}
      </div>
    `;
  }

  private renderAnswer(a: DryRunAnswer) {
    return html`<div class="answer" data-testid="dry-run-answer" data-action=${a.decision.action}>
      <p><strong>${a.text}</strong></p>
      <p>Now: ${describeState(a.current)}</p>
      <p data-testid="dry-run-would-become">
        Would become: ${describeOutcome(a.wouldBecome)}
      </p>
      <p class="muted">Decision: ${a.decision.action} (${a.decision.reason}). Uses the saved profile of the agent’s team.</p>
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
