/**
 * Runs the Webex Contact Center emulator as its own process:
 *   tsx emulators/webex-cc/main.ts --port 0 --identity-port 0 --agents 10000 [--rona 8] [--delay 20] [--org-id <uuid>]
 *     [--rate-limit 300] [--token-lifetime <sec>] [--invent orgWideSocket,adminActsOnAnyAgent,…] [--logged-out] [--verbose]
 * Prints one JSON line {"url","identityUrl","orgId","integrationToken","supervisorToken"} on stdout once
 * listening; log lines (with --verbose) go to stderr. Exits cleanly on SIGTERM/SIGINT.
 */
import { demoAgents, startWebexEmulator } from './index.js';
import { parseInventions } from './options.js';

function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      args.set(a.slice(2), next);
      i++;
    } else args.set(a.slice(2), 'true');
  }
  return args;
}

function intArg(args: Map<string, string>, name: string, fallback: number): number {
  const v = args.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const count = intArg(args, 'agents', 8);
  const agents = demoAgents(count).map((a) => (args.has('logged-out') ? { ...a, loggedIn: false } : a));
  const emulator = await startWebexEmulator({
    port: intArg(args, 'port', 0),
    identityPort: intArg(args, 'identity-port', 0),
    rateLimitPerMinute: intArg(args, 'rate-limit', 300),
    accessTokenLifetimeSec: args.has('token-lifetime') ? intArg(args, 'token-lifetime', 0) : undefined,
    inventions: parseInventions(args.get('invent') ?? ''),
    orgId: args.get('org-id'),
    agents,
    ronaTimeoutSec: intArg(args, 'rona', 8),
    stateChangeDelayMs: intArg(args, 'delay', 20),
    quiet: !args.has('verbose'),
  });
  process.stdout.write(
    `${JSON.stringify({ url: emulator.url, identityUrl: emulator.identityUrl, orgId: emulator.orgId, integrationToken: emulator.integrationToken, supervisorToken: emulator.supervisorToken })}\n`,
  );
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`webex-cc emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
