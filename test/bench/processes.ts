import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * Child processes for the benchmark and the fault suite: the two emulators (each prints one JSON line once
 * listening) and the connector (`server/main.ts`, configured through the environment). Children are killed
 * by pid only, never by name.
 */

/** `node --import tsx script`: the pid is the script's own process, so a SIGKILL reaches it and not a wrapper. */
const TSX_ARGS = ['--import', 'tsx'];

/**
 * The connector is started exactly as production starts it: the node arguments of `npm run start:prod`
 * (package.json), so what the benchmark measures is the deployed process, runtime flags included.
 */
export function productionNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts['start:prod']!.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error('start:prod does not run node');
  const args = words.slice(node + 1);
  const entry = args.at(-1)!;
  // The compiled server must be there and newer than every source file, or a run would measure old code.
  if (entry.startsWith('dist/')) {
    const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
    const newest = newestSource('server');
    if (built < newest) throw new Error(`${entry} is missing or older than server/: run npm run build:server first`);
  }
  return args;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    newest = Math.max(newest, e.isDirectory() ? newestSource(path) : e.name.endsWith('.ts') ? statSync(path).mtimeMs : 0);
  }
  return newest;
}
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export interface Child {
  proc: ChildProcess;
  /** The tail of the child's stderr, for failure messages. */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function track(proc: ChildProcess): Child {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let err = '';
  proc.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-8_000);
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 8_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Starts `tsx <script> ...args` and resolves with the first JSON line it prints on stdout. */
export async function spawnJsonLine<T>(script: string, args: string[], timeoutMs = 60_000): Promise<{ child: Child; info: T }> {
  const proc = spawn(process.execPath, [...TSX_ARGS, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const child = track(proc);
  const lines = createInterface({ input: proc.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms: ${child.stderr()}`)), timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${script} printed ${line}`));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${child.stderr()}`));
    });
  });
  lines.on('line', () => undefined);
  return { child, info };
}

/** Starts the connector (`tsx server/main.ts`) with the given environment; resolves once it answers HTTP. */
export async function spawnConnector(env: Record<string, string>, url: string, timeoutMs = 120_000): Promise<Child> {
  const proc = spawn(process.execPath, productionNodeArgs(), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const child = track(proc);
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`connector exited with ${proc.exitCode}: ${child.stderr()}`);
    try {
      const res = await fetch(`${url}/api/openapi.json`);
      if (res.ok) return child;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      await child.stop('SIGKILL');
      throw new Error(`connector did not listen within ${timeoutMs} ms: ${child.stderr()}`);
    }
    await sleep(100);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A loopback port that was free a moment ago (the connector needs a known port before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** JSON over HTTPS to the Graph emulator, trusting its CA; one keep-alive agent per emulator. */
export function graphControl(baseUrl: string, caPem: string) {
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: 8, ca: caPem });
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> =>
    new Promise((resolve, reject) => {
      // A string body is sent as is (form posts); anything else as JSON.
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const type = typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
      const req = httpsRequest(
        `${baseUrl}${path}`,
        { method, agent, headers: { ...(payload ? { 'content-type': type, 'content-length': Buffer.byteLength(payload) } : {}), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              /* not JSON */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

/** JSON over plain HTTP (connector, Webex emulator). */
export async function http(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** Polls `probe` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
