import { html, nothing, type TemplateResult } from 'lit';
import type { AdminStatus, AdminTeamDto } from '../server/gateway/contract.js';
import { isRec, span, type Ctx, type Rec } from './connector-admin-format.js';
import { HEALTH_KEYS } from './connector-admin-upstream-sections.js';

/**
 * Sections of `<presence-connector-admin>` about access and coverage: permissions, unmatched agents, the team sync
 * switches (whose handler the element supplies) and, so that a field a newer server adds is never hidden, every
 * other status field in a generic form.
 */

export function renderPermissions(status: AdminStatus, c: Ctx) {
  const { t } = c;
  const perms = status.permissions ?? [];
  return html`<ul class="perms" data-testid="permissions">
      ${perms.map(
        (p) => html`<li data-permission=${p.permission} data-ok=${String(p.ok)}>
          <span class=${p.ok ? 'ok' : 'bad'} role="img" aria-label=${p.ok ? t('perm.granted') : t('perm.missing')}>${p.ok ? '✓' : '✗'}</span>
          <code>${p.permission}</code>
          ${p.detail ? html`<span class="muted">${p.detail}</span>` : nothing}
        </li>`,
      )}
    </ul>
    ${perms.length === 0 ? html`<p class="muted">${t('permNotChecked')}</p>` : nothing}
    ${status.adminConsentUrl
      ? html`<p>
          <a data-testid="consent-link" href=${status.adminConsentUrl} target="_blank" rel="noopener noreferrer">${t('consent')}</a>
          <span class="muted">${t('consentHint')}</span>
        </p>`
      : nothing}`;
}

export function renderUnmatched(status: AdminStatus, c: Ctx) {
  const { t } = c;
  const agents = status.unmatchedAgents ?? [];
  if (agents.length === 0) return html`<p class="muted" data-testid="unmatched-none">${t('unmatchedNone')}</p>`;
  return html`<p class="muted">${t('unmatchedHint')}</p>
    <table data-testid="unmatched">
      <thead><tr><th scope="col">${t('colAgent')}</th><th scope="col">${t('colEmail')}</th></tr></thead>
      <tbody>
        ${agents.map((a) => html`<tr data-agent-id=${a.agentId}><td>${a.name}</td><td>${a.email}</td></tr>`)}
      </tbody>
    </table>`;
}

export function renderTeamSync(teams: AdminTeamDto[], busyTeam: string | null, toggle: (team: AdminTeamDto, enabled: boolean) => void, c: Ctx) {
  const { t } = c;
  if (teams.length === 0) return html`<p class="muted">${t('teamsNone')}</p>`;
  return html`<table data-testid="team-sync">
    <thead><tr><th scope="col">${t('colTeam')}</th><th scope="col">${t('colProfile')}</th><th scope="col">${t('colSync')}</th></tr></thead>
    <tbody>
      ${teams.map(
        (team) => html`<tr data-team-id=${team.id}>
          <th scope="row">${team.name}</th>
          <td>${team.profileName ?? team.profileId ?? t('defaultProfile')}</td>
          <td>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                data-testid="team-sync-toggle"
                .checked=${team.syncEnabled}
                ?disabled=${busyTeam === team.id}
                aria-checked=${team.syncEnabled ? 'true' : 'false'}
                @change=${(e: Event) => toggle(team, (e.target as HTMLInputElement).checked)}
              />
              ${team.syncEnabled ? t('on') : t('off')}
            </label>
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Top-level fields this page renders in its own sections. */
const KNOWN_TOP = new Set(['lifecycle', 'presenceMode', 'health', 'permissions', 'adminConsentUrl', 'unmatchedAgents', 'counts', 'readiness']);

/** "lastDirectoryRefreshAt" → "Last directory refresh at": a readable label for a field this page does not know. */
const humanise = (key: string): string => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function genericValue(v: unknown, key: string, c: Ctx, depth: number): TemplateResult | string {
  if (v == null) return c.t('none');
  if (typeof v === 'boolean') return v ? c.t('yes') : c.t('no');
  if (typeof v === 'number') {
    // Epoch milliseconds in fields named like times read as relative times.
    if (/(At|Since|Until|Expires)$/i.test(key) && v > 1e12) return `${c.fmt.dateTime(v)} (${c.fmt.relative(v, c.now)})`;
    if (/Ms$/.test(key)) return span(c, v);
    return c.fmt.number(v);
  }
  if (typeof v === 'string') return v;
  if (depth >= 2) return JSON.stringify(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return c.t('none');
    return html`<ul class="generic">${v.map((x) => html`<li>${genericValue(x, key, c, depth + 1)}</li>`)}</ul>`;
  }
  return html`<dl class="generic">${Object.entries(v as Rec).map(([k, x]) => html`<dt>${humanise(k)}</dt><dd>${genericValue(x, k, c, depth + 1)}</dd>`)}</dl>`;
}

/** Every status field the sections above do not render, so nothing a server adds stays invisible. */
export function otherFields(status: AdminStatus, skip: readonly string[]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(status as unknown as Rec)) {
    if (k === 'health' && isRec(v)) {
      for (const [hk, hv] of Object.entries(v)) if (!HEALTH_KEYS.has(hk) && !skip.includes(`health.${hk}`)) out.push([hk, hv]);
    } else if (!KNOWN_TOP.has(k) && !skip.includes(k)) {
      if (!isRec(v)) {
        out.push([k, v]);
        continue;
      }
      // Keys of this object that a section above already shows are left out of the generic view.
      const rest = Object.entries(v).filter(([sub]) => !skip.includes(`${k}.${sub}`));
      if (rest.length > 0) out.push([k, Object.fromEntries(rest)]);
    }
  }
  return out;
}


export function renderOther(fields: Array<[string, unknown]>, c: Ctx) {
  return html`<table data-testid="other-status">
    <tbody>
      ${fields.map(([k, v]) => html`<tr data-field=${k}><th scope="row">${humanise(k)}</th><td>${genericValue(v, k, c, 0)}</td></tr>`)}
    </tbody>
  </table>`;
}
