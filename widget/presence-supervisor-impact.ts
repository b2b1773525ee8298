import { LitElement, css, html, nothing } from 'lit';
import type { ImpactPreview } from '../server/gateway/contract.js';
import { ApiError, type ApiClient } from './api-client.js';
import { LocaleController } from './i18n/locale-controller.js';
import { commonMessages } from './messages/common-messages.js';
import { consoleMessages } from './messages/supervisor-console-messages.js';
import { baseStyles } from './theme-styles.js';

/** Edits settle for this long before the preview is asked again. */
const DEBOUNCE_MS = 400;

/**
 * `<presence-supervisor-impact>`: "saving this now would idle 12 agents and release 3". Shown by the mapping editor
 * before saving: the host passes `.api`, `.profileId` (empty for a new profile) and `.profile` (the body a save
 * would send); the element asks `POST /api/insights/impact` whenever they change (debounced) and renders the
 * counts and the agents whose state would change. Sends nothing that changes state.
 */
export class PresenceSupervisorImpact extends LitElement {
  static override properties = {
    api: { attribute: false },
    profileId: { attribute: 'profile-id' },
    profile: { attribute: false },
    preview: { state: true },
    problem: { state: true },
    busy: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        margin: 8px 0;
      }
      section {
        border: 1px solid var(--tpc-border);
        border-radius: var(--tpc-radius);
        padding: 8px 12px;
      }
      h4 {
        margin: 0 0 4px;
        font-size: 1em;
      }
      p {
        margin: 2px 0;
      }
    `,
  ];

  api: ApiClient | null = null;
  profileId = '';
  profile: unknown = null;
  preview: ImpactPreview | null = null;
  /** 'invalid' when the draft would not save, else an error code; null when the preview is current. */
  problem: string | null = null;
  busy = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private asked = '';
  private readonly i18n = new LocaleController(this);

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (!(changed.has('api') || changed.has('profileId') || changed.has('profile'))) return;
    // Hosts rebuild the body on every render: ask again only when what would be saved differs.
    const key = JSON.stringify([this.profileId, this.profile]);
    if (key === this.asked && !changed.has('api')) return;
    this.asked = key;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.evaluate(), DEBOUNCE_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  /** Asks the server now; a slower earlier answer never overwrites a newer one. */
  async evaluate(): Promise<void> {
    if (!this.api || !this.profile) return;
    const mine = ++this.seq;
    this.busy = true;
    try {
      const body = { profile: this.profile, ...(this.profileId ? { profileId: this.profileId } : {}) };
      const preview = await this.api.post<ImpactPreview>('/api/insights/impact', body);
      if (mine !== this.seq) return;
      this.preview = preview;
      this.problem = null;
    } catch (err) {
      if (mine !== this.seq) return;
      this.preview = null;
      this.problem = err instanceof ApiError ? err.code : 'other';
    } finally {
      if (mine === this.seq) this.busy = false;
    }
  }

  override render() {
    const t = this.i18n.t(consoleMessages);
    const c = this.i18n.t(commonMessages);
    const p = this.preview;
    const agents = (n: number) => t('agents', { count: n });
    let body;
    if (this.problem === 'invalid') body = html`<p class="muted" data-testid="impact-invalid">${t('impact.invalid')}</p>`;
    else if (this.problem) body = html`<p class="error" role="alert">${c(`error.${this.problem}` as 'error.other')}</p>`;
    else if (!p) body = html`<p class="muted">${t('impact.loading')}</p>`;
    else if (p.agents === 0) body = html`<p class="muted" data-testid="impact-none">${t('impact.noAgents')}</p>`;
    else {
      const n = p.counts;
      body = html`
        <p data-testid="impact-summary"><strong>${t('impact.summary', { idle: agents(n.idle), release: agents(n.release) })}</strong></p>
        ${n.switch ? html`<p>${t('impact.switch', { switch: agents(n.switch) })}</p>` : nothing}
        ${n['idle-after-contact'] ? html`<p>${t('impact.afterContact', { pending: agents(n['idle-after-contact']) })}</p>` : nothing}
        <p class="muted">${t('impact.governs', { agents: agents(p.agents), unchanged: agents(n.unchanged) })}</p>
        ${p.changes.length
          ? html`<details>
              <summary>${t('impact.changes')}</summary>
              <ul data-testid="impact-changes">
                ${p.changes.map((ch) => html`<li data-agent=${ch.agentId} data-outcome=${ch.outcome}>${ch.name}: ${t(`outcome.${ch.outcome}` as 'outcome.idle', { idleCode: ch.idleCodeName ?? '' })}</li>`)}
              </ul>
            </details>`
          : nothing}
      `;
    }
    return html`<section aria-live="polite" aria-busy=${this.busy ? 'true' : 'false'} data-testid="impact" data-idle=${p?.counts.idle ?? ''} data-release=${p?.counts.release ?? ''} data-switch=${p?.counts.switch ?? ''} data-busy=${this.busy ? 'true' : 'false'}>
      <h4>${t('impact.title')}</h4>
      ${body}
    </section>`;
  }
}

if (!customElements.get('presence-supervisor-impact')) customElements.define('presence-supervisor-impact', PresenceSupervisorImpact);

declare global {
  interface HTMLElementTagNameMap {
    'presence-supervisor-impact': PresenceSupervisorImpact;
  }
}
