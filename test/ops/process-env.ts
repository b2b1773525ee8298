import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { demoAgents, startWebexEmulator, type WebexEmulator } from '../../emulators/webex-cc/index.js';
import { freePort, waitFor } from '../bench/processes.js';

/**
 * Both emulators in this process and the environment that points a connector process at them (live mode), with a
 * marker in that environment so every process started from it can be found again (and must be gone at the end).
 */
export interface ProcessEnv {
  graph: GraphEmulator;
  webex: WebexEmulator;
  env: Record<string, string>;
  url: string;
  adminKey: string;
  dbPath: string;
  dir: string;
  close(): Promise<void>;
}

export async function startProcessEnv(agents = 4): Promise<ProcessEnv> {
  const graph = await startGraphEmulator({ quiet: true, users: demoUsers(12) });
  const webex = await startWebexEmulator({
    quiet: true,
    agents: demoAgents(agents),
    stateChangeDelayMs: 5,
    // Documented defaults; the one flag is delivery to the connector's loopback webhook (Webex delivers only to https:443).
    inventions: { loopbackWebhooks: true },
  });
  const dir = mkdtempSync(join(tmpdir(), 'tpc-proc-'));
  const caCertPath = join(dir, 'graph-ca.pem');
  writeFileSync(caCertPath, graph.caCertPem);
  const port = await freePort();
  const adminKey = `proc-admin-${randomBytes(16).toString('hex')}`;
  const dbPath = join(dir, 'connector.db');
  const env = {
    TPC_MODE: 'live',
    PORT: String(port),
    TPC_HOST: '127.0.0.1',
    TPC_DB_PATH: dbPath,
    TPC_BOOTSTRAP_ADMIN_KEY: adminKey,
    TPC_LOG_LEVEL: 'warn',
    TPC_GRAPH_TENANT_ID: graph.tenantId,
    TPC_GRAPH_CLIENT_ID: graph.clientId,
    TPC_GRAPH_CLIENT_SECRET: graph.clientSecret,
    TPC_GRAPH_AUTHORITY_HOST: graph.url,
    TPC_GRAPH_BASE_URL: graph.url,
    TPC_GRAPH_CA_CERT_PATH: caCertPath,
    TPC_WEBEX_BASE_URL: webex.url,
    TPC_WEBEX_ORG_ID: webex.orgId,
    TPC_WEBEX_IDENTITY_BASE_URL: webex.identityUrl,
    TPC_WEBEX_ACCESS_TOKEN: webex.supervisorToken,
    TPC_WEBEX_ADMIN_ACCESS_TOKEN: webex.integrationToken,
    TPC_WEBEX_EVENTS: 'webhook',
    TPC_WEBEX_WEBHOOK_SECRET: 'process-env-webhook-secret-0123456789abcdef',
    TPC_PUBLIC_URL: `http://127.0.0.1:${port}`,
    TPC_RECONCILE_INTERVAL_MS: '2000',
    TPC_SHUTDOWN_DRAIN_MS: '8000',
  };
  return {
    graph,
    webex,
    env,
    url: `http://127.0.0.1:${port}`,
    adminKey,
    dbPath,
    dir,
    async close() {
      await Promise.allSettled([graph.close(), webex.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Started {
  proc: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `command args` with the connector's environment and waits until it answers /livez. */
export async function startProcess(pe: ProcessEnv, command: string, args: string[], timeoutMs = 60_000): Promise<Started> {
  const proc = spawn(command, args, { env: { ...process.env, ...pe.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-8_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  await waitFor(
    'connector listening',
    async () => {
      if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}: ${err}`);
      return (await fetch(`${pe.url}/livez`).catch(() => null))?.ok;
    },
    timeoutMs,
    100,
  ).catch(async (e: unknown) => {
    proc.kill('SIGKILL');
    throw e;
  });
  return { proc, stderr: () => err, exited };
}

/** Pids of live processes whose environment holds `marker` (this test's private database path). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) {
        const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
        if (!/\) Z /.test(stat)) found.push(Number(entry));
      }
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}
