import { loadConfig, ConfigError, type Config } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { parseSandboxArgs, SandboxUsageError, type SandboxOptions } from './sandbox-options.js';
import { installShutdown } from '../server/shutdown.js';
import { runSandbox } from './sandbox-runner.js';

/**
 * `npm start`: both emulators on loopback with demo data and the connector wired to them through configuration
 * only (the same code paths as production), then the URLs. Production runs server/main.ts, which never loads
 * emulator code.
 */
async function main(): Promise<void> {
  let base: Config;
  let options: SandboxOptions;
  try {
    options = parseSandboxArgs(process.argv.slice(2));
    base = loadConfig();
  } catch (err) {
    if (err instanceof SandboxUsageError && err.help) {
      process.stdout.write(`${err.message}\n`);
      process.exit(0);
    }
    if (err instanceof ConfigError || err instanceof SandboxUsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (base.mode !== 'sandbox') {
    process.stderr.write('TPC_MODE=live runs against the real services: start it with `npm run start:prod` (server/main.ts)\n');
    process.exit(2);
  }
  const logger = createLogger(base.logLevel);
  const running = await runSandbox({ dbPath: base.dbPath, base, logger, announce: true, agents: options.agents });
  // SIGTERM/SIGINT drain in-flight requests and commands, close the connector and both emulators, exit 0.
  installShutdown({ drain: (ms) => running.connector.app.drain(ms), close: () => running.close() }, logger, base.ops.shutdownDrainMs);
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
