import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadConfig, ConfigError } from './config.js';
import { AuditRetentionStore, csvField } from './store/audit-retention-store.js';
import { backupDatabase, restoreDatabase, verifyDatabase } from './store/backup-store.js';
import { openDatabase, type Db } from './store/db.js';
import { KeyStore, ROLES, type Role } from './store/key-store.js';

const HELP = `Teams Presence Connector — administration on the connector's database (dbPath / TPC_DB_PATH).

Usage: npm run cli -- <command> [options]

  keys create --role admin|supervisor|agent --name NAME [--agent AGENT_ID]
                                 create an API key; printed once, only its hash is stored
  keys list                      list active keys (never the keys themselves)
  keys revoke ID                 revoke a key; fails when no active key has that id
  backup FILE                    online backup (VACUUM INTO) while the connector runs; FILE must not exist
  verify FILE                    integrity check of a backup, with its row counts
  restore FILE [--force]         replace the database with a backup; stop the connector first
  audit export --from T --to T [--format csv|jsonl] [--out FILE]
                                 audit entries with from <= at < to (ISO date-time or ms epoch), oldest first
  audit prune [--days N]         delete entries older than N days now (default: ops.auditRetentionDays, 90)
  --help                         this text

Exit codes: 0 done, 2 wrong usage or configuration, 1 the operation failed (the message says why).`;

class UsageError extends Error {}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  return v;
}

function time(value: string | undefined, name: string): number {
  if (value === undefined) throw new UsageError(`--${name} is required (ISO date-time like 2026-01-31T00:00:00Z, or ms since the epoch)`);
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} "${value}" is not a date-time (ISO 8601 or ms since the epoch)`);
  return n;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);

function keys(db: Db, command: string | undefined, rest: string[]): void {
  const store = new KeyStore(db);
  if (command === 'create') {
    const role = arg(rest, 'role');
    const name = arg(rest, 'name');
    const agent = arg(rest, 'agent') ?? null;
    if (!role || !ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (!name) throw new UsageError('--name is required');
    if (role === 'agent' && !agent) throw new UsageError('--agent AGENT_ID is required for the agent role');
    const { key, record } = store.create(name, role as Role, agent, Date.now());
    out(JSON.stringify({ id: record.id, role: record.role, name: record.name, agentId: record.agentId, key }));
  } else if (command === 'list') {
    for (const k of store.all()) out(JSON.stringify(k));
  } else if (command === 'revoke') {
    const id = rest[0];
    if (!id) throw new UsageError('usage: keys revoke ID');
    if (!store.all().some((k) => k.id === id)) throw new UsageError(`no active key has id "${id}" (see keys list)`);
    store.revoke(id, Date.now());
    out(`revoked ${id}`);
  } else throw new UsageError(`unknown keys command "${command ?? ''}" (create, list, revoke)`);
}

async function audit(db: Db, command: string | undefined, rest: string[], retentionDays: number): Promise<void> {
  const store = new AuditRetentionStore(db);
  if (command === 'prune') {
    const daysArg = arg(rest, 'days');
    const days = daysArg === undefined ? retentionDays : Number(daysArg);
    if (!Number.isInteger(days) || days < 1) throw new UsageError(`--days must be a whole number of days, at least 1 (got "${daysArg}")`);
    const cutoff = Date.now() - days * 86_400_000;
    let total = 0;
    for (let n = -1; n !== 0; total += n) n = store.pruneBatch(cutoff, 500);
    out(JSON.stringify({ pruned: total, olderThan: new Date(cutoff).toISOString() }));
    return;
  }
  if (command !== 'export') throw new UsageError(`unknown audit command "${command ?? ''}" (export, prune)`);
  const from = time(arg(rest, 'from'), 'from');
  const to = time(arg(rest, 'to'), 'to');
  if (from >= to) throw new UsageError('--from must be earlier than --to');
  const format = arg(rest, 'format') ?? 'jsonl';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, not "${format}"`);
  const file = arg(rest, 'out');
  const sink = file ? createWriteStream(file, { flags: 'wx' }) : process.stdout;
  const write = async (line: string): Promise<void> => {
    if (!sink.write(`${line}\n`)) await once(sink, 'drain');
  };
  let header: string[] | null = null;
  for (const row of store.between(from, to, format === 'jsonl')) {
    if (format === 'jsonl') await write(JSON.stringify(row));
    else {
      if (!header) await write((header = Object.keys(row)).join(','));
      await write(header.map((k) => csvField(row[k])).join(','));
    }
  }
  if (file) await new Promise<void>((resolve, reject) => (sink as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function main(argv: string[]): Promise<void> {
  const [group, command, ...rest] = argv;
  if (!group || group === '--help' || group === '-h' || group === 'help' || argv.includes('--help')) {
    out(HELP);
    return;
  }
  if (!['keys', 'backup', 'verify', 'restore', 'audit'].includes(group)) throw new UsageError(`unknown command "${group}"; see --help`);
  const config = loadConfig();
  if (group === 'verify' || group === 'restore') {
    if (!command) throw new UsageError(`usage: ${group} FILE`);
    const report = group === 'verify' ? verifyDatabase(command) : restoreDatabase(command, config.dbPath, rest.includes('--force'));
    out(JSON.stringify(report));
    return;
  }
  const db = openDatabase(config.dbPath);
  try {
    if (group === 'keys') keys(db, command, rest);
    else if (group === 'backup') {
      if (!command) throw new UsageError('usage: backup FILE');
      out(JSON.stringify(backupDatabase(db, command)));
    } else await audit(db, command, rest, config.ops.auditRetentionDays);
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const usage = err instanceof ConfigError || err instanceof UsageError;
  process.stderr.write(`${usage ? (err as Error).message : `failed: ${(err as Error).message}`}\n`);
  process.exit(usage ? 2 : 1);
});
