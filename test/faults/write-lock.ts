import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Another connection (a backup tool, an operator's sqlite3 shell) holding the database's write lock: opened in a
 * worker thread, because the connector's writes are synchronous and would otherwise block the very event loop that
 * has to release it. Takes the lock (BEGIN IMMEDIATE), holds it `ms`, commits. `committed()` reads a flag the worker
 * sets right after its COMMIT, so a test can tell whether a write happened before or after the release without a
 * clock.
 */
export function holdWriteLock(dbPath: string, ms: number): { locked: Promise<void>; done: Promise<void>; committed: () => boolean } {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require(workerData.modulePath);
     const db = new Database(workerData.dbPath);
     db.exec('BEGIN IMMEDIATE');
     parentPort.postMessage('locked');
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
     db.exec('COMMIT');
     Atomics.store(workerData.flag, 0, 1);
     db.close();`,
    { eval: true, workerData: { dbPath, ms, modulePath, flag } },
  );
  const locked = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const done = new Promise<void>((resolve, reject) => {
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited with ${code}`))));
    worker.once('error', reject);
  });
  return { locked, done, committed: () => Atomics.load(flag, 0) === 1 };
}
