import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs (pino). Credentials are redacted by path so a token can never reach a log line even when a
 * whole request or config object is logged.
 */
export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'clientState',
  '*.clientState',
  'webhookSecret',
  '*.webhookSecret',
  'bootstrapAdminKey',
  '*.bootstrapAdminKey',
  // The loaded Config, logged whole or under `config`: its secrets sit deeper than one wildcard reaches.
  'graph.serviceAccounts[*].password',
  'config.bootstrapAdminKey',
  'config.graph.clientSecret',
  'config.graph.serviceAccounts[*].password',
  'graph.tokenCacheKey',
  'config.graph.tokenCacheKey',
  'config.webex.accessToken',
  'config.webex.webhookSecret',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
  const root = destination ? pino(options, destination as pino.DestinationStream) : pino(options);
  return oneComponent(root, root, root.child as unknown as ChildFn);
}

/**
 * One `component` key per line. pino writes the bindings of every ancestor, so `child({ component })` under a logger
 * that already has one would repeat the key; such a child is made from the root instead, with the parent's other
 * bindings and its own component (the more specific one). `baseChild` is pino's own child(), shared by every logger
 * (children inherit from their parent, so the override must never call itself).
 */
type ChildFn = (this: Logger, bindings: pino.Bindings, opts?: pino.ChildLoggerOptions) => Logger;

function oneComponent(root: Logger, logger: Logger, baseChild: ChildFn): Logger {
  logger.child = ((bindings: pino.Bindings, opts?: pino.ChildLoggerOptions) => {
    const inherited = logger.bindings();
    const made =
      bindings.component !== undefined && inherited.component !== undefined
        ? rootChild(root, logger, baseChild, { ...inherited, ...bindings }, opts)
        : baseChild.call(logger, bindings, opts);
    return oneComponent(root, made, baseChild);
  }) as unknown as Logger['child'];
  return logger;
}

function rootChild(root: Logger, parent: Logger, baseChild: ChildFn, bindings: pino.Bindings, opts?: pino.ChildLoggerOptions): Logger {
  const made = baseChild.call(root, bindings, opts);
  made.level = opts?.level ?? parent.level;
  return made;
}

export const silentLogger: Logger = pino({ level: 'silent' });
