import type { Db } from './db.js';

/** Columns holding JSON text, parsed for JSON-lines export. */
const JSON_COLUMNS = new Set(['inputs', 'command', 'reason_params']);
const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export type ExportRow = Record<string, unknown>;

/**
 * Audit retention and export. Pruning deletes the oldest entries in small batches, each its own short write
 * transaction, so the engine's writes never wait long; export streams a time range row by row.
 */
export class AuditRetentionStore {
  private readonly deleteBatch;
  private readonly oldestAt;
  private readonly range;
  private readonly countBefore;

  constructor(db: Db) {
    this.deleteBatch = db.prepare('DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY at, id LIMIT ?)');
    this.oldestAt = db.prepare('SELECT min(at) AS at FROM audit');
    this.range = db.prepare('SELECT * FROM audit WHERE at >= ? AND at < ? ORDER BY at, id');
    this.countBefore = db.prepare('SELECT count(*) AS n FROM audit WHERE at < ?');
  }

  /** Deletes at most `batch` entries older than `cutoff` (ms epoch); returns how many went. */
  pruneBatch(cutoff: number, batch: number): number {
    const oldest = (this.oldestAt.get() as { at: number | null }).at;
    if (oldest === null || oldest >= cutoff) return 0;
    return this.deleteBatch.run(cutoff, batch).changes;
  }

  olderThan(cutoff: number): number {
    return (this.countBefore.get(cutoff) as { n: number }).n;
  }

  /** Entries with `from <= at < to`, oldest first, columns in camelCase; JSON columns parsed when `parseJson`. */
  *between(from: number, to: number, parseJson: boolean): Generator<ExportRow> {
    for (const row of this.range.iterate(from, to) as Iterable<Record<string, unknown>>) {
      const out: ExportRow = {};
      for (const [k, v] of Object.entries(row)) out[camel(k)] = parseJson && JSON_COLUMNS.has(k) && typeof v === 'string' ? safeJson(v) : v;
      yield out;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One CSV field: quoted when needed, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
