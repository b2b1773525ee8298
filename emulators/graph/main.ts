import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoUsers, startGraphEmulator } from './index.js';

/**
 * Runs the Graph emulator as its own process:
 *   tsx emulators/graph/main.ts --port 0 --users 10000 [--tenant-id ..] [--client-id ..] [--client-secret ..]
 *     [--throttle-limit 1500] [--throttle-window-ms 30000] [--token-lifetime-sec 3599]
 *     [--delivery fast|realistic] [--validation-token v1|v2] [--unknown-presence-ids reject|presence-unknown] [--verbose]
 *     [--mfa-users upn1,upn2] [--redirect-uris https://host/cb,http://127.0.0.1/cb]
 * Prints ONE JSON line on stdout once listening: {"url","caCertPath","tenantId","clientId","clientSecret"};
 * the CA PEM lives in a temp directory removed on SIGTERM/SIGINT. Logs (with --verbose) go to stderr.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    users: { type: 'string', default: '60' },
    'tenant-id': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'throttle-limit': { type: 'string' },
    'throttle-window-ms': { type: 'string' },
    'token-lifetime-sec': { type: 'string' },
    delivery: { type: 'string', default: 'fast' },
    'validation-token': { type: 'string', default: 'v1' },
    'unknown-presence-ids': { type: 'string', default: 'reject' },
    verbose: { type: 'boolean', default: false },
    'mfa-users': { type: 'string' },
    'redirect-uris': { type: 'string' },
  },
});

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`graph-emulator: --${name} must be a non-negative integer\n`);
    process.exit(2);
  }
  return n;
};

const oneOf = <T extends string>(v: string | undefined, name: string, allowed: readonly T[]): T => {
  if (allowed.includes(v as T)) return v as T;
  process.stderr.write(`graph-emulator: --${name} must be one of ${allowed.join(', ')}\n`);
  process.exit(2);
};

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);

const emulator = await startGraphEmulator({
  delivery: oneOf(values.delivery, 'delivery', ['fast', 'realistic'] as const),
  validationTokenVersion: oneOf(values['validation-token'], 'validation-token', ['v1', 'v2'] as const),
  unknownPresenceIds: oneOf(values['unknown-presence-ids'], 'unknown-presence-ids', ['reject', 'presence-unknown'] as const),
  port: num(values.port, 'port'),
  users: demoUsers(num(values.users, 'users') ?? 60),
  tenantId: values['tenant-id'],
  clientId: values['client-id'],
  clientSecret: values['client-secret'],
  throttleLimit: num(values['throttle-limit'], 'throttle-limit'),
  throttleWindowMs: num(values['throttle-window-ms'], 'throttle-window-ms'),
  tokenLifetimeSec: num(values['token-lifetime-sec'], 'token-lifetime-sec'),
  quiet: !values.verbose,
  mfaUsers: list(values['mfa-users']),
  redirectUris: list(values['redirect-uris']),
});

const dir = mkdtempSync(join(tmpdir(), 'graph-emulator-'));
const caCertPath = join(dir, 'ca.pem');
writeFileSync(caCertPath, emulator.caCertPem, { mode: 0o600 });
const { url, tenantId, clientId, clientSecret } = emulator;
process.stdout.write(`${JSON.stringify({ url, caCertPath, tenantId, clientId, clientSecret })}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void emulator.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
