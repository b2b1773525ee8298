import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { DEMO_SERVICE_ACCOUNTS } from '../emulators/graph/index.js';
import type { Config } from '../server/config.js';
import { SIGN_IN_CALLBACK_PATH } from '../server/http/service-account-router.js';

/**
 * Subscribe mode in the sandbox (TPC_GRAPH_PRESENCE_MODE=subscribe): the emulator's demo service accounts have
 * MFA on, as in most real tenants, so they are signed in on the admin page (authorization code + PKCE, password
 * `Passw0rd!`, then approve the MFA prompt); the token cache key is kept next to the database so a restart keeps
 * the sign-ins. Webhooks reach the connector on its loopback URL, so the port is fixed before it listens.
 */
export interface SandboxServiceAccounts {
  port: number;
  emulator: { mfaUsers: string[]; redirectUris: string[] };
  overrides: Record<string, unknown>;
}

/** A port free on loopback now, for a server that must know its own address before it listens. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function tokenCacheKey(dbPath: string): string {
  if (dbPath === ':memory:') return randomBytes(32).toString('base64');
  const file = join(dirname(dbPath), 'sandbox-token-cache.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

export async function sandboxServiceAccounts(base: Config): Promise<SandboxServiceAccounts> {
  const emulator = { mfaUsers: [...DEMO_SERVICE_ACCOUNTS], redirectUris: [`http://127.0.0.1${SIGN_IN_CALLBACK_PATH}`] };
  if (base.graph.presenceMode !== 'subscribe') return { port: base.port, emulator, overrides: { 'graph.presenceMode': 'poll' } };
  const port = base.port === 0 ? await freePort() : base.port;
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    emulator,
    overrides: {
      'graph.presenceMode': 'subscribe',
      publicUrl: url,
      'graph.redirectUri': `${url}${SIGN_IN_CALLBACK_PATH}`,
      'graph.serviceAccounts': DEMO_SERVICE_ACCOUNTS.map((username) => ({ username })),
      'graph.tokenCacheKey': base.graph.tokenCacheKey ?? tokenCacheKey(base.dbPath),
    },
  };
}
