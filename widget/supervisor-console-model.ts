import type { AgentView } from '../server/gateway/contract.js';

/**
 * The supervisor console's table as data: one row per agent derived from the live `AgentView`, filtering and
 * sorting that stay fast at 10,000 agents (plain comparisons on precomputed keys, no collation per compare), and
 * the CSV of what is shown. No words (rows carry codes; the elements render them in the reader's language); pure
 * apart from `download`, and unit-tested in Node.
 */

export const OWNERS = ['connector', 'agent', 'supervisor', 'system', 'unknown'] as const;
export type Owner = (typeof OWNERS)[number];

export const SORT_KEYS = ['name', 'team', 'teams', 'state', 'owner', 'since'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const FLAG_FILTERS = ['any', 'held', 'pending', 'paused', 'release-due'] as const;
export type FlagFilter = (typeof FLAG_FILTERS)[number];

export interface ConsoleRow {
  id: string;
  name: string;
  email: string;
  teamId: string;
  teamName: string;
  /** Teams state code (`InACall`…), `Available`, or `unknown` when presence was never read. */
  teams: string;
  state: string;
  idleCodeName: string | null;
  owner: Owner;
  since: number;
  pendingIdleCodeName: string | null;
  pausedUntil: number | null;
  releaseDueAt: number | null;
  held: boolean;
  /** Lower-cased name, email and team for the text filter and the name sort. */
  key: string;
}

export interface TableFilter {
  text: string;
  teamId: string;
  state: string;
  owner: string;
  flag: FlagFilter;
}

export const EMPTY_FILTER: TableFilter = { text: '', teamId: '', state: '', owner: '', flag: 'any' };

export interface TableSort {
  key: SortKey;
  descending: boolean;
}

/** The Teams state an agent view shows: the first class of its presence, else Available/unknown. */
export function teamsStateOf(view: Pick<AgentView, 'presence'>): string {
  const p = view.presence;
  if (!p) return 'unknown';
  // The server classifies presence (PresenceView.teamsState); the widget never runs domain code.
  return p.teamsState ?? 'unknown';
}

const ownerOf = (origin: string): Owner => ((OWNERS as readonly string[]).includes(origin) ? (origin as Owner) : 'unknown');

export function toRow(v: AgentView): ConsoleRow {
  return {
    id: v.agentId,
    name: v.name,
    email: v.email,
    teamId: v.teamId,
    teamName: v.teamName,
    teams: teamsStateOf(v),
    state: v.state,
    idleCodeName: v.idleCodeName,
    owner: ownerOf(v.origin),
    since: v.stateChangedAt,
    pendingIdleCodeName: v.pendingIdleCodeName,
    pausedUntil: v.pausedUntil,
    releaseDueAt: v.releaseDueAt,
    held: v.setByConnector,
    key: `${v.name}\u0000${v.email}\u0000${v.teamName}`.toLowerCase(),
  };
}

export function matches(r: ConsoleRow, f: TableFilter, now: number): boolean {
  if (f.teamId && r.teamId !== f.teamId) return false;
  if (f.state && r.state !== f.state) return false;
  if (f.owner && r.owner !== f.owner) return false;
  switch (f.flag) {
    case 'held':
      if (!r.held) return false;
      break;
    case 'pending':
      if (!r.pendingIdleCodeName) return false;
      break;
    case 'paused':
      if (!(r.pausedUntil != null && r.pausedUntil > now)) return false;
      break;
    case 'release-due':
      if (r.releaseDueAt == null) return false;
      break;
  }
  const text = f.text.trim().toLowerCase();
  return !text || r.key.includes(text);
}

const STATE_ORDER: Record<string, number> = { Available: 0, Engaged: 1, WrapUp: 2, RONA: 3, Idle: 4, LoggedOut: 5 };
const OWNER_ORDER: Record<Owner, number> = { connector: 0, agent: 1, supervisor: 2, system: 3, unknown: 4 };

function sortValue(r: ConsoleRow, key: SortKey): string | number {
  switch (key) {
    case 'name':
      return r.key;
    case 'team':
      return `${r.teamName.toLowerCase()}\u0000${r.key}`;
    case 'teams':
      return r.teams;
    case 'state':
      return (STATE_ORDER[r.state] ?? 9) * 1000 + (r.idleCodeName ? r.idleCodeName.charCodeAt(0) : 0);
    case 'owner':
      return OWNER_ORDER[r.owner];
    case 'since':
      return r.since;
  }
}

/** Filtered and sorted rows; ties keep name order so equal rows do not jump between updates. */
export function view(rows: Iterable<ConsoleRow>, f: TableFilter, s: TableSort, now: number): ConsoleRow[] {
  const picked: { r: ConsoleRow; v: string | number }[] = [];
  for (const r of rows) if (matches(r, f, now)) picked.push({ r, v: sortValue(r, s.key) });
  const dir = s.descending ? -1 : 1;
  picked.sort((a, b) => (a.v < b.v ? -dir : a.v > b.v ? dir : a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : 0));
  return picked.map((p) => p.r);
}

/**
 * RFC 4180 CSV: every cell quoted when it holds a comma, quote or line break; a cell that a spreadsheet would
 * run as a formula (= + - @ at the start) is prefixed with an apostrophe.
 */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cell = (v: string | number | null | undefined): string => {
    if (v == null) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Starts a download of text as a file (the bearer token rules out plain links). */
export function download(text: string, filename: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
