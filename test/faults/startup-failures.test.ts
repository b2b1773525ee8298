import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The production entry point (server/main.ts, what `npm run start:prod` runs) started as its own process with bad
 * configurations: every failure ends with exit 2 and a listed problem on stderr, never exit 0 and never a stack.
 */

let dir: string;
let closedPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-startup-'));
  // A port nobody listens on: taken, then released.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A complete live configuration whose upstreams are unreachable loopback addresses; `env` overrides it. */
function liveEnv(name: string, env: Record<string, string | undefined>): Record<string, string> {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: dir,
    TPC_MODE: 'live',
    TPC_PORT: '0',
    TPC_LOG_LEVEL: 'warn',
    TPC_DB_PATH: join(dir, name, 'connector.db'),
    TPC_GRAPH_TENANT_ID: 'tenant',
    TPC_GRAPH_CLIENT_ID: 'client',
    TPC_GRAPH_CLIENT_SECRET: 'not-a-real-secret',
    TPC_GRAPH_AUTHORITY_HOST: `https://127.0.0.1:${closedPort}`,
    TPC_GRAPH_BASE_URL: `https://127.0.0.1:${closedPort}`,
    TPC_WEBEX_BASE_URL: `http://127.0.0.1:${closedPort}`,
    TPC_WEBEX_IDENTITY_BASE_URL: `http://127.0.0.1:${closedPort}`,
    TPC_WEBEX_ORG_ID: 'org',
    TPC_WEBEX_ACCESS_TOKEN: 'not-a-real-token',
    TPC_WEBEX_EVENTS: 'websocket',
    TPC_STARTUP_TIMEOUT_MS: '3000',
    ...env,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

function run(env: Record<string, string>, limitMs = 30_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process was still running after ${limitMs} ms: ${stderr}`));
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stderr });
    });
  });
}

/** No stack frame ("    at fn (file:line)") anywhere in what the process wrote. */
const STACK = /^\s+at .+[:(]/m;

describe('start-up failures: exit 2 with the problem listed', () => {
  it('a contact center that never answers ends start-up with exit 2 naming it, not a silent exit 0', async () => {
    const { code, stderr } = await run(liveEnv('unreachable', {}));
    expect(code).toBe(2);
    expect(stderr).toContain(`failed to start: start-up did not finish within 3 s: the contact center (http://127.0.0.1:${closedPort})`);
    expect(stderr).not.toMatch(STACK);
  }, 40_000);

  it('an http:// Graph authority or Graph address is refused', async () => {
    const { code, stderr } = await run(liveEnv('http-authority', { TPC_GRAPH_AUTHORITY_HOST: 'http://login.microsoftonline.com', TPC_GRAPH_BASE_URL: 'http://graph.microsoft.com' }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/graph\.authorityHost \(TPC_GRAPH_AUTHORITY_HOST\): must be an https:\/\/ address/);
    expect(stderr).toMatch(/graph\.graphBaseUrl \(TPC_GRAPH_BASE_URL\): must be an https:\/\/ address/);
    expect(stderr).not.toMatch(STACK);
  }, 40_000);

  it('an http:// contact center off this machine is refused', async () => {
    const { code, stderr } = await run(liveEnv('http-webex', { TPC_WEBEX_BASE_URL: 'http://api.wxcc-us1.cisco.com' }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/webex\.baseUrl \(TPC_WEBEX_BASE_URL\): must be an https:\/\/ address/);
  }, 40_000);

  it('webhook events without a secret are refused instead of looking healthy', async () => {
    const { code, stderr } = await run(liveEnv('no-secret', { TPC_WEBEX_EVENTS: 'webhook', TPC_PUBLIC_URL: 'https://connector.example.com' }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/webex\.webhookSecret \(TPC_WEBEX_WEBHOOK_SECRET\): required for Webex webhooks/);
  }, 40_000);

  it('a database that cannot be opened is exit 2 in words', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const { code, stderr } = await run(liveEnv('db', { TPC_DB_PATH: join(file, 'connector.db') }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^failed to start: (EEXIST|ENOTDIR)/m);
    expect(stderr).not.toMatch(STACK);
  }, 40_000);

  it('a database file that is not SQLite is exit 2 in words', async () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, 'this is not a database '.repeat(200));
    const { code, stderr } = await run(liveEnv('garbage', { TPC_DB_PATH: file }));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^failed to start: file is not a database/m);
    expect(stderr).not.toMatch(STACK);
  }, 40_000);
});
