import type { Logger } from './logger.js';

/**
 * SIGTERM/SIGINT: readiness turns 503 and new requests are refused, in-flight HTTP requests and state commands get
 * up to `ops.shutdownDrainMs` to finish, then the connector closes (engine, sources, sockets, database) and the
 * process exits 0. Run as `node --import tsx server/main.ts` (no npm or shell wrapper) so the signal reaches it.
 */
export function installShutdown(target: { drain(ms: number): Promise<{ requests: number; commands: number }>; close(): Promise<void> }, logger: Logger, drainMs: number): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs }, 'shutting down: draining in-flight requests and commands');
    // Last resort if closing itself hangs: never leave a half-stopped process behind.
    const force = setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in time');
      process.exit(1);
    }, drainMs + 15_000);
    force.unref();
    target
      .drain(drainMs)
      .then((left) => {
        if (left.requests > 0 || left.commands > 0) logger.warn(left, 'drain deadline passed with work still in flight');
        return target.close();
      })
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
