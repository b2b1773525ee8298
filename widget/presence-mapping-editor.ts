import { LitElement, html, nothing } from 'lit';
import { ApiClient, ApiError } from './api-client.js';
import type { AgentView, IdleCodeDto, ProfileDto, TeamDto } from '../server/gateway/contract.js';
import { LocaleController } from './i18n/locale-controller.js';
import { draftFromProfile, draftToBody, emptyDraft, moveRule, nextRule, selectableIdleCodes, type Draft, type DraftRule } from './mapping-draft.js';
import { mappingEditorStyles } from './mapping-editor-styles.js';
import { failure, failureText, placeProblems, saveFailure, statusText, type Failure, type Status } from './mapping-editor-feedback.js';
import { renderProfileForm, type ProfileFormHandlers } from './mapping-profile-form.js';
import { problemsFromServer, validateDraft, type Problem } from './mapping-validation.js';
import { editorMessages } from './messages/editor-messages.js';
import './presence-dry-run-panel.js';
import './presence-supervisor-impact.js';
import './presence-profile-import.js';
import './presence-team-assignment.js';
import { baseStyles, themeStyles } from './theme-styles.js';

/**
 * `<presence-mapping-editor server-url token theme locale>`: the supervisor's page for mapping Teams states to idle
 * codes, in the supervisor's language. Loads profiles, idle codes (shown by name, as the contact center names them),
 * teams and agents over the HTTP API; checks a profile before saving it and shows each problem next to its input in
 * words a supervisor understands; assigns teams; imports, exports and previews with a dry run.
 */
export class PresenceMappingEditor extends LitElement {
  static override properties = {
    serverUrl: { attribute: 'server-url' },
    token: {},
    theme: { reflect: true },
    locale: {},
    timeZone: { attribute: 'time-zone' },
    profiles: { state: true },
    idleCodes: { state: true },
    teams: { state: true },
    agents: { state: true },
    draft: { state: true },
    dirty: { state: true },
    problems: { state: true },
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
  locale = '';
  timeZone = '';
  profiles: ProfileDto[] = [];
  idleCodes: IdleCodeDto[] = [];
  teams: TeamDto[] = [];
  agents: AgentView[] = [];
  draft: Draft = emptyDraft();
  dirty = false;
  /** Validation problems, at their inputs or (field '') above the form. */
  problems: Problem[] = [];
  /** Failures that are not about a field, as error codes with the server's words as a fallback. */
  formErrors: Failure[] = [];
  status: Status | null = null;
  loadError: Failure | null = null;
  busy = false;
  confirmingDelete = false;
  /** A new, unsaved profile is on screen on purpose. */
  private creating = false;

  /** Replaced when the URL or token changes, so the nested panels re-render only then. */
  private api = new ApiClient('', '');
  private readonly i18n = new LocaleController(this);

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
      this.loadError = failure(err);
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
    this.problems = [];
    this.formErrors = [];
  }

  private edit(patch: Partial<Draft>): void {
    this.draft = { ...this.draft, ...patch };
    this.dirty = true;
    this.status = null;
  }

