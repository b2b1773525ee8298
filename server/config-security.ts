import { z } from 'zod';

const ms = z.coerce.number().int().min(0);
const count = z.coerce.number().int().min(1);

/**
 * The Webex Contact Center Agent Desktop's origins, one per data centre (US, EU1 London, EU2 Frankfurt, ANZ, Canada,
 * Japan, Singapore). The connector's pages and widget bundles are embedded there; no other origin may frame the pages,
 * read the bundles through CORS or open a widget socket unless listed in `security.allowedOrigins`.
 */
export const DESKTOP_ORIGINS = ['us1', 'eu1', 'eu2', 'anz1', 'ca1', 'jp1', 'sg1'].map((dc) => `https://desktop.wxcc-${dc}.cisco.com`);

const origin = z
  .string()
  .trim()
  .refine((o) => {
    try {
      const u = new URL(o);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin: scheme://host[:port] with no path, e.g. https://desktop.wxcc-us1.cisco.com')
  .transform((o) => o.replace(/\/$/, ''));

/**
 * Browser and abuse controls (part of the one config schema in config.ts). Every key is in the README's
 * configuration table and config.example.jsonc.
 */
export const securityConfigSchema = z
  .strictObject({
    /** Origins (besides the connector's own) that may embed the pages, load the bundles with CORS and open sockets. */
    allowedOrigins: z
      .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(origin).max(100))
      .default(DESKTOP_ORIGINS),
    /** Failed authentications one source address may make per window before it is refused without a check. */
    authFailureLimit: count.max(100_000).default(20),
    authFailureWindowMs: ms.min(1_000).default(60_000),
    /** Sockets that have not authenticated yet, at most this many at once (all sources together). */
    maxPendingSockets: count.max(100_000).default(200),
    /** A socket that has not authenticated within this is closed. */
    pendingSocketTimeoutMs: ms.min(100).default(5_000),
    /** Open sockets are re-checked this often, so a key revoked elsewhere (the CLI) stops working. 0 = only on revocation through the API. */
    sessionRecheckMs: ms.default(30_000),
    /** Directory searches one user may make per minute (each costs Graph calls outside the presence poller's share). */
    searchesPerMinute: count.max(10_000).default(30),
  })
  .prefault({});

export type SecurityConfig = z.infer<typeof securityConfigSchema>;

export const SECURITY_ENV: Record<string, string> = {
  TPC_ALLOWED_ORIGINS: 'security.allowedOrigins',
  TPC_AUTH_FAILURE_LIMIT: 'security.authFailureLimit',
  TPC_AUTH_FAILURE_WINDOW_MS: 'security.authFailureWindowMs',
  TPC_MAX_PENDING_SOCKETS: 'security.maxPendingSockets',
  TPC_PENDING_SOCKET_TIMEOUT_MS: 'security.pendingSocketTimeoutMs',
  TPC_SESSION_RECHECK_MS: 'security.sessionRecheckMs',
  TPC_SEARCHES_PER_MINUTE: 'security.searchesPerMinute',
};
