import { LitElement, css, html, nothing } from 'lit';
import { errorText, type ApiClient } from './api-client.js';
import type { ProfileDto, TeamDto } from '../server/gateway/contract.js';
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
  errors: Record<string, string> = {};
  saving: string | null = null;

  private async assign(team: TeamDto, profileId: string): Promise<void> {
    if (!this.api) return;
    this.saving = team.id;
    try {
      await this.api.put(`/api/teams/${encodeURIComponent(team.id)}/profile`, { profileId: profileId || null });
      this.errors = { ...this.errors, [team.id]: '' };
      this.dispatchEvent(new CustomEvent('teams-changed', { bubbles: true, composed: true, detail: { teamId: team.id, profileId } }));
    } catch (err) {
      this.errors = { ...this.errors, [team.id]: errorText(err) };
    } finally {
      this.saving = null;
    }
  }

  override render() {
    if (this.teams.length === 0) return html`<p class="muted">No teams yet.</p>`;
    return html`<table data-testid="team-assignment">
      <thead>
        <tr><th scope="col">Team</th><th scope="col">Mapping profile</th><th scope="col">Sync</th></tr>
      </thead>
      <tbody>
        ${this.teams.map(
          (team) => html`<tr data-team-id=${team.id}>
            <th scope="row">${team.name}</th>
            <td>
              <select
                data-testid="team-profile"
                aria-label=${`Mapping profile of ${team.name}`}
                aria-invalid=${this.errors[team.id] ? 'true' : 'false'}
                ?disabled=${this.saving === team.id}
                @change=${(e: Event) => void this.assign(team, (e.target as HTMLSelectElement).value)}
              >
                ${team.profileId ? nothing : html`<option value="" selected>Default profile (none assigned)</option>`}
                ${this.profiles.map((p) => html`<option value=${p.id} ?selected=${p.id === team.profileId}>${p.name}</option>`)}
              </select>
              ${this.errors[team.id] ? html`<span class="field-error" role="alert">${this.errors[team.id]}</span>` : nothing}
            </td>
            <td class="muted">${team.syncEnabled ? 'On' : 'Off'}</td>
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
