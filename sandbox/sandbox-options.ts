import { parseArgs } from 'node:util';
import { demoUserId, demoUsers, type SeedUser } from '../emulators/graph/index.js';

/** Options of `npm start -- …`; anything else is refused by name with the list of what is supported. */
export interface SandboxOptions {
  agents: number;
}

export const SANDBOX_USAGE = `usage: npm start [-- --agents N]
  --agents N   demo agents in both emulators (1–5000, default 8)
Other settings come from the environment (README, "Configuration"); TPC_GRAPH_PRESENCE_MODE=subscribe runs
subscribe mode. A live deployment runs \`npm run start:prod\` instead.`;

export class SandboxUsageError extends Error {
  /** True for --help: the usage goes to stdout and the exit status is 0. */
  constructor(message: string, readonly help = false) {
    super(message);
  }
}

export function parseSandboxArgs(argv: readonly string[]): SandboxOptions {
  let parsed: ReturnType<typeof parseArgs<{ options: { agents: { type: 'string' }; help: { type: 'boolean' } }; strict: true; allowPositionals: false }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: { agents: { type: 'string' }, help: { type: 'boolean' } }, strict: true, allowPositionals: false });
  } catch (err) {
    // Node names the option it does not know ("Unknown option '--subscribe'"); keep its words, add what is supported.
    throw new SandboxUsageError(`the sandbox does not support that: ${(err as Error).message.split('.')[0]}\n${SANDBOX_USAGE}`);
  }
  if (parsed.values.help) throw new SandboxUsageError(SANDBOX_USAGE, true);
  const raw = parsed.values.agents;
  const agents = raw === undefined ? 8 : Number(raw);
  if (!Number.isInteger(agents) || agents < 1 || agents > 5000) throw new SandboxUsageError(`--agents must be a whole number from 1 to 5000, not "${raw}"\n${SANDBOX_USAGE}`);
  return { agents };
}

/**
 * The Graph emulator's directory for `agents` demo agents: the standard demo users (agents 1–8 and colleagues), plus a
 * Teams user with the same mail for every further agent, so each one is matched.
 */
export function sandboxDirectory(agents: number): SeedUser[] {
  const users = demoUsers(60);
  for (let n = 9; n <= agents; n++) {
    const upn = `agent${n}@contoso.example`;
    users.push({ id: demoUserId(10_000 + n), displayName: `Demo Agent ${n}`, userPrincipalName: upn, mail: upn, department: 'Contact Center', jobTitle: 'Agent' });
  }
  return users;
}
