import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { productionNodeArgs, waitFor } from '../bench/processes.js';
import { startProcessEnv, type ProcessEnv } from './process-env.js';

/**
 * Docker is not available here, so the Dockerfile is checked for what can be checked without it: its runtime stage
 * is non-root with a /readyz health check and the database on a volume, and its command, run in a folder holding
 * only what that stage copies, starts the server, which the health check then finds ready.
 */
interface Stage {
  name: string;
  lines: string[];
}

function stages(text: string): Stage[] {
  const out: Stage[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ name: from[1] ?? '', lines: [] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out;
}

const dockerfile = readFileSync('Dockerfile', 'utf8');
const runtime = stages(dockerfile).find((s) => s.name === 'runtime')!;
const instruction = (name: string) => runtime.lines.filter((l) => l.toUpperCase().startsWith(`${name} `));
const execForm = (line: string) => JSON.parse(line.replace(/^\S+\s+/, '').replace(/^CMD\s+/, '')) as string[];
const env: Record<string, string> = Object.fromEntries(
  instruction('ENV').flatMap((l) => l.slice(4).trim().split(/\s+/).map((kv) => kv.split('=') as [string, string])),
);

let pe: ProcessEnv | null = null;
const dirs: string[] = [];
afterAll(async () => {
  await pe?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('Dockerfile', () => {
  it('builds a small non-root runtime with the database on a volume and a /readyz health check, and is the default target', () => {
    expect(runtime).toBeDefined();
    expect(dockerfile.trim().split('\n').pop()).toBe('FROM runtime');
    expect(instruction('USER')).toEqual(['USER node']);
    expect(env.TPC_DB_PATH).toBe('/data/connector.db');
    expect(instruction('VOLUME')).toEqual(['VOLUME ["/data"]']);
    expect(instruction('HEALTHCHECK')[0]).toContain('/readyz');
    // The container runs exactly what `npm run start:prod` runs, runtime flags included.
    expect(execForm(instruction('CMD')[0]!)).toEqual(['node', ...productionNodeArgs()]);
    expect(productionNodeArgs().at(-1)).toBe('dist/server/main.js');
    // Only production dependencies reach the runtime stage.
    expect(dockerfile).toContain('npm prune --omit=dev');
  });

  it('the runtime command, with only what the stage copies, starts the server and its health check passes', async () => {
    pe = await startProcessEnv();
    const root = mkdtempSync(join(tmpdir(), 'tpc-image-'));
    dirs.push(root);
    for (const line of instruction('COPY')) {
      const m = /^COPY\s+--from=build\s+\/app\/(\S+)\s+\.\/(\S+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const source = resolve(m![1]!);
      expect(existsSync(source), `${m![1]} exists after npm run build:widget and build:server`).toBe(true);
      mkdirSync(dirname(join(root, m![2]!)), { recursive: true });
      symlinkSync(source, join(root, m![2]!));
    }
    const [command, ...args] = execForm(instruction('CMD')[0]!);
    const port = new URL(pe.url).port;
    const childEnv = { ...process.env, ...env, ...pe.env, TPC_HOST: '127.0.0.1', PORT: port, TPC_DB_PATH: join(root, 'data', 'connector.db'), TPC_READINESS_INTERVAL_MS: '500' };
    const proc = spawn(command === 'node' ? process.execPath : command!, args, { cwd: root, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      await waitFor('listening', async () => {
        if (proc.exitCode !== null) throw new Error(`exited ${proc.exitCode}: ${stderr}`);
        return (await fetch(`${pe!.url}/livez`).catch(() => null))?.ok;
      }, 60_000);
      await fetch(`${pe.url}/api/admin/activate`, { method: 'POST', headers: { authorization: `Bearer ${pe.adminKey}` } });
      const health = execForm(instruction('HEALTHCHECK')[0]!.replace(/^HEALTHCHECK\s+(--\S+\s+)*CMD\s+/, 'CMD '));
      const check = () =>
        new Promise<number | null>((r) => spawn(process.execPath, health.slice(1), { env: { ...process.env, PORT: port }, stdio: 'ignore' }).once('exit', (code) => r(code)));
      await waitFor('health check passes', async () => (await check()) === 0, 20_000, 250);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
  });
});
