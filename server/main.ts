import { existsSync } from 'node:fs';
import { loadConfig, ConfigError, type Config } from './config.js';
import { startConnector } from './connector.js';
import { createLogger } from './logger.js';
import { systemClock } from './ports.js';
import { installShutdown } from './shutdown.js';
import { guardStartup, startupFailed } from './startup.js';
import { waitForDatabase } from './store/db.js';
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
  // A full disk or read-only file at start is waited out (logged), not a crash loop under a supervisor.
  await waitForDatabase(config.dbPath, extraMigrations, (err, delayMs) => logger.error({ err: err.message, retryInMs: delayMs }, 'the database cannot be opened; not starting until it can'));
  const starting = guardStartup(config.ops.startupTimeoutMs, () => `the contact center (${config.webex.baseUrl}) or Microsoft Graph (${config.graph.graphBaseUrl}) does not answer; see the warnings above`);
  const connector = await startConnector({
    config,
    logger,
    clock: systemClock,
    presetsDir: 'mappings',
    extraMigrations,
    parts: (db) => buildParts(config, db, logger),
    statics: existsSync('dist/widget') ? [['/widget', 'dist/widget']] : [],
  });
  starting.done();
  logger.info({ url: connector.url }, 'Teams Presence Connector listening');
  installShutdown({ drain: (ms) => connector.app.drain(ms), close: () => connector.close() }, logger, config.ops.shutdownDrainMs);
}

// A start-up failure is reported in words (the port in use, an unreachable database folder...), exit 2, no stack.
main().catch(startupFailed);
