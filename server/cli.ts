import { loadConfig, ConfigError } from './config.js';
import { openDatabase } from './store/db.js';
import { KeyStore, ROLES, type Role } from './store/key-store.js';

/**
 * Administration from the shell, on the connector's database:
 *   npm run cli -- keys create --role admin|supervisor|agent --name NAME [--agent AGENT_ID]
 *   npm run cli -- keys list
 *   npm run cli -- keys revoke ID
 * A created key is printed once; only its hash is stored.
 */
function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  const [group, command, ...rest] = argv;
  if (group !== 'keys' || !command) fail('usage: cli keys create --role ROLE --name NAME [--agent ID] | keys list | keys revoke ID');
  let dbPath: string;
  try {
    dbPath = loadConfig().dbPath;
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : String(err));
  }
  const db = openDatabase(dbPath);
  const keys = new KeyStore(db);
  try {
    if (command === 'create') {
      const role = arg(rest, 'role');
      const name = arg(rest, 'name');
      const agent = arg(rest, 'agent') ?? null;
      if (!role || !ROLES.includes(role as Role)) fail(`--role must be one of ${ROLES.join(', ')}`);
      if (!name) fail('--name is required');
      if (role === 'agent' && !agent) fail('--agent AGENT_ID is required for the agent role');
      const { key, record } = keys.create(name, role as Role, agent, Date.now());
      process.stdout.write(`${JSON.stringify({ id: record.id, role: record.role, name: record.name, agentId: record.agentId, key })}\n`);
    } else if (command === 'list') {
      for (const k of keys.all()) process.stdout.write(`${JSON.stringify(k)}\n`);
    } else if (command === 'revoke') {
      const id = rest[0];
      if (!id) fail('usage: cli keys revoke ID');
      keys.revoke(id, Date.now());
      process.stdout.write(`revoked ${id}\n`);
    } else fail(`unknown command "${command}"`);
  } finally {
    db.close();
  }
}

main(process.argv.slice(2));
