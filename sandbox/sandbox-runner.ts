import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../server/config.js';
import { startConnector, type Connector } from '../server/connector.js';
import { silentLogger, type Logger } from '../server/logger.js';
import { buildParts } from '../server/parts.js';
import { systemClock } from '../server/ports.js';
import { startSandbox, type Sandbox } from './sandbox.js';

export interface SandboxRunOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  dbPath: string;
  logger?: Logger;
  /** Folder of the built widget bundles served at /widget (default dist/widget, when it exists). */
  widgetDir?: string;
  /** Print the URLs like `npm start` does (default false). */
  announce?: boolean;
  /** Settings read from the environment by `npm start`; port, dbPath, log level and stale-presence age are kept. */
  base?: Config;
  /** Demo agents in both emulators (default 8). */
  agents?: number;
}

export interface RunningSandbox {
  connector: Connector;
  sandbox: Sandbox;
  url: string;
  close(): Promise<void>;
}

/**
 * The whole sandbox in this process: both emulators, the connector wired to them by configuration, the page and
 * its control panel. The same composition `npm start` uses with no configuration; tests and scripts use it to get
 * a running product on a free loopback port.
 */
export async function runSandbox(o: SandboxRunOptions): Promise<RunningSandbox> {
  const logger = o.logger ?? silentLogger;
  const base = o.base ?? loadConfig({}, { mode: 'sandbox', host: '127.0.0.1', port: o.port ?? 0, dbPath: o.dbPath, logLevel: 'silent' });
  const sandbox = await startSandbox(base, logger, o.agents ? { agents: o.agents } : {});
  const config = sandbox.config;
  const widgetDir = o.widgetDir ?? 'dist/widget';
  let connector: Connector;
  try {
    connector = await startConnector({
      config,
      logger,
      clock: systemClock,
      presetsDir: 'mappings',
      extraMigrations: sandbox.extraMigrations,
      parts: (db) => buildParts(config, db, logger, sandbox.caCertPem),
      statics: existsSync(widgetDir) ? [['/widget', widgetDir]] : [],
      extra: sandbox.routes,
    });
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  await sandbox.ready(connector, { announce: o.announce ?? false });
  return {
    connector,
    sandbox,
    url: connector.url,
    async close() {
      await connector.close();
      await sandbox.close();
    },
  };
}
