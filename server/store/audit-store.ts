import type { ReasonCode } from '../domain/describe.js';
import type { Db } from './db.js';

export const AUDIT_RESULTS = ['skipped', 'recorded', 'sent', 'accepted', 'confirmed', 'failed', 'superseded'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export interface AuditEntry {
  id: number;
  at: number;
  agentId: string;
  trigger: string;
  action: string;
  reason: string;
  text: string;
  /** The reason as a code with parameters, for components that render it in their reader's language. */
  reasonCode: ReasonCode;
  teamsState: string | null;
  inputs: unknown;
  command: unknown;
  result: AuditResult;
  resultDetail: string | null;
  trackingId: string | null;
  sentAt: number | null;
  resultAt: number | null;
}

export interface NewAuditEntry {
  at: number;
  agentId: string;
  trigger: string;
  action: string;
  reason: string;
  text: string;
  teamsState?: string | null;
  /** Parameters of the reason code (`decisionReason()`); the code is `<action>.<reason>`. */
  reasonParams?: ReasonCode['params'];
  inputs: unknown;
  command?: unknown;
  result: AuditResult;
}

export interface AuditQuery {
  agentId?: string;
  action?: string;
  reason?: string;
  result?: string;
  from?: number;
  to?: number;
  /** Entries with id lower than this (newest first paging). */
  before?: number;
  limit: number;
}

interface Row {
  id: number;
  at: number;
  agent_id: string;
  trigger: string;
  action: string;
  reason: string;
  text: string;
  teams_state: string | null;
  reason_params: string | null;
  inputs: string;
  command: string | null;
  result: AuditResult;
  result_detail: string | null;
  tracking_id: string | null;
  sent_at: number | null;
  result_at: number | null;
}

/**
 * Entries written before reason parameters were stored get what the row still tells: the Teams state and the
 * idle-code name of the command.
 */
function reasonParamsOf(r: Row, command: unknown): ReasonCode['params'] {
  if (r.reason_params) return JSON.parse(r.reason_params) as ReasonCode['params'];
  const params: ReasonCode['params'] = {};
  if (r.teams_state) params.teamsState = r.teams_state;
  const name = (command as { idleCodeName?: unknown } | null)?.idleCodeName;
  if (typeof name === 'string') params.idleCode = name;
  return params;
}

const fromRow = (r: Row): AuditEntry => ({
  id: r.id,
  at: r.at,
  agentId: r.agent_id,
  trigger: r.trigger,
  action: r.action,
  reason: r.reason,
  text: r.text,
  reasonCode: { code: `${r.action}.${r.reason}`, params: reasonParamsOf(r, r.command ? JSON.parse(r.command) : null) },
  teamsState: r.teams_state,
  inputs: JSON.parse(r.inputs),
  command: r.command ? JSON.parse(r.command) : null,
  result: r.result,
  resultDetail: r.result_detail,
  trackingId: r.tracking_id,
  sentAt: r.sent_at,
  resultAt: r.result_at,
});

/** What insights read of an entry: when, who, the decision, its result, and the agent state the decision saw. */
export interface AuditFact {
  id: number;
  at: number;
  agentId: string;
  action: string;
  reason: string;
  result: string;
  resultAt: number | null;
  cc: { state: string; origin: string; changedAt: number; idleCodeId?: string } | null;
}

interface FactRow {
  id: number;
  at: number;
  agent_id: string;
  action: string;
  reason: string;
  result: string;
  result_at: number | null;
  cc: string | null;
}

/** The audit trail: every decision, applied or skipped, with inputs, command, result and timings. */
export class AuditStore {
  private readonly insert;
  private readonly markSent;
  private readonly markResult;
  private readonly byId;
  private readonly byTracking;
  private readonly countAll;
  private readonly insertWithId;
  private readonly factsFirst;
  private readonly factsAfter;
  private readonly latestStateBefore;

  constructor(private readonly db: Db) {
    // Positional parameters on the hot path, as for the agent save (binding named ones from an object costs more).
    const columns = 'at, agent_id, trigger, action, reason, text, teams_state, reason_params, inputs, command, result';
    this.insert = db.prepare(`INSERT INTO audit (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertWithId = db.prepare(`INSERT INTO audit (${columns}, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // The result event can overtake the HTTP answer: never downgrade 'confirmed' (or 'failed') to 'accepted'.
    this.markSent = db.prepare("UPDATE audit SET result = CASE WHEN result = 'sent' THEN 'accepted' ELSE result END, tracking_id = ?, sent_at = ? WHERE id = ?");
    this.markResult = db.prepare('UPDATE audit SET result = ?, result_detail = ?, result_at = ? WHERE id = ?');
    this.byId = db.prepare('SELECT * FROM audit WHERE id = ?');
    this.byTracking = db.prepare('SELECT * FROM audit WHERE tracking_id = ? ORDER BY id DESC LIMIT 1');
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM audit');
    const facts = "SELECT id, at, agent_id, action, reason, result, result_at, json_extract(inputs, '$.cc') AS cc FROM audit";
    this.factsFirst = db.prepare(`${facts} WHERE at >= ? AND at <= ? ORDER BY at DESC, id DESC LIMIT ?`);
    // A row-value bound, so SQLite seeks into audit_at(at, id) instead of walking down from the newest entry.
    this.factsAfter = db.prepare(`${facts} WHERE at >= ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?`);
    this.latestStateBefore = db.prepare(
      "SELECT json_extract(inputs, '$.cc') AS cc FROM audit WHERE agent_id = ? AND at <= ? AND json_extract(inputs, '$.cc') IS NOT NULL ORDER BY id DESC LIMIT 1",
    );
  }

  /** Adds an entry; `id` is given only when a kept write is replayed with the id it was handed (write-journal.ts). */
  add(e: NewAuditEntry, id?: number): number {
    const values = [
      e.at,
      e.agentId,
      e.trigger,
      e.action,
      e.reason,
      e.text,
      e.teamsState ?? null,
      e.reasonParams ? JSON.stringify(e.reasonParams) : null,
      JSON.stringify(e.inputs),
      e.command === undefined ? null : JSON.stringify(e.command),
      e.result,
    ];
    const info = id === undefined ? this.insert.run(values) : this.insertWithId.run(values, id);
    return Number(info.lastInsertRowid);
  }

  sent(id: number, trackingId: string, sentAt: number): void {
    this.markSent.run(trackingId, sentAt, id);
  }

  result(id: number, result: AuditResult, detail: string | null, at: number): void {
    this.markResult.run(result, detail, at, id);
  }

  get(id: number): AuditEntry | null {
    const row = this.byId.get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  findByTracking(trackingId: string): AuditEntry | null {
    const row = this.byTracking.get(trackingId) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  count(): number {
    return (this.countAll.get() as { n: number }).n;
  }

  /**
   * One page of the facts insights aggregate, for entries with `from <= at <= to`, newest first, after `cursor` (the
   * last fact of the previous page). Keyset paging on the `audit_at` index: no sort and no offset, so a caller can
   * read a 200,000-entry range page by page and let the engine run between pages. Only the state each decision saw is
   * read out of its inputs (no full-entry parsing).
   */
  factsPage(from: number, to: number, cursor: { at: number; id: number } | null, limit: number): AuditFact[] {
    const rows = (cursor ? this.factsAfter.all(from, cursor.at, cursor.id, limit) : this.factsFirst.all(from, to, limit)) as FactRow[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      agentId: row.agent_id,
      action: row.action,
      reason: row.reason,
      result: row.result,
      resultAt: row.result_at,
      cc: row.cc ? (JSON.parse(row.cc) as AuditFact['cc']) : null,
    }));
  }

  /** The state the agent's latest decision at or before `at` saw (from its inputs), or null. */
  stateAtOrBefore(agentId: string, at: number): AuditFact['cc'] {
    const row = this.latestStateBefore.get(agentId, at) as { cc: string | null } | undefined;
    return row?.cc ? (JSON.parse(row.cc) as AuditFact['cc']) : null;
  }

  query(q: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit };
    const add = (sql: string, key: string, value: unknown): void => {
      if (value === undefined) return;
      where.push(sql);
      params[key] = value;
    };
    add('agent_id = @agentId', 'agentId', q.agentId);
    add('action = @action', 'action', q.action);
    add('reason = @reason', 'reason', q.reason);
    add('result = @result', 'result', q.result);
    add('at >= @from', 'from', q.from);
    add('at <= @to', 'to', q.to);
    add('id < @before', 'before', q.before);
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(fromRow);
  }
}
