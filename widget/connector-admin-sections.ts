import { css, html, nothing } from 'lit';
import type { AdminStatus, AdminTeamDto } from '../server/gateway/contract.js';
import { ageInWords, msInWords } from './format.js';

/**
 * Read-only sections of `<presence-connector-admin>` as pure templates: health, permissions, unmatched agents and
 * the team sync switches (whose handler the element supplies).
 */

export const LIFECYCLE_LABEL: Record<string, string> = {
  unconfigured: 'Not configured',
  active: 'Active',
  inactive: 'Inactive',
  deleted: 'Deleted',
};

export function renderHealth(status: AdminStatus, now: number) {
  const h = status.health ?? {};
  const rows: Array<[string, string, string]> = [
    ['token', 'Access token acquired', ageInWords(h.tokenAcquiredAt, now)],
    ['graph', 'Last successful Microsoft Graph call', ageInWords(h.lastGraphSuccessAt, now)],
    ['cc', 'Last successful contact-center call', ageInWords(h.lastCcSuccessAt, now)],
    [
      'subscription',
      'Presence subscription expires',
      status.presenceMode === 'poll' && !h.subscriptionExpiresAt ? 'not used in poll mode' : ageInWords(h.subscriptionExpiresAt, now, 'no subscription'),
    ],
    ['poll-interval', 'Poll interval', msInWords(h.pollIntervalMs)],
    ['poll-lag', 'Poll lag', msInWords(h.pollLagMs)],
    ['throttled', 'Throttled (HTTP 429) responses', String(h.throttled429 ?? 0)],
    ['presence', 'Teams presence', h.presenceStale ? `stale since ${ageInWords(h.staleSince, now, 'unknown')}` : 'fresh'],
  ];
  return html`<table data-testid="health">
    <caption class="visually-hidden">Connector health</caption>
    <tbody>
      ${rows.map(
        ([key, label, text]) => html`<tr data-health=${key}>
          <th scope="row">${label}</th>
          <td class=${key === 'presence' && h.presenceStale ? 'error' : ''}>${text}</td>
        </tr>`,
      )}
      <tr data-health="mode"><th scope="row">Presence mode</th><td>${status.presenceMode}</td></tr>
      <tr data-health="counts">
        <th scope="row">Agents</th>
        <td>${status.counts?.agents ?? 0} in total, ${status.counts?.matched ?? 0} matched to Teams, ${status.counts?.connectorIdle ?? 0} held idle by the connector</td>
      </tr>
    </tbody>
  </table>`;
}

export function renderPermissions(status: AdminStatus) {
  const perms = status.permissions ?? [];
  return html`<ul class="perms" data-testid="permissions">
      ${perms.map(
        (p) => html`<li data-permission=${p.permission} data-ok=${String(p.ok)}>
          <span class=${p.ok ? 'ok' : 'bad'} role="img" aria-label=${p.ok ? 'granted' : 'missing'}>${p.ok ? '✓' : '✗'}</span>
          <code>${p.permission}</code>
          ${p.detail ? html`<span class="muted">${p.detail}</span>` : nothing}
        </li>`,
      )}
    </ul>
    ${perms.length === 0 ? html`<p class="muted">Permissions not checked yet.</p>` : nothing}
    ${status.adminConsentUrl
      ? html`<p>
          <a data-testid="consent-link" href=${status.adminConsentUrl} target="_blank" rel="noopener noreferrer">Grant admin consent in Microsoft Entra</a>
          <span class="muted">(opens the tenant's consent page for the configured app)</span>
        </p>`
      : nothing}`;
}

export function renderUnmatched(status: AdminStatus) {
  const agents = status.unmatchedAgents ?? [];
  if (agents.length === 0) return html`<p class="muted" data-testid="unmatched-none">Every agent is matched to a Teams user.</p>`;
  return html`<p class="muted">These agents have no Teams user with the same email or user principal name; the connector leaves them alone.</p>
    <table data-testid="unmatched">
      <thead><tr><th scope="col">Agent</th><th scope="col">Email</th></tr></thead>
      <tbody>
        ${agents.map((a) => html`<tr data-agent-id=${a.agentId}><td>${a.name}</td><td>${a.email}</td></tr>`)}
      </tbody>
    </table>`;
}

export function renderTeamSync(teams: AdminTeamDto[], busyTeam: string | null, toggle: (team: AdminTeamDto, enabled: boolean) => void) {
  if (teams.length === 0) return html`<p class="muted">No teams yet.</p>`;
  return html`<table data-testid="team-sync">
    <thead><tr><th scope="col">Team</th><th scope="col">Mapping profile</th><th scope="col">Presence sync</th></tr></thead>
    <tbody>
      ${teams.map(
        (t) => html`<tr data-team-id=${t.id}>
          <th scope="row">${t.name}</th>
          <td>${t.profileName ?? t.profileId ?? 'default (none assigned)'}</td>
          <td>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                data-testid="team-sync-toggle"
                .checked=${t.syncEnabled}
                ?disabled=${busyTeam === t.id}
                aria-checked=${t.syncEnabled ? 'true' : 'false'}
                @change=${(e: Event) => toggle(t, (e.target as HTMLInputElement).checked)}
              />
              ${t.syncEnabled ? 'On' : 'Off'}
            </label>
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

export const adminStyles = css`
  :host {
    padding: 16px;
    max-width: 960px;
  }
  section {
    margin-top: 20px;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
  }
  .badge {
    font-weight: 700;
    padding: 2px 10px;
    border-radius: 999px;
    border: 2px solid currentColor;
  }
  .badge[data-lifecycle='active'] {
    color: var(--tpc-available);
  }
  .badge[data-lifecycle='inactive'] {
    color: var(--tpc-away);
  }
  .badge[data-lifecycle='unconfigured'],
  .badge[data-lifecycle='deleted'] {
    color: var(--tpc-offline);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-top: 12px;
  }
  .perms {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .perms li {
    display: flex;
    gap: 8px;
    align-items: baseline;
    padding: 2px 0;
  }
  .ok {
    color: var(--tpc-available);
    font-weight: 700;
  }
  .bad {
    color: var(--tpc-error);
    font-weight: 700;
  }
  a {
    color: var(--tpc-accent);
  }
  th[scope='row'] {
    font-weight: 500;
    width: 45%;
  }
  dialog {
    color: var(--tpc-fg);
    background: var(--tpc-bg);
    border: 1px solid var(--tpc-border);
    border-radius: var(--tpc-radius);
    max-width: min(480px, calc(100vw - 32px));
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  dialog .row {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
    margin-top: 12px;
  }
`;
