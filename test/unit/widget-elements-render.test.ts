import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../server/gateway/contract.js';
import type { AdminStatus } from '../../server/gateway/contract.js';
import { draftFromProfile } from '../../widget/mapping-draft.js';
import { PresenceConnectorAdmin } from '../../widget/presence-connector-admin.js';
import { PresenceMappingEditor } from '../../widget/presence-mapping-editor.js';

/**
 * Rendering is pure, so each element's `render()` is checked in Node (Lit's DOM shim) by flattening the template
 * result to markup. The elements are never attached, so no socket or timer starts. Browser behaviour (popover,
 * dialog, focus) is left to the browser tests, and so is the agent widget, whose Momentum parts need a real DOM
 * (its words are tested in widget-agent-view-model.test.ts).
 */
function markup(value: unknown): string {
  if (value == null || typeof value === 'symbol' || typeof value === 'function') return '';
  if (Array.isArray(value)) return value.map(markup).join('');
  if (typeof value === 'object' && 'strings' in value && 'values' in value) {
    const { strings, values } = value as { strings: readonly string[]; values: unknown[] };
    return strings.map((s, i) => s + (i < values.length ? markup(values[i]) : '')).join('');
  }
  return String(value);
}

const text = (html: string): string => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
const render = (el: { render(): unknown }): string => markup(el.render());

const now = Date.now();
const agentView = (over: Partial<AgentView> = {}): AgentView => ({
  agentId: 'a1',
  name: 'Ada',
  email: 'ada@example.test',
  teamId: 't1',
  teamName: 'Sales',
  teamsUserId: 'u1',
  state: 'Idle',
  idleCodeId: 'ic-call',
  idleCodeName: 'Teams call',
  origin: 'connector',
  stateChangedAt: now - 65_000,
  setByConnector: true,
  presence: { availability: 'Busy', activity: 'InACall', label: 'In a Teams call', observedAt: now },
  pendingIdleCodeName: null,
  releaseDueAt: null,
  pausedUntil: null,
  syncEnabled: true,
  lastDecision: { id: 1, at: now, trigger: 'presence', action: 'set-idle', reason: 'presence-busy', text: 'In a Teams call: set to idle “Teams call”.', result: 'accepted' },
  notice: null,
  ...over,
});

describe('<presence-mapping-editor> rendering', () => {
  it('offers idle codes by name and marks a rejected rule at its input', () => {
    const el = new PresenceMappingEditor();
    el.idleCodes = [
      { id: 'ic-call', name: 'Teams call', isSystem: false, active: true },
      { id: 'ic-rona', name: 'RONA', isSystem: true, active: true },
      { id: 'ic-old', name: 'Old code', isSystem: false, active: false },
    ];
    el.draft = draftFromProfile({
      id: 'default',
      name: 'Default',
      rules: [
        { teamsState: 'InACall', idleCodeId: 'ic-call' },
        { teamsState: 'Presenting', idleCodeId: 'ic-old', idleCodeName: 'Old code' },
      ],
      settleDelayMs: 3000,
      syncMode: 'teams-to-cc',
      releaseOnDisable: true,
    });
    el.problems = [{ field: 'rules[1].idleCodeId', code: 'idleCodeUnavailable', params: { rule: 1 } }];
    const html = render(el);
    const words = text(html);
    expect(words).not.toContain('RONA');
    expect(words).toContain('Old code (not selectable)');
    expect(html).toMatch(/aria-invalid=true\s+aria-describedby=err-rules-1-idleCodeId/);
    expect(html).toMatch(/id=err-rules-1-idleCodeId data-testid="field-error" data-field=rules\[1\]\.idleCodeId>This idle code can no longer be chosen; pick another one\./);
    expect(html).toMatch(/aria-invalid=false\s+aria-describedby=\s/);
    expect(words).toContain('Settle delay (seconds)');
  });
});

