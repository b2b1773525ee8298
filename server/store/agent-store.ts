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
  private readonly remove;

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare('SELECT * FROM agents ORDER BY name, id');
    this.upsert = db.prepare(
      `INSERT INTO agents (id, name, email, team_id, updated_at) VALUES (@id, @name, @email, @teamId, @now)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, email = excluded.email, team_id = excluded.team_id,
       updated_at = excluded.updated_at`,
    );
    this.update = db.prepare(
      `UPDATE agents SET teams_user_id = @teamsUserId, cc_state = @state, idle_code_id = @idleCodeId, origin = @origin,
       state_changed_at = @changedAt, contact = @contact, presence = @presence, presence_at = @presenceAt,
       pending_idle_code_id = @pendingIdleCodeId, release_due_at = @releaseDueAt, override_presence = @overridePresence,
       paused_until = @pausedUntil, in_flight = @inFlight, applied_command = @appliedCommand, last_decision_id = @lastDecisionId, updated_at = @now
       WHERE id = @id`,
    );
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

  save(a: AgentRecord, now: number): void {
    this.update.run({
      id: a.id,
      teamsUserId: a.teamsUserId,
      state: a.cc.state,
      idleCodeId: a.cc.idleCodeId ?? null,
      origin: a.cc.origin,
      changedAt: a.cc.changedAt,
      contact: a.contact ? JSON.stringify(a.contact) : null,
      presence: a.presence ? JSON.stringify(a.presence) : null,
      presenceAt: a.presenceAt,
      pendingIdleCodeId: a.pendingIdleCodeId,
      releaseDueAt: a.releaseDueAt,
      overridePresence: a.overridePresence ? JSON.stringify(a.overridePresence) : null,
      pausedUntil: a.pausedUntil,
      inFlight: a.inFlight ? JSON.stringify(a.inFlight) : null,
      appliedCommand: a.appliedCommand ? JSON.stringify(a.appliedCommand) : null,
      lastDecisionId: a.lastDecisionId,
      now,
    });
  }

  delete(id: string): void {
    this.remove.run(id);
  }
}
