import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../emulators/graph/demo-users.js';
import { freePort, graphControl, http, spawnConnector, spawnJsonLine, waitFor, type Child } from './processes.js';

/**
 * The whole product as separate processes on loopback: Graph emulator, Webex CC emulator and the connector in
 * live mode pointed at them through its environment only. The Graph emulator's demo directory holds agents 1–8;
 * agents 9…N are added through its control surface so every Webex agent has a Teams user with the same mail.
 */

export interface GraphInfo {
  url: string;
  caCertPath: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface WebexInfo {
  url: string;
  identityUrl: string;
  orgId: string;
  integrationToken: string;
  supervisorToken: string;
}

export interface StackOptions {
  agents: number;
  /** Extra connector environment (TPC_*). */
  env?: Record<string, string>;
  /** Extra Graph emulator arguments. */
  graphArgs?: string[];
  log?: (line: string) => void;
  /** Subscribe mode: delegated service accounts (one per 650 agents) are created in the Graph emulator. */
  subscribe?: boolean;
  /** The Webex emulator's limit per client id and the connector's budget (default 300, Webex's documented figure). */
  webexPerMinute?: number;
  /** Further Webex emulator inventions (e.g. `orgWideSocket` for an observer that sees every agent's state). */
  webexInventions?: string[];
}

export interface Stack {
  graph: GraphInfo;
  webex: WebexInfo;
  connectorUrl: string;
  adminKey: string;
  dbPath: string;
  env: Record<string, string>;
  graphApi: ReturnType<typeof graphControl>;
  /** Teams user id by agent email. */
  teamsIdByEmail: Map<string, string>;
  connector: Child;
  /** Starts the connector again on the same database and port (after a kill). */
  restartConnector(): Promise<Child>;
  close(): Promise<void>;
}

const SEED_CHUNK = 2_000;

export async function startStack(o: StackOptions): Promise<Stack> {
  const log = o.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'tpc-stack-'));
  const children: Child[] = [];
  try {
    const g = await spawnJsonLine<GraphInfo>('emulators/graph/main.ts', ['--port', '0', '--users', '10', ...(o.graphArgs ?? [])]);
    children.push(g.child);
    const graphApi = graphControl(g.info.url, readFileSync(g.info.caCertPath, 'utf8'));
    for (let from = 9; from <= o.agents; from += SEED_CHUNK) {
      const users = [];
      for (let i = from; i < Math.min(o.agents + 1, from + SEED_CHUNK); i++) {
        const upn = `agent${i}@contoso.example`;
        users.push({ displayName: `Agent ${i}`, userPrincipalName: upn, mail: upn, department: 'Contact Center', jobTitle: 'Agent' });
      }
      const res = await graphApi('POST', '/_emulator/users', { users });
      if (res.status !== 201) throw new Error(`seeding Graph users failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const teamsIdByEmail = new Map<string, string>();
    for (let offset = 0; ; offset += 5_000) {
      const page = await graphApi('GET', `/_emulator/users?offset=${offset}&limit=5000`);
      for (const u of page.body.value as { id: string; mail?: string }[]) if (u.mail) teamsIdByEmail.set(u.mail.toLowerCase(), u.id);
      if (offset + 5_000 >= page.body.total) break;
    }
    log(`graph emulator ${g.info.url} with ${teamsIdByEmail.size} users`);

    // Documented defaults; the one flag is delivery to a loopback destination (Webex delivers only to https on 443).
    const perMinute = o.webexPerMinute ?? 300;
    const w = await spawnJsonLine<WebexInfo>('emulators/webex-cc/main.ts', ['--port', '0', '--agents', String(o.agents), '--rate-limit', String(perMinute), '--invent', ['loopbackWebhooks', ...(o.webexInventions ?? [])].join(',')]);
    children.push(w.child);
    log(`webex cc emulator ${w.info.url} with ${o.agents} agents`);

    const port = await freePort();
    const modeEnv: Record<string, string> = {};
    if (o.subscribe) {
      const accounts = [];
      for (let i = 1; i <= Math.ceil(o.agents / 650); i++) accounts.push({ username: `presence-svc${i}@contoso.example`, password: DEMO_PASSWORD });
      const extra = accounts.slice(2).map((a, i) => ({ displayName: `Presence Service ${i + 3}`, userPrincipalName: a.username, mail: a.username, password: a.password }));
      if (extra.length) {
        const res = await graphApi('POST', '/_emulator/users', { users: extra });
        if (res.status !== 201) throw new Error(`seeding service accounts failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const configFile = join(dir, 'config.json');
      writeFileSync(configFile, JSON.stringify({ graph: { serviceAccountAuth: 'password', serviceAccounts: accounts } }), { mode: 0o600 });
      Object.assign(modeEnv, { TPC_CONFIG_FILE: configFile, TPC_GRAPH_PRESENCE_MODE: 'subscribe', TPC_PUBLIC_URL: `http://127.0.0.1:${port}` });
    }
    const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
    const dbPath = join(dir, 'connector.db');
    const env: Record<string, string> = {
      TPC_MODE: 'live',
      PORT: String(port),
      TPC_HOST: '127.0.0.1',
      TPC_DB_PATH: dbPath,
      TPC_BOOTSTRAP_ADMIN_KEY: adminKey,
      TPC_LOG_LEVEL: 'warn',
      TPC_GRAPH_TENANT_ID: g.info.tenantId,
      TPC_GRAPH_CLIENT_ID: g.info.clientId,
      TPC_GRAPH_CLIENT_SECRET: g.info.clientSecret,
      TPC_GRAPH_AUTHORITY_HOST: g.info.url,
      TPC_GRAPH_BASE_URL: g.info.url,
      TPC_GRAPH_CA_CERT_PATH: g.info.caCertPath,
      TPC_WEBEX_BASE_URL: w.info.url,
      TPC_WEBEX_ORG_ID: w.info.orgId,
      // A supervisor acts on agents; the administrator registers the webhook (supervisors may not).
      TPC_WEBEX_ACCESS_TOKEN: w.info.supervisorToken,
      TPC_WEBEX_ADMIN_ACCESS_TOKEN: w.info.integrationToken,
      TPC_WEBEX_IDENTITY_BASE_URL: w.info.identityUrl,
      TPC_WEBEX_EVENTS: 'webhook',
      TPC_WEBEX_WEBHOOK_SECRET: `bench-webhook-${randomBytes(16).toString('hex')}`,
      TPC_WEBEX_BUDGET_PER_MINUTE: String(perMinute || 100_000),
      TPC_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...modeEnv,
      ...o.env,
    };
    const connectorUrl = `http://127.0.0.1:${port}`;
    let connector = await spawnConnector(env, connectorUrl);
    children.push(connector);
    log(`connector ${connectorUrl}`);
    const activated = await http('POST', `${connectorUrl}/api/admin/activate`, undefined, adminKey);
    if (activated.status !== 200) throw new Error(`activation failed: ${activated.status} ${JSON.stringify(activated.body)}`);
    await waitFor(
      `${o.agents} agents matched`,
      async () => {
        const s = await http('GET', `${connectorUrl}/api/admin/status`, undefined, adminKey);
        return s.body?.counts?.matched >= o.agents ? true : undefined;
      },
      120_000,
      250,
    );
    log(`activated; ${o.agents} agents matched`);

    const stack: Stack = {
      graph: g.info,
      webex: w.info,
      connectorUrl,
      adminKey,
      dbPath,
      env,
      graphApi,
      teamsIdByEmail,
      connector,
      async restartConnector() {
        connector = await spawnConnector(env, connectorUrl);
        stack.connector = connector;
        children.push(connector);
        return connector;
      },
      async close() {
        await Promise.all(children.map((c) => c.stop()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return stack;
  } catch (err) {
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