  private editRule(index: number, patch: Partial<DraftRule>): void {
    this.edit({ rules: this.draft.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
    // The message for this input no longer describes what it holds.
    const keys = new Set(Object.keys(patch).map((k) => `rules[${index}].${k === 'idleCodeName' ? 'idleCodeId' : k}`));
    this.problems = this.problems.filter((p) => !keys.has(p.field));
  }

  private async moveRuleAndFocus(index: number, delta: number, focusClass: string): Promise<void> {
    const moved = moveRule(this.draft.rules, index, delta);
    if (moved === this.draft.rules) return;
    this.edit({ rules: moved });
    this.problems = [];
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`tr[data-row="${index + delta}"] .${focusClass}`)?.focus();
  }

  private readonly handlers: ProfileFormHandlers = {
    edit: (patch) => this.edit(patch),
    editRule: (i, patch) => this.editRule(i, patch),
    move: (i, delta, focusClass) => void this.moveRuleAndFocus(i, delta, focusClass),
    remove: (i) => {
      this.edit({ rules: this.draft.rules.filter((_, j) => j !== i) });
      this.problems = [];
    },
    add: () => {
      const rule = nextRule(this.draft.rules);
      if (rule) this.edit({ rules: [...this.draft.rules, rule] });
    },
    save: (e) => void this.save(e),
  };

  private async save(e: Event): Promise<void> {
    e.preventDefault();
    // Checked here first, so the supervisor reads what to fix at once and nothing is sent that cannot be stored.
    const local = validateDraft(this.draft, new Set(selectableIdleCodes(this.idleCodes).map((c) => c.id)));
    if (local.length > 0) {
      this.problems = local;
      this.formErrors = [];
      this.status = { key: 'notSavedFields' };
      return;
    }
    this.busy = true;
    this.status = null;
    const body = draftToBody(this.draft);
    try {
      const saved = this.draft.id
        ? await this.api.put<ProfileDto>(`/api/profiles/${encodeURIComponent(this.draft.id)}`, body)
        : await this.api.post<ProfileDto>('/api/profiles', body);
      this.dirty = false;
      this.clearErrors();
      await this.load(saved?.id ?? this.draft.id);
      this.status = { key: 'saved' };
    } catch (err) {
      this.showSaveError(err);
    } finally {
      this.busy = false;
    }
  }

  private showSaveError(err: unknown): void {
    ({ problems: this.problems, formErrors: this.formErrors, status: this.status } = saveFailure(err, this.draft));
  }

  private async deleteProfile(): Promise<void> {
    if (!this.draft.id) return;
    try {
      await this.api.delete(`/api/profiles/${encodeURIComponent(this.draft.id)}`);
      this.status = { key: 'deleted', name: this.draft.name };
      this.dirty = false;
      this.creating = false;
      this.draft = emptyDraft();
      await this.load(undefined);
    } catch (err) {
      const problems = err instanceof ApiError && err.code === 'conflict' ? problemsFromServer({ code: err.code, message: err.message }, this.draft) : [];
      if (problems.some((p) => p.code !== 'server')) this.problems = problems;
      else this.formErrors = [failure(err)];
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
      this.status = { key: 'exported', name: this.draft.name };
    } catch (err) {
      this.formErrors = [failure(err)];
    }
  }

  override render() {
    const t = this.i18n.t(editorMessages);
    const d = this.draft;
    const { fieldErrors, formErrors } = placeProblems(d, this.problems, this.formErrors, t, this.i18n.locale);
    return html`<div lang=${this.i18n.locale}>
      <h2>${t('title')}</h2>
      ${this.token ? nothing : html`<p class="muted">${t('noToken')}</p>`}
      ${this.loadError ? html`<p class="error" role="alert" data-testid="load-error">${failureText(this.i18n.locale, this.loadError)}</p>` : nothing}
      <div class="toolbar">
        <label for="profile-select">${t('profile')}</label>
        <select id="profile-select" data-testid="profile-select" @change=${(e: Event) => this.select(this.profiles.find((p) => p.id === (e.target as HTMLSelectElement).value))}>
          ${this.profiles.map((p) => html`<option value=${p.id} ?selected=${p.id === d.id}>${p.name}</option>`)}
          ${d.id ? nothing : html`<option value="" selected>${t('newProfile')}</option>`}
        </select>
        <button data-testid="new-profile" @click=${() => this.select(undefined)}>${t('newProfile')}</button>
        <button data-testid="export" ?disabled=${!d.id} @click=${() => void this.exportProfile()}>${t('export')}</button>
        ${this.confirmingDelete
          ? html`<span role="group" aria-label=${t('deleteGroup')}>
              ${t('deleteConfirm', { name: d.name })}
              <button class="danger" data-testid="delete-confirm" @click=${() => void this.deleteProfile()}>${t('delete')}</button>
              <button data-testid="delete-cancel" @click=${() => (this.confirmingDelete = false)}>${t('cancel')}</button>
            </span>`
          : html`<button class="danger" data-testid="delete-profile" ?disabled=${!d.id} @click=${() => (this.confirmingDelete = true)}>${t('deleteAsk')}</button>`}
        ${this.dirty ? html`<span class="muted" data-testid="unsaved">${t('unsaved')}</span>` : nothing}
      </div>
      ${renderProfileForm({
        draft: d,
        idleCodes: this.idleCodes,
        fieldErrors,
        formErrors,
        status: statusText(t, this.i18n.locale, this.status),
        busy: this.busy,
        handlers: this.handlers,
        t,
      })}
      ${this.dirty ? html`<presence-supervisor-impact .api=${this.api} profile-id=${d.id ?? ''} .profile=${draftToBody(d)}></presence-supervisor-impact>` : nothing}
      <section aria-labelledby="teams-h">
        <h3 id="teams-h">${t('section.teams')}</h3>
        <presence-team-assignment .api=${this.api} .teams=${this.teams} .profiles=${this.profiles} .locale=${this.i18n.locale} @teams-changed=${() => void this.load()}></presence-team-assignment>
      </section>
      <section aria-labelledby="import-h">
        <h3 id="import-h">${t('section.import')}</h3>
        <presence-profile-import .api=${this.api} .locale=${this.i18n.locale} @profile-imported=${(e: CustomEvent<{ id?: string }>) => void this.load(e.detail.id)}></presence-profile-import>
      </section>
      <section aria-labelledby="dry-h">
        <h3 id="dry-h">${t('section.dry')}</h3>
        <presence-dry-run-panel .api=${this.api} .agents=${this.agents} .idleCodes=${this.idleCodes} .locale=${this.i18n.locale}></presence-dry-run-panel>
      </section>
    </div>`;
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
