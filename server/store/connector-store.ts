import type { IdleCode } from '../domain/agent.js';
import type { Db } from './db.js';

export const LIFECYCLES = ['unconfigured', 'active', 'inactive', 'deleted'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

export interface ConnectorRecord {
  lifecycle: Lifecycle;
  settings: Record<string, unknown>;
  changedAt: number;
}

/** The connector's lifecycle and settings (one row), and the contact center's idle codes as last seen. */
export class ConnectorStore {
  private readonly select;
  private readonly update;
  private readonly codesAll;
  private readonly codesClear;
  private readonly codeInsert;

  constructor(private readonly db: Db) {
    this.select = db.prepare('SELECT lifecycle, settings, changed_at FROM connector WHERE id = 1');
    this.update = db.prepare('UPDATE connector SET lifecycle = @lifecycle, settings = @settings, changed_at = @changedAt WHERE id = 1');
    this.codesAll = db.prepare('SELECT id, name, is_system, active, is_default FROM idle_codes ORDER BY name');
    this.codesClear = db.prepare('DELETE FROM idle_codes');
    this.codeInsert = db.prepare(
      'INSERT INTO idle_codes (id, name, is_system, active, is_default, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  get(): ConnectorRecord {
    const r = this.select.get() as { lifecycle: Lifecycle; settings: string; changed_at: number };
    return { lifecycle: r.lifecycle, settings: JSON.parse(r.settings) as Record<string, unknown>, changedAt: r.changed_at };
  }

  set(rec: ConnectorRecord): void {
    this.update.run({ lifecycle: rec.lifecycle, settings: JSON.stringify(rec.settings), changedAt: rec.changedAt });
  }

  idleCodes(): IdleCode[] {
    return (this.codesAll.all() as { id: string; name: string; is_system: number; active: number; is_default: number }[]).map((r) => ({
      id: r.id,
      name: r.name,
      isSystem: r.is_system === 1,
      active: r.active === 1,
      isDefault: r.is_default === 1,
    }));
  }

  replaceIdleCodes(codes: readonly IdleCode[], now: number): void {
    this.db.transaction(() => {
      this.codesClear.run();
      for (const c of codes) this.codeInsert.run(c.id, c.name, c.isSystem ? 1 : 0, c.active ? 1 : 0, c.isDefault ? 1 : 0, now);
    })();
  }

  /** Delete: removes mappings, credentials/settings and subscriptions' records; keeps the audit trail. */
  wipe(now: number, extraTables: readonly string[]): void {
    this.db.transaction(() => {
      this.db.exec('UPDATE teams SET profile_id = NULL; DELETE FROM profiles; DELETE FROM idle_codes;');
      for (const t of extraTables) {
        const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t);
        if (exists) this.db.exec(`DELETE FROM "${t}"`);
      }
      this.set({ lifecycle: 'deleted', settings: {}, changedAt: now });
    })();
  }
}
