import type { CcState } from '../domain/agent.js';
import type { InFlightCommand } from '../domain/decide.js';
import type { CommandRef } from '../domain/ownership.js';
import type { Presence } from '../domain/presence.js';
import type { Db } from './db.js';

export interface InFlightRecord extends InFlightCommand {
  auditId: number;
  trackingId?: string;
  /** The id of the marker the adapter wrote into the reason text, once it answered. */
  commandId?: string;
}

export interface AgentRecord {
  id: string;
  name: string;
  email: string;
  teamId: string | null;
  teamsUserId: string | null;
  cc: CcState;
  contact: { id: string; mediaType: string; conference: boolean } | null;
  presence: Presence | null;
  presenceAt: number | null;
  pendingIdleCodeId: string | null;
  releaseDueAt: number | null;
  overridePresence: Presence | null;
  pausedUntil: number | null;
  inFlight: InFlightRecord | null;
  /** The last command seen applied: its id is what the reason marker of the current state may carry. */
  appliedCommand: CommandRef | null;
  lastDecisionId: number | null;
}

interface Row {
  id: string;
  name: string;
  email: string;
  team_id: string | null;
  teams_user_id: string | null;
  cc_state: string;
  idle_code_id: string | null;
  origin: string;
  state_changed_at: number;
  contact: string | null;
  presence: string | null;
  presence_at: number | null;
  pending_idle_code_id: string | null;
  release_due_at: number | null;
  override_presence: string | null;
  paused_until: number | null;
  in_flight: string | null;
  applied_command: string | null;
  last_decision_id: number | null;
}

const json = <T>(s: string | null): T | null => (s == null ? null : (JSON.parse(s) as T));

/** One copy of each state, origin and idle code id across all agents (a handful of values read once per agent). */
const words = new Map<string, string>();
function word<T extends string | null>(s: T): T {
  if (s === null) return s;
  const known = words.get(s);
  if (known !== undefined) return known as T;
  if (words.size < 10_000) words.set(s, s);
  return s;
}

function fromRow(r: Row): AgentRecord {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    teamId: word(r.team_id),
    teamsUserId: r.teams_user_id,
    cc: {
      state: word(r.cc_state) as CcState['state'],
      ...(r.idle_code_id ? { idleCodeId: word(r.idle_code_id) } : {}),
      origin: word(r.origin) as CcState['origin'],
      changedAt: r.state_changed_at,
    },
    contact: json(r.contact),
    presence: json(r.presence),
    presenceAt: r.presence_at,
    pendingIdleCodeId: r.pending_idle_code_id,
    releaseDueAt: r.release_due_at,
    overridePresence: json(r.override_presence),
    pausedUntil: r.paused_until,
    inFlight: json(r.in_flight),
    appliedCommand: json(r.applied_command),
    lastDecisionId: r.last_decision_id,
  };
}

/** Agents with their contact-center state and the engine's per-agent memory. */
export class AgentStore {
  private readonly selectAll;
  private readonly upsert;
  private readonly update;
  private readonly updateUnindexed;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare('SELECT * FROM agents ORDER BY name, id');
    this.upsert = db.prepare(
      `INSERT INTO agents (id, name, email, team_id, updated_at) VALUES (@id, @name, @email, @teamId, @now)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, team_id = excluded.team_id,
       updated_at = excluded.updated_at`,
    );
    // Positional parameters: binding sixteen named ones from an object took about a tenth of each save (microbenchmark).
    const rest = `cc_state = ?, idle_code_id = ?, origin = ?, state_changed_at = ?, contact = ?, presence = ?, presence_at = ?,
       pending_idle_code_id = ?, override_presence = ?, paused_until = ?, in_flight = ?, applied_command = ?,
       last_decision_id = ?, updated_at = ?`;
    this.update = db.prepare(`UPDATE agents SET ${rest}, teams_user_id = ?, release_due_at = ? WHERE id = ?`);
    // The same without the two indexed columns: SQLite rewrites the entry of every index whose column is assigned,
    // changed or not, which doubled the cost of the hot path's saves (a presence, a command, its answer).
    this.updateUnindexed = db.prepare(`UPDATE agents SET ${rest} WHERE id = ?`);
    this.remove = db.prepare('DELETE FROM agents WHERE id = ?');
  }

  all(): AgentRecord[] {
    return (this.selectAll.all() as Row[]).map(fromRow);
  }

  /** Inserts or refreshes directory fields (name, email, team); keeps state and memory. */
  upsertDirectory(agents: readonly { id: string; name: string; email: string; teamId: string | null }[], now: number): void {
    this.db.transaction(() => {
      for (const a of agents) this.upsert.run({ ...a, now });
    })();
  }

  /**
   * Writes the agent's state and memory. With `stored` (the record as last saved), the indexed columns (Teams user
   * id, release due time) are written only when they changed.
   */
  save(a: AgentRecord, now: number, stored?: Readonly<AgentRecord>): void {
    const contact = a.contact ? JSON.stringify(a.contact) : null;
    const presence = a.presence ? JSON.stringify(a.presence) : null;
    const override = a.overridePresence ? JSON.stringify(a.overridePresence) : null;
    const inFlight = a.inFlight ? JSON.stringify(a.inFlight) : null;
    const applied = a.appliedCommand ? JSON.stringify(a.appliedCommand) : null;
    const cc = a.cc;
    const values = [cc.state, cc.idleCodeId ?? null, cc.origin, cc.changedAt, contact, presence, a.presenceAt, a.pendingIdleCodeId, override, a.pausedUntil, inFlight, applied, a.lastDecisionId, now];
    if (stored && stored.teamsUserId === a.teamsUserId && stored.releaseDueAt === a.releaseDueAt) this.updateUnindexed.run(values, a.id);
    else this.update.run(values, a.teamsUserId, a.releaseDueAt, a.id);
  }

  delete(id: string): void {
    this.remove.run(id);
  }
}
