import { LitElement, css, html, nothing } from 'lit';
import type { ProfileDto, TeamDto } from '../server/gateway/contract.js';
import { ApiError, type ApiClient } from './api-client.js';
import { LocaleController } from './i18n/locale-controller.js';
import { commonMessages } from './messages/common-messages.js';
import { editorMessages } from './messages/editor-messages.js';
import { baseStyles } from './theme-styles.js';

/**
 * Which mapping profile each team uses. A change is saved at once with `PUT /api/teams/:id/profile`; the element
 * then fires `teams-changed` so the editor reloads. Errors stay next to the team they concern.
 */
export class PresenceTeamAssignment extends LitElement {
  static override properties = {
    api: { attribute: false },
    teams: { attribute: false },
    profiles: { attribute: false },
    locale: {},
    errors: { state: true },
    saving: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
    `,
  ];

  api: ApiClient | null = null;
  teams: TeamDto[] = [];
  profiles: ProfileDto[] = [];
  /** Per team: the failure's error code and the server's words as a fallback. */
  errors: Record<string, { code: string; message: string } | null> = {};
  locale = '';
  private readonly i18n = new LocaleController(this);
  saving: string | null = null;

  private async assign(team: TeamDto, profileId: string): Promise<void> {
    if (!this.api) return;
    this.saving = team.id;
    try {
      await this.api.put(`/api/teams/${encodeURIComponent(team.id)}/profile`, { profileId: profileId || null });
      this.errors = { ...this.errors, [team.id]: null };
      this.dispatchEvent(new CustomEvent('teams-changed', { bubbles: true, composed: true, detail: { teamId: team.id, profileId } }));
    } catch (err) {
      this.errors = { ...this.errors, [team.id]: err instanceof ApiError ? { code: err.code, message: err.message } : { code: 'network', message: String(err) } };
    } finally {
      this.saving = null;
    }
  }

  private errorText(team: TeamDto): string {
    const e = this.errors[team.id];
    if (!e) return '';
    const table = commonMessages.tables[this.i18n.locale] as Record<string, string>;
    return table[`error.${e.code}`] ?? (e.message || table['error.other']);
  }

  override render() {
    const t = this.i18n.t(editorMessages);
    if (this.teams.length === 0) return html`<p class="muted">${t('team.none')}</p>`;
    return html`<table data-testid="team-assignment">
      <thead>
        <tr><th scope="col">${t('team.colTeam')}</th><th scope="col">${t('team.colProfile')}</th><th scope="col">${t('team.colSync')}</th></tr>
      </thead>
      <tbody>
        ${this.teams.map(
          (team) => html`<tr data-team-id=${team.id}>
            <th scope="row">${team.name}</th>
            <td>
              <select
                data-testid="team-profile"
                aria-label=${t('team.profileOf', { team: team.name })}
                aria-invalid=${this.errors[team.id] ? 'true' : 'false'}
                ?disabled=${this.saving === team.id}
                @change=${(e: Event) => void this.assign(team, (e.target as HTMLSelectElement).value)}
              >
                ${team.profileId ? nothing : html`<option value="" selected>${t('team.default')}</option>`}
                ${this.profiles.map((p) => html`<option value=${p.id} ?selected=${p.id === team.profileId}>${p.name}</option>`)}
              </select>
              ${this.errors[team.id] ? html`<span class="field-error" role="alert">${this.errorText(team)}</span>` : nothing}
            </td>
            <td class="muted">${team.syncEnabled ? t('team.on') : t('team.off')}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

if (!customElements.get('presence-team-assignment')) {
  customElements.define('presence-team-assignment', PresenceTeamAssignment);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-team-assignment': PresenceTeamAssignment;
  }
}
