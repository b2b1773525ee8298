import type { Db } from './db.js';

export interface AdminAuditEntry {
  id: number;
  at: number;
  /** The credential's name (an API key's name); never the credential. */
  actor: string;
  actorRole: string;
  /** What changed: `mapping.create`, `mapping.update`, `mapping.delete`, `mapping.assign`, `lifecycle.activate`, `team-sync.set`, `key.create`, `key.revoke`, … */
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

type Row = { id: number; at: number; actor: string; actor_role: string; action: string; target: string | null; before_json: string | null; after_json: string | null };

const parse = (s: string | null): unknown => (s === null ? null : (JSON.parse(s) as unknown));

/** The administrative audit (table admin_audit): append-only, read newest first in pages by id. */
export class AdminAuditStore {
  private readonly insert;
  private readonly page;
  private readonly first;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO admin_audit (at, actor, actor_role, action, target, before_json, after_json) VALUES (@at, @actor, @actorRole, @action, @target, @before, @after)',
    );
    this.page = db.prepare('SELECT * FROM admin_audit WHERE id < ? ORDER BY id DESC LIMIT ?');
    this.first = db.prepare('SELECT * FROM admin_audit ORDER BY id DESC LIMIT ?');
  }

  record(e: Omit<AdminAuditEntry, 'id'>): number {
    const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
    return Number(this.insert.run({ at: e.at, actor: e.actor, actorRole: e.actorRole, action: e.action, target: e.target, before: json(e.before), after: json(e.after) }).lastInsertRowid);
  }

  /** Newest first; `before` is the previous page's `next`. */
  list(limit: number, before?: number): { entries: AdminAuditEntry[]; next: number | null } {
    const rows = (before === undefined ? this.first.all(limit + 1) : this.page.all(before, limit + 1)) as Row[];
    const entries = rows.slice(0, limit).map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      actorRole: r.actor_role,
      action: r.action,
      target: r.target,
      before: parse(r.before_json),
      after: parse(r.after_json),
    }));
    return { entries, next: rows.length > limit ? entries[entries.length - 1]!.id : null };
  }
}
