import { loadConfig, ConfigError, type Config } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { runSandbox, type RunningSandbox } from './sandbox-runner.js';

/**
 * `npm start`: both emulators on loopback with demo data and the connector wired to them through configuration
 * only (the same code paths as production), then the URLs. Production runs server/main.ts, which never loads
 * emulator code.
 */
async function main(): Promise<void> {
  let base: Config;
  try {
    base = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
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
  const running = await runSandbox({ dbPath: base.dbPath, base, logger, announce: true });
  installShutdown(running, (msg) => logger.error({ err: msg }, 'shutdown failed'));
}

function installShutdown(running: RunningSandbox, onError: (message: string) => void): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        onError((err as Error).message);
        process.exit(1);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
