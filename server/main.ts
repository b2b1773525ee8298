import { existsSync } from 'node:fs';
import { loadConfig, ConfigError, type Config } from './config.js';
import { startConnector, type Connector } from './connector.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock } from './ports.js';
import { buildParts, extraMigrations } from './parts.js';

/**
 * Production composition root: the connector talking to Microsoft Graph and Webex Contact Center. It never loads
 * emulator code; the sandbox (`npm start`, both emulators with demo data) has its own entry point, sandbox/main.ts.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.mode === 'sandbox') {
    process.stderr.write('TPC_MODE=sandbox is started by `npm start` (sandbox/main.ts); server/main.ts runs TPC_MODE=live only\n');
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const connector = await startConnector({
    config,
    logger,
    clock: systemClock,
    presetsDir: 'mappings',
    extraMigrations,
    parts: (db) => buildParts(config, db, logger),
    statics: existsSync('dist/widget') ? [['/widget', 'dist/widget']] : [],
  });
  logger.info({ url: connector.url }, 'Teams Presence Connector listening');
  installShutdown(connector, logger);
}

function installShutdown(connector: Connector, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    connector
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
