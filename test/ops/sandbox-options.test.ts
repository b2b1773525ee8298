import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSandbox, type RunningSandbox } from '../../sandbox/sandbox-runner.js';
import { waitFor } from '../bench/processes.js';

/** `npm start -- --agents N` and what the sandbox says about options it does not have. */
const dir = mkdtempSync(join(tmpdir(), 'tpc-sandbox-opts-'));
let running: RunningSandbox | null = null;
afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

function sandboxMain(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', ...args], { env: { ...process.env, TPC_DB_PATH: join(dir, 'never.db'), TPC_CONFIG_FILE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    // An accepted option would start the sandbox: stop it if it does.
    const timer = setTimeout(() => proc.kill('SIGTERM'), 20_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('sandbox options', () => {
  it('--agents 20 starts twenty demo agents, each matched to a Teams user', async () => {
    running = await runSandbox({ dbPath: join(dir, 'c.db'), agents: 20 });
    const matched = await waitFor('20 agents matched', () => {
      const all = [...running!.connector.services.registry.agents.values()];
      return all.length === 20 && all.every((a) => a.teamsUserId) ? all.length : undefined;
    }, 30_000);
    expect(matched).toBe(20);
  });

  it.each([
    [['--subscribe'], /does not support that: Unknown option '--subscribe'/],
    [['--agents', '0'], /--agents must be a whole number from 1 to 5000, not "0"/],
    [['--agents'], /does not support that/],
  ])('%j is refused with exit 2, saying what is supported', async (args, message) => {
    const { code, stderr } = await sandboxMain(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('--agents N');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await sandboxMain(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: npm start');
  });
});
