/**
 * Compiles frames the emulator really sent against the SDK's published TypeScript types
 * (`dist/types/services/agent/types.d.ts`, `dist/types/services/task/types.d.ts`). Each frame becomes a literal
 * checked against `Loose<T>`: every property the SDK type requires must be present with its type; extra
 * properties are allowed (the SDK types are not exhaustive). Returns tsc's diagnostics ('' when they compile).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TypedFrame {
  /** A type exported by the SDK's agent or task types, e.g. 'StationLoginSuccess' or 'TaskData'. */
  type: string;
  module: 'agent' | 'task';
  value: unknown;
}

/** 1-based line of frame 0 in the generated file. */
export const FIRST_FRAME_LINE = 4;

/** The frame indexes tsc reported errors for. */
export function framesWithErrors(diagnostics: string): number[] {
  const lines = [...diagnostics.matchAll(/frames\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]) - FIRST_FRAME_LINE);
  return [...new Set(lines)].sort((a, b) => a - b);
}

export function typecheckFrames(pkgDir: string, workDir: string, frames: TypedFrame[]): string {
  mkdirSync(path.join(workDir, 'shims'), { recursive: true });
  const types = (m: string) => path.join(pkgDir, 'dist/types/services', m, 'types').replace(/\\/g, '/');
  const lines = [
    `import type * as Agent from '${types('agent')}';`,
    `import type * as Task from '${types('task')}';`,
    'type Loose<T> = T extends readonly (infer U)[] ? Loose<U>[] : T extends object ? { [K in keyof T]: Loose<T[K]> } & { [k: string]: unknown } : T;',
    // One frame per line, so a diagnostic's line number names the frame: line FIRST_FRAME_LINE + index.
    ...frames.map((f, i) => `export const frame${i}: Loose<${f.module === 'agent' ? 'Agent' : 'Task'}.${f.type}> = ${JSON.stringify(f.value)};`),
  ];
  writeFileSync(path.join(workDir, 'frames.ts'), `${lines.join('\n')}\n`);
  // The task types import one type from @webex/calling, which is not installed: a one-line stand-in.
  writeFileSync(path.join(workDir, 'shims', 'calling.d.ts'), 'export type CallId = string;\n');
  writeFileSync(
    path.join(workDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: 'es2022',
        module: 'commonjs',
        moduleResolution: 'node',
        baseUrl: '.',
        typeRoots: [path.resolve('node_modules/@types')],
        types: ['node'],
        paths: { '@webex/calling/dist/types/common/types': ['./shims/calling.d.ts'] },
      },
      files: ['frames.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', path.join(workDir, 'tsconfig.json')], { stdio: 'pipe', timeout: 120_000 });
    return '';
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    return `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim() || String(err);
  }
}