describe('<presence-connector-admin> rendering', () => {
  const status = (over: Partial<AdminStatus> = {}): AdminStatus => ({
    lifecycle: 'inactive',
    health: {
      tokenAcquiredAt: now - 120_000,
      lastGraphSuccessAt: now - 5_000,
      lastCcSuccessAt: null,
      subscriptionExpiresAt: now + 40 * 60_000,
      pollIntervalMs: 1500,
      pollLagMs: 80,
      throttled429: 3,
      presenceStale: false,
      staleSince: null,
    },
    permissions: [
      { permission: 'Presence.Read.All', ok: true },
      { permission: 'User.Read.All', ok: false, detail: 'admin consent missing' },
    ],
    adminConsentUrl: 'https://login.microsoftonline.com/tenant/adminconsent?client_id=app',
    unmatchedAgents: [{ agentId: 'a9', name: 'Bob', email: 'bob@example.test' }],
    counts: { agents: 10, matched: 9, connectorIdle: 2 },
    presenceMode: 'subscribe',
    ...over,
  });

  it('enables the actions the lifecycle allows', () => {
    const el = new PresenceConnectorAdmin();
    el.status = status();
    let html = render(el);
    expect(html).toMatch(/data-testid=action-reactivate \?disabled=false/);
    expect(html).toMatch(/data-testid=action-delete \?disabled=false/);
    expect(html).toMatch(/data-testid=action-deactivate \?disabled=true/);
    el.status = status({ lifecycle: 'active' });
    html = render(el);
    expect(html).toMatch(/data-testid=action-delete \?disabled=true/);
    expect(html).toMatch(/data-testid=action-deactivate \?disabled=false/);
    expect(text(html)).toContain('Deactivate the connector before deleting it.');
  });

  it('shows health in words, permissions, the consent link and unmatched agents', () => {
    const el = new PresenceConnectorAdmin();
    el.status = status();
    const html = render(el);
    const words = text(html);
    expect(words).toContain('Access token acquired 2 minutes ago');
    expect(words).toContain('Last successful contact-center call Never');
    expect(words).toContain('Presence subscription expires in 40 minutes');
    expect(words).toContain('Poll interval 1.5 seconds');
    expect(words).toContain('Throttled (HTTP 429) responses 3');
    expect(words).toContain('✓ Presence.Read.All');
    expect(words).toContain('✗ User.Read.All admin consent missing');
    expect(html).toContain('href=https://login.microsoftonline.com/tenant/adminconsent?client_id=app');
    expect(words).toContain('Bob bob@example.test');
  });

  it('shows no isolated-users section for an unrelated empty list', () => {
    const el = new PresenceConnectorAdmin();
    el.status = status({ permissions: [], unmatchedAgents: [] });
    expect(text(render(el))).not.toContain('Teams users left out');
  });

  it('renders what newer servers add: a failing dependency in its own words, the request budget, isolated Teams users, any other field', () => {
    const el = new PresenceConnectorAdmin();
    el.status = {
      ...status(),
      readiness: {
        ready: true,
        degraded: true,
        summary: 'Microsoft Graph: connect ECONNREFUSED',
        checks: {
          store: { ok: true, error: null, checkedAt: Date.now() - 2000, latencyMs: 1.4 },
          graph: { ok: false, error: 'connect ECONNREFUSED', checkedAt: Date.now() - 2000, latencyMs: null },
        },
      },
      health: {
        ...status().health,
        isolatedUsers: [{ teamsUserId: 'u-9', reason: 'not-in-directory', since: Date.now() - 60_000, detail: 'Graph answered 404' }],
        presenceCatches: { notification: 40, reconcile: 2 },
      },
    } as never;
    (el.status as unknown as Record<string, unknown>).contactCenter = {
      budget: { perMinute: 300, usedLastMinute: 120, budgetUse: 0.4, queued: { p1: 2, p2: 1, p3: 0, p4: 7 }, oldestWaitMs: 2500, capacityAgents: 1250, superseded: 4, throttled: 0, pausedUntil: null },
      actingAs: { id: 'p-1', displayName: 'Contoso Presence Connector' },
      tokenKind: 'oauth',
      tokenExpiresAt: null,
      credentialError: null,
      events: 'webhook',
      teamsInScope: ['Billing'],
      changeableTeams: 'all',
    };
    (el.status as unknown as Record<string, unknown>).storage = { ok: false, pending: 3, errorCode: 'SQLITE_FULL', error: 'database or disk is full', persistent: true, since: Date.now() - 120_000, replayed: 0 };
    const words = text(render(el));
    expect(words).toContain('Acts as Contoso Presence Connector (p-1)');
    expect(words).toContain('Token OAuth, refreshed by the connector');
    expect(words).toContain('Agent events arrive by Webhooks');
    expect(words).toContain('Teams whose agents it may change All teams');
    expect(words).toContain('Writes Refusing writes since 2 minutes ago: database or disk is full');
    expect(words).toContain('Decisions kept in memory until it takes them 3');
    expect(words).not.toContain('SQLITE_FULL');
    // Only what no section shows stays in the generic view.
    expect(words).toContain('Contact center Teams in scope Billing');
    expect(words).not.toContain('Per minute');
    expect(words).toContain('The connector runs, but a service it depends on is failing: Microsoft Graph: connect ECONNREFUSED');
    expect(words).toContain('Microsoft Graph Failing: connect ECONNREFUSED');
    expect(words).toContain('Budget use 120 of 300 requests in the last minute (40%)');
    expect(words).toContain('Idle an agent busy in Teams: 2; return to Available: 1; change idle code: 0; reads: 7');
    expect(words).toContain('Longest wait 2.5 seconds');
    expect(words).toContain('the budget serves 1,250 agents');
    expect(words).toContain('u-9 Not in the directory (deleted or renamed) — Graph answered 404 1 minute ago');
    expect(words).toContain('Presence changes first seen by notifications 40, reconcile poll 2, polling 0');
  });
});
