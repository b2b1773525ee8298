import type { IdleCodeDto, ProfileDto } from '../server/gateway/contract.js';

/**
 * The mapping editor's form model, kept apart from the element so that converting to and from the API, reordering
 * rules and placing server errors at their inputs are plain functions with unit tests.
 */

/** Mapping keys, in the order the editor offers them (checked against the contract's Teams states). */
import { TEAMS_STATES } from './teams-states.js';

export { TEAMS_STATES };

export interface DraftRule {
  teamsState: string;
  idleCodeId: string;
  /** For display when the stored code is no longer selectable; never sent. */
  idleCodeName?: string;
}

export interface Draft {
  /** Absent for a profile not saved yet. */
  id?: string;
  name: string;
  description: string;
  rules: DraftRule[];
  /** Text of the seconds input, so a half-typed value is not lost on re-render. */
  settleDelaySeconds: string;
  syncMode: string;
  releaseOnDisable: boolean;
}

export function emptyDraft(): Draft {
  return { name: '', description: '', rules: [], settleDelaySeconds: '3', syncMode: 'teams-to-cc', releaseOnDisable: true };
}

export function draftFromProfile(p: ProfileDto): Draft {
  return {
    id: p.id,
    name: p.name,
    description: p.description ?? '',
    rules: p.rules.map((r) => ({ teamsState: r.teamsState, idleCodeId: r.idleCodeId ?? '', idleCodeName: r.idleCodeName })),
    settleDelaySeconds: String((p.settleDelayMs ?? 0) / 1000),
    syncMode: p.syncMode,
    releaseOnDisable: p.releaseOnDisable,
  };
}

/** The body for POST/PUT /api/profiles. The editor checks the draft first (mapping-validation.ts); the server checks again. */
export function draftToBody(d: Draft): Record<string, unknown> {
  const seconds = d.settleDelaySeconds.trim() === '' ? Number.NaN : Number(d.settleDelaySeconds);
  return {
    name: d.name,
    ...(d.description.trim() ? { description: d.description } : {}),
    rules: d.rules.map((r) => ({ teamsState: r.teamsState, idleCodeId: r.idleCodeId })),
    // NaN serialises as null, which the server rejects at `settleDelayMs`, next to this input.
    settleDelayMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : null,
    syncMode: d.syncMode,
    releaseOnDisable: d.releaseOnDisable,
  };
}

/** Idle codes a supervisor may choose: active, not system, by name. */
export function selectableIdleCodes(codes: IdleCodeDto[]): IdleCodeDto[] {
  return codes.filter((c) => c.active && !c.isSystem).sort((a, b) => a.name.localeCompare(b.name));
}

/** Moves rule `index` by `delta` places (precedence order); out-of-range moves return the rules unchanged. */
export function moveRule(rules: DraftRule[], index: number, delta: number): DraftRule[] {
  const to = index + delta;
  if (index < 0 || index >= rules.length || to < 0 || to >= rules.length) return rules;
  const out = rules.slice();
  const [rule] = out.splice(index, 1);
  out.splice(to, 0, rule);
  return out;
}

/** A new rule for the first Teams state not mapped yet, or null when every state is mapped. */
export function nextRule(rules: DraftRule[]): DraftRule | null {
  const used = new Set(rules.map((r) => r.teamsState));
  const state = TEAMS_STATES.find((s) => !used.has(s));
  return state ? { teamsState: state, idleCodeId: '' } : null;
}

export interface PresencePreset {
  label: string;
  availability: string;
  activity: string;
}

/** Teams presences offered in the dry-run panel, as Graph reports them. */
export const PRESENCE_PRESETS: PresencePreset[] = [
  { label: 'In a call', availability: 'Busy', activity: 'InACall' },
  { label: 'In a conference call', availability: 'Busy', activity: 'InAConferenceCall' },
  { label: 'Presenting', availability: 'DoNotDisturb', activity: 'Presenting' },
  { label: 'Do not disturb', availability: 'DoNotDisturb', activity: 'DoNotDisturb' },
  { label: 'Focusing', availability: 'DoNotDisturb', activity: 'Focusing' },
  { label: 'In a meeting', availability: 'Busy', activity: 'InAMeeting' },
  { label: 'Busy', availability: 'Busy', activity: 'Busy' },
  { label: 'Be right back', availability: 'BeRightBack', activity: 'BeRightBack' },
  { label: 'Away', availability: 'Away', activity: 'Away' },
  { label: 'Out of office', availability: 'Offline', activity: 'OutOfOffice' },
  { label: 'Offline', availability: 'Offline', activity: 'Offline' },
  { label: 'Available', availability: 'Available', activity: 'Available' },
];
