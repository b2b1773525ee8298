/**
 * Cisco's `@webex/contact-center@3.12.0`, fetched once with `npm pack` and cached under
 * `node_modules/.cache/webex-contact-center-3.12.0/package`. Not a dev dependency: a normal install pulls in
 * 676 packages (44 of them `@webex/*`, `@webex/calling` with WebRTC, and install scripts), and the package's
 * licence ("Cisco's General Terms") argues against vendoring it. The contract tests load only the compiled
 * `dist/services/{agent,core,config}` files, which need nothing but each other and `events`.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

export const SDK_SPEC = '@webex/contact-center@3.12.0';
/** sha512 of the published tarball (the registry's `dist.integrity`). */
const INTEGRITY = 'sha512-5i6BXSgdU7Mq2rCLYVCrx4Mj1x848L4410NYaPyj/KY5M8cZw3yAVS0EGP1JNyEcTyT/kevz9IgorgdeQbExUw==';
const CACHE = path.resolve('node_modules/.cache/webex-contact-center-3.12.0');

/** Returns the unpacked package directory, fetching and verifying the tarball the first time. */
export function ensureWebexSdk(): string {
  const dir = path.join(CACHE, 'package');
  if (existsSync(path.join(dir, 'package.json'))) return dir;
  const tmp = `${CACHE}.tmp-${randomBytes(6).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync('npm', ['pack', SDK_SPEC, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${SDK_SPEC} produced no tarball`);
    const digest = `sha512-${createHash('sha512').update(readFileSync(path.join(tmp, tgz))).digest('base64')}`;
    if (digest !== INTEGRITY) throw new Error(`${SDK_SPEC} tarball integrity mismatch: ${digest}`);
    execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp]);
    mkdirSync(CACHE, { recursive: true });
    try {
      renameSync(path.join(tmp, 'package'), dir);
    } catch (err) {
      // Another test file unpacked it first.
      if (!existsSync(path.join(dir, 'package.json'))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
