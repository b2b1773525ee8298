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
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

export const silentLogger: Logger = pino({ level: 'silent' });
