import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startAuditPruning } from '../../server/audit-pruner.js';
import { silentLogger } from '../../server/logger.js';
import { AuditStore } from '../../server/store/audit-store.js';
import { openDatabase } from '../../server/store/db.js';
import { startHarness } from '../fakes/core-harness.js';

/** The CLI as an operator runs it: its own process on the connector's database. */
function cli(dbPath: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env: { ...process.env, TPC_DB_PATH: dbPath, TPC_CONFIG_FILE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    proc.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tpc-backup-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;

describe('online backup and restore', () => {
  it('a backup taken while the connector writes holds every row written before it, and restores to a database that opens', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'connector.db');
    const h = await startHarness({ dbPath });
    const written: string[] = [];
    let stop = false;
    let n = 0;
    const writer = (async () => {
      while (!stop) {
        const id = `bk-${n++}`;
        const res = await h.api('/api/profiles', { method: 'POST', key: h.keys.supervisor, body: { id, name: id, rules: [] } });
        if (res.status === 201) written.push(id);
      }
    })();
    while (written.length < 30) await new Promise((r) => setTimeout(r, 10));
    const before = [...written];
    const backupFile = join(dir, 'backup.db');
    const backup = await cli(dbPath, ['backup', backupFile]);
    const duringBackup = written.length;
    stop = true;
    await writer;
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout).tables.profiles).toBeGreaterThanOrEqual(before.length);
    expect(duringBackup).toBeGreaterThan(before.length);

    // While the connector runs (its -wal file exists) a restore is refused and changes nothing.
    const refused = await cli(dbPath, ['restore', backupFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/stop the connector first/);
    await h.connector.close();
    const afterClose = written.length;

    const restored = await cli(dbPath, ['restore', backupFile]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(existsSync(`${dbPath}.before-restore`)).toBe(true);
    const db = new Database(dbPath, { readonly: true });
    const ids = new Set((db.prepare("SELECT id FROM profiles WHERE id LIKE 'bk-%'").all() as { id: string }[]).map((r) => r.id));
    db.close();
    expect(before.filter((id) => !ids.has(id))).toEqual([]);
    expect(ids.size).toBeLessThan(afterClose);
    // The restored database serves again.
    const again = await startHarness({ dbPath });
    const profiles = await again.api('/api/profiles', { key: again.keys.supervisor });
    expect(profiles.body.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(before));
    await again.connector.close();
  });

  it('verify refuses a file that is not a connector database, and backup never overwrites', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'c.db');
    openDatabase(dbPath).close();
    const notDb = join(dir, 'junk.db');
    new Database(notDb).close();
    const verify = await cli(dbPath, ['verify', notDb]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/not a connector database/);
    const first = await cli(dbPath, ['backup', join(dir, 'b.db')]);
    expect(first.code, first.stderr).toBe(0);
    const second = await cli(dbPath, ['backup', join(dir, 'b.db')]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/already exists/);
  });
});

describe('audit retention and export', () => {
  function seeded(): { dbPath: string; now: number; ids: { old: number[]; recent: number[] } } {
    const dir = tempDir();
    const dbPath = join(dir, 'c.db');
    const db = openDatabase(dbPath);
    const audit = new AuditStore(db);
    // Relative to the real clock: the CLI prunes against today's date.
    const now = Date.now();
    const add = (at: number, i: number) =>
      audit.add({ at, agentId: `agent-${i % 3}`, trigger: 'presence', action: 'skip', reason: 'presence-busy', text: i === 0 ? '=HYPERLINK("x"), "quoted"' : `entry ${i}`, inputs: { i }, result: 'skipped' });
    const old = Array.from({ length: 23 }, (_, i) => add(now - 100 * DAY + i, i));
    const recent = Array.from({ length: 5 }, (_, i) => add(now - DAY + i, i));
    db.close();
    return { dbPath, now, ids: { old, recent } };
  }

  it('the pruning job deletes only what is past retention, in batches that let the event loop run between them', async () => {
    const { dbPath, now, ids } = seeded();
    const db = openDatabase(dbPath);
    const job = startAuditPruning(db, { auditRetentionDays: 90, auditPruneIntervalMs: 3_600_000, auditPruneBatch: 5 }, silentLogger, () => now);
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    const pruned = await job.runOnce();
    clearInterval(tick);
    await job.stop();
    expect(pruned).toBe(ids.old.length);
    expect(turns).toBeGreaterThan(0);
    const left = (db.prepare('SELECT id FROM audit ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    db.close();
    expect(left).toEqual(ids.recent);
  });

  it('exports a time range as JSON lines and as CSV (formulas neutralised), and prunes from the CLI', async () => {
    const { dbPath, now, ids } = seeded();
    const from = new Date(now - 2 * DAY).toISOString();
    const to = String(now + DAY);
    const jsonl = await cli(dbPath, ['audit', 'export', '--from', from, '--to', to]);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const rows = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id)).toEqual(ids.recent);
    expect(rows[0]).toMatchObject({ agentId: 'agent-0', action: 'skip', inputs: { i: 0 } });

    const out = join(tempDir(), 'audit.csv');
    const csv = await cli(dbPath, ['audit', 'export', '--from', '0', '--to', to, '--format', 'csv', '--out', out]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['id', 'at', 'agentId']);
    expect(lines).toHaveLength(1 + ids.old.length + ids.recent.length);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);

    const bad = await cli(dbPath, ['audit', 'export', '--from', 'yesterday', '--to', to]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from "yesterday" is not a date-time/);

    const prune = await cli(dbPath, ['audit', 'prune', '--days', '30']);
    expect(prune.code, prune.stderr).toBe(0);
    const db = new Database(dbPath, { readonly: true });
    const remaining = (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
    db.close();
    expect(remaining).toBe(ids.recent.length);
  });
});

describe('the CLI speaks up', () => {
  it('--help prints every command and exits 0; an unknown command or key id fails with exit 2', async () => {
    const dbPath = join(tempDir(), 'c.db');
    const help = await cli(dbPath, ['--help']);
    expect(help.code).toBe(0);
    for (const word of ['keys create', 'keys revoke', 'backup FILE', 'restore FILE', 'audit export', 'audit prune']) expect(help.stdout).toContain(word);
    const unknown = await cli(dbPath, ['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const revoke = await cli(dbPath, ['keys', 'revoke', 'no-such-key']);
    expect(revoke.code).toBe(2);
    expect(revoke.stderr).toMatch(/no active key has id "no-such-key"/);
    const created = await cli(dbPath, ['keys', 'create', '--role', 'supervisor', '--name', 'ops']);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await cli(dbPath, ['keys', 'revoke', id])).code).toBe(0);
    expect((await cli(dbPath, ['keys', 'revoke', id])).code).toBe(2);
  });
});
