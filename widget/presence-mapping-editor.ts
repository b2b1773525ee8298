import { LitElement, html, nothing } from 'lit';
import type { AgentView } from '../server/gateway/contract.js';
import { ApiClient, ApiError, errorText } from './api-client.js';
import type { IdleCodeDto, ProfileDto, TeamDto } from '../server/gateway/contract.js';
import { draftFromProfile, draftToBody, emptyDraft, moveRule, nextRule, placeErrors, type Draft, type DraftRule } from './mapping-draft.js';
import { mappingEditorStyles } from './mapping-editor-styles.js';
import { renderProfileForm, type ProfileFormHandlers } from './mapping-profile-form.js';
import './presence-dry-run-panel.js';
import './presence-supervisor-impact.js';
import './presence-profile-import.js';
import './presence-team-assignment.js';
import { baseStyles, themeStyles } from './theme-styles.js';

/**
 * `<presence-mapping-editor server-url token theme>`: the supervisor's page for mapping Teams states to idle codes.
 * Loads profiles, idle codes (shown by name), teams and agents over the HTTP API; saves a profile and shows each
 * validation error next to the input it names; assigns teams; imports, exports and previews with a dry run.
 */
export class PresenceMappingEditor extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    theme: { reflect: true },
    profiles: { state: true },
    idleCodes: { state: true },
    teams: { state: true },
    agents: { state: true },
    draft: { state: true },
    dirty: { state: true },
    fieldErrors: { state: true },
    formErrors: { state: true },
    status: { state: true },
    loadError: { state: true },
    busy: { state: true },
    confirmingDelete: { state: true },
  };

  static override styles = [themeStyles, baseStyles, mappingEditorStyles];

  serverUrl = '';
  token = '';
  theme = 'auto';
  profiles: ProfileDto[] = [];
  idleCodes: IdleCodeDto[] = [];
  teams: TeamDto[] = [];
  agents: AgentView[] = [];
  draft: Draft = emptyDraft();
  dirty = false;
  fieldErrors: Map<string, string> = new Map();
  formErrors: string[] = [];
  status = '';
  loadError: string | null = null;
  busy = false;
  confirmingDelete = false;
  /** A new, unsaved profile is on screen on purpose. */
  private creating = false;

  /** Replaced when the URL or token changes, so the nested panels re-render only then. */
  private api = new ApiClient('', '');

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('serverUrl') || changed.has('token')) this.api = new ApiClient(this.serverUrl, this.token);
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('serverUrl') || changed.has('token')) && this.token) void this.load();
  }

  /** Reloads everything; keeps the selected profile when it still exists. */
  async load(selectId = this.draft.id): Promise<void> {
    const api = this.api;
    try {
      const [profiles, idleCodes, teams] = await Promise.all([
        api.get<ProfileDto[]>('/api/profiles'),
        api.get<IdleCodeDto[]>('/api/idle-codes'),
        api.get<TeamDto[]>('/api/teams'),
      ]);
      this.profiles = profiles;
      this.idleCodes = idleCodes;
      this.teams = teams;
      this.loadError = null;
      // Unsaved edits are never replaced by a background reload.
      if (!this.dirty && !(this.creating && selectId === undefined)) {
        const selected = profiles.find((p) => p.id === selectId) ?? profiles.find((p) => p.id === 'default') ?? profiles[0];
        if (selected) this.select(selected);
      }
    } catch (err) {
      this.loadError = errorText(err);
    }
    try {
      // /api/agents is paged like the audit trail: follow `next` until the last page.
      const agents: AgentView[] = [];
      let after: string | null = null;
      do {
        const page: { entries: AgentView[]; next: string | null } = await api.get(`/api/agents?limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        agents.push(...page.entries);
        after = page.next;
      } while (after);
      this.agents = agents;
    } catch {
      this.agents = [];
    }
  }

  private select(profile: ProfileDto | undefined): void {
    this.creating = !profile;
    this.draft = profile ? draftFromProfile(profile) : emptyDraft();
    this.dirty = false;
    this.clearErrors();
    this.confirmingDelete = false;
  }

  private clearErrors(): void {
    this.fieldErrors = new Map();
    this.formErrors = [];
  }

  private edit(patch: Partial<Draft>): void {
    this.draft = { ...this.draft, ...patch };
    this.dirty = true;
    this.status = '';
  }

  private editRule(index: number, patch: Partial<DraftRule>): void {
    this.edit({ rules: this.draft.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
    // The message for this input no longer describes what it holds.
    const errors = new Map(this.fieldErrors);
    for (const key of Object.keys(patch)) errors.delete(`rules[${index}].${key}`);
    this.fieldErrors = errors;
  }

  private async moveRuleAndFocus(index: number, delta: number, focusClass: string): Promise<void> {
    const moved = moveRule(this.draft.rules, index, delta);
    if (moved === this.draft.rules) return;
    this.edit({ rules: moved });
    this.fieldErrors = new Map();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`tr[data-row="${index + delta}"] .${focusClass}`)?.focus();
  }

  private readonly handlers: ProfileFormHandlers = {
    edit: (patch) => this.edit(patch),
    editRule: (i, patch) => this.editRule(i, patch),
    move: (i, delta, focusClass) => void this.moveRuleAndFocus(i, delta, focusClass),
    remove: (i) => {
      this.edit({ rules: this.draft.rules.filter((_, j) => j !== i) });
      this.fieldErrors = new Map();
    },
    add: () => {
      const rule = nextRule(this.draft.rules);
      if (rule) this.edit({ rules: [...this.draft.rules, rule] });
    },
    save: (e) => void this.save(e),
  };

  private async save(e: Event): Promise<void> {
    e.preventDefault();
    this.busy = true;
    this.status = '';
    const body = draftToBody(this.draft);
    try {
      const saved = this.draft.id
        ? await this.api.put<ProfileDto>(`/api/profiles/${encodeURIComponent(this.draft.id)}`, body)
        : await this.api.post<ProfileDto>('/api/profiles', body);
      this.dirty = false;
      this.clearErrors();
      await this.load(saved?.id ?? this.draft.id);
      this.status = 'Saved.';
    } catch (err) {
      this.showSaveError(err);
    } finally {
      this.busy = false;
    }
  }

  private showSaveError(err: unknown): void {
    if (err instanceof ApiError) {
      const { atField, elsewhere } = placeErrors(err.fieldErrors(), this.draft.rules.length);
      // The server counts milliseconds; the input is in seconds.
      const delay = atField.get('settleDelayMs');
      if (delay) atField.set('settleDelayMs', `${delay} (milliseconds) — enter 0 to 600 seconds.`);
      this.fieldErrors = atField;
      this.formErrors = elsewhere.length > 0 || atField.size === 0 ? [err.message, ...elsewhere.filter((m) => m !== err.message)] : [];
      this.status = `Not saved: ${atField.size > 0 ? 'check the highlighted fields.' : err.message}`;
    } else {
      this.formErrors = [errorText(err)];
      this.status = 'Not saved.';
    }
  }

  private async deleteProfile(): Promise<void> {
    if (!this.draft.id) return;
    try {
      await this.api.delete(`/api/profiles/${encodeURIComponent(this.draft.id)}`);
      this.status = `Deleted “${this.draft.name}”.`;
      this.dirty = false;
      this.creating = false;
      this.draft = emptyDraft();
      await this.load(undefined);
    } catch (err) {
      this.formErrors = [errorText(err)];
    }
    this.confirmingDelete = false;
  }

  /** Downloads the saved profile as JSON; the bearer header rules out a plain link. */
  private async exportProfile(): Promise<void> {
    if (!this.draft.id) return;
    try {
      const res = await this.api.send('GET', `/api/profiles/${encodeURIComponent(this.draft.id)}/export`);
      const blob = new Blob([await res.text()], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${this.draft.id}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.status = `Exported “${this.draft.name}”.`;
    } catch (err) {
      this.formErrors = [errorText(err)];
    }
  }

  override render() {
    const d = this.draft;
    return html`
      <h2>Teams presence mapping</h2>
      ${this.token ? nothing : html`<p class="muted">No supervisor token: set the token attribute.</p>`}
      ${this.loadError ? html`<p class="error" role="alert" data-testid="load-error">${this.loadError}</p>` : nothing}
      <div class="toolbar">
        <label for="profile-select">Profile</label>
        <select id="profile-select" data-testid="profile-select" @change=${(e: Event) => this.select(this.profiles.find((p) => p.id === (e.target as HTMLSelectElement).value))}>
          ${this.profiles.map((p) => html`<option value=${p.id} ?selected=${p.id === d.id}>${p.name}</option>`)}
          ${d.id ? nothing : html`<option value="" selected>New profile</option>`}
        </select>
        <button data-testid="new-profile" @click=${() => this.select(undefined)}>New profile</button>
        <button data-testid="export" ?disabled=${!d.id} @click=${() => void this.exportProfile()}>Export</button>
        ${this.confirmingDelete
          ? html`<span role="group" aria-label="Confirm delete">
              Delete “${d.name}”?
              <button class="danger" data-testid="delete-confirm" @click=${() => void this.deleteProfile()}>Delete</button>
              <button data-testid="delete-cancel" @click=${() => (this.confirmingDelete = false)}>Cancel</button>
            </span>`
          : html`<button class="danger" data-testid="delete-profile" ?disabled=${!d.id} @click=${() => (this.confirmingDelete = true)}>Delete…</button>`}
        ${this.dirty ? html`<span class="muted" data-testid="unsaved">Unsaved changes</span>` : nothing}
      </div>
      ${renderProfileForm({
        draft: d,
        idleCodes: this.idleCodes,
        fieldErrors: this.fieldErrors,
        formErrors: this.formErrors,
        status: this.status,
        busy: this.busy,
        handlers: this.handlers,
      })}
      ${this.dirty ? html`<presence-supervisor-impact .api=${this.api} profile-id=${d.id ?? ''} .profile=${draftToBody(d)}></presence-supervisor-impact>` : nothing}
      <section aria-labelledby="teams-h">
        <h3 id="teams-h">Team assignment</h3>
        <presence-team-assignment .api=${this.api} .teams=${this.teams} .profiles=${this.profiles} @teams-changed=${() => void this.load()}></presence-team-assignment>
      </section>
      <section aria-labelledby="import-h">
        <h3 id="import-h">Import a profile</h3>
        <presence-profile-import .api=${this.api} @profile-imported=${(e: CustomEvent<{ id?: string }>) => void this.load(e.detail.id)}></presence-profile-import>
      </section>
      <section aria-labelledby="dry-h">
        <h3 id="dry-h">Dry run</h3>
        <presence-dry-run-panel .api=${this.api} .agents=${this.agents}></presence-dry-run-panel>
      </section>
    `;
  }
}

if (!customElements.get('presence-mapping-editor')) {
  customElements.define('presence-mapping-editor', PresenceMappingEditor);
}

declare global {
  interface HTMLElementTagNameMap {
    'presence-mapping-editor': PresenceMappingEditor;
  }
}
