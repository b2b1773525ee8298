/**
 * Start-up either finishes or fails with a listed problem and exit 2 (PRODUCT "Reliability and security"): an
 * error thrown or raised from a timer while starting, or a start that has not finished by the deadline (an
 * upstream that never answers), is one line on stderr without a stack trace. While starting, a referenced timer
 * keeps the process alive: the adapters' retry timers are unreferenced, and without it a start waiting on an
 * unreachable contact center would let Node exit with 0, which no supervisor restarts.
 */
export function guardStartup(timeoutMs: number, stalled: () => string): { done(): void } {
  const onError = (err: unknown): void => startupFailed(err);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  const deadline = setTimeout(() => startupFailed(new Error(`start-up did not finish within ${Math.round(timeoutMs / 1000)} s: ${stalled()}`)), timeoutMs);
  return {
    done() {
      clearTimeout(deadline);
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/** Reports a start-up failure in words (the port in use, an unreachable database folder...) and exits 2. */
export function startupFailed(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`failed to start: ${message.split('\n')[0]}\n`);
  process.exit(2);
}
