import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configSchema, ConfigError, ENV_MAP, loadConfig } from '../../server/config.js';

/** Every setting is documented in the README's table and in the commented example file, which itself loads. */
const readme = readFileSync('README.md', 'utf8');
const configSection = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
const example = readFileSync('config.example.jsonc', 'utf8');

/** Leaf keys of the schema (`graph.tenantId`), unwrapping defaults, prefaults and optionals. */
function leafKeys(schema: z.ZodType, prefix = ''): string[] {
  let s = schema as any;
  while (s._zod.def.innerType) s = s._zod.def.innerType;
  if (s._zod.def.type !== 'object') return [prefix];
  return Object.entries(s._zod.def.shape as Record<string, z.ZodType>).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}
const keys = leafKeys(configSchema);

const dir = mkdtempSync(join(tmpdir(), 'tpc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration documentation', () => {
  it('the README table names every key and every environment variable', () => {
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((k) => !configSection.includes(`\`${k}\``))).toEqual([]);
    expect(Object.keys(ENV_MAP).filter((v) => !configSection.includes(`\`${v}\``))).toEqual([]);
  });

  it('the example file mentions every key, and loads as live configuration once the secrets come from the environment', () => {
    const leaf = (k: string) => k.split('.').pop()!;
    expect(keys.filter((k) => !example.includes(`"${leaf(k)}"`))).toEqual([]);
    const config = loadConfig({ TPC_CONFIG_FILE: 'config.example.jsonc', TPC_GRAPH_CLIENT_SECRET: 'secret-from-env', TPC_WEBEX_ACCESS_TOKEN: 'token-from-env' });
    expect(config.mode).toBe('live');
    expect(config.ops.auditRetentionDays).toBe(90);
    expect(config.graph.clientSecret).toBe('secret-from-env');
  });

  it('a live configuration missing several settings lists all of them with the other problems', () => {
    const file = join(dir, 'partial.jsonc');
    writeFileSync(file, '{\n  // subscribe mode without its accounts\n  "mode": "live", "port": "eighty", "graph": { "presenceMode": "subscribe" }\n}');
    let problems: string[] = [];
    try {
      loadConfig({ TPC_CONFIG_FILE: file });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['port (TPC_PORT)', 'graph.tenantId (TPC_GRAPH_TENANT_ID)', 'webex.orgId (TPC_WEBEX_ORG_ID)', 'publicUrl (TPC_PUBLIC_URL)', 'graph.serviceAccounts (TPC_GRAPH_SERVICE_ACCOUNTS)']),
    );
  });

  it('the production entry point prints the problems and exits 2, without a stack trace', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: { ...process.env, TPC_MODE: 'live', TPC_CONFIG_FILE: '', TPC_DB_PATH: join(dir, 'c.db') }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      proc.once('exit', (c) => resolve({ code: c, stderr: err }));
    });
    expect(code).toBe(2);
    expect(stderr).toContain('graph.tenantId (TPC_GRAPH_TENANT_ID): required in live mode');
    expect(stderr).toContain('webex.baseUrl (TPC_WEBEX_BASE_URL): required in live mode');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
