import { existsSync } from 'node:fs';
import { loadConfig, ConfigError, type Config } from './config.js';
import { startConnector, type Connector } from './connector.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock } from './ports.js';
import { buildParts } from './parts.js';
import { startSandbox, type Sandbox } from './sandbox/sandbox.js';

/**
 * Composition root. With no configuration (`mode: sandbox`) it starts both emulators with demo data, wires the
 * connector to them and prints the URLs; in live mode it talks to Microsoft Graph and Webex Contact Center.
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
  const logger = createLogger(config.logLevel);
  let sandbox: Sandbox | null = null;
  if (config.mode === 'sandbox') {
    sandbox = await startSandbox(config, logger);
    config = sandbox.config;
  }
  const connector = await startConnector({
    config,
    logger,
    clock: systemClock,
    presetsDir: 'mappings',
    extraMigrations: sandbox?.extraMigrations ?? (await import('./parts.js')).extraMigrations,
    parts: (db) => buildParts(config, db, logger, sandbox?.caCertPem),
    statics: existsSync('dist/widget') ? [['/widget', 'dist/widget']] : [],
    ...(sandbox ? { extra: sandbox.routes } : {}),
  });
  if (sandbox) await sandbox.ready(connector);
  else logger.info({ url: connector.url }, 'Teams Presence Connector listening');
  installShutdown(connector, sandbox, logger);
}

function installShutdown(connector: Connector, sandbox: Sandbox | null, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    connector
      .close()
      .then(() => sandbox?.close())
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
