import { Writable } from 'node:stream';
import { demoUserId, demoUsers, startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';
import { createGraphConnection, type GraphConnection } from '../../server/graph/graph-client.js';
import { createLogger, type Logger } from '../../server/logger.js';
import { systemClock, type Clock } from '../../server/ports.js';

/** Shared set-up for the Graph integration tests: an emulator, its control client, a connection, captured logs. */

export interface GraphTestbed {
  emu: GraphEmulator;
  control: GraphEmulatorClient;
  connection: GraphConnection;
  logger: Logger;
  logs(): string;
  userIds(n: number, from?: number): string[];
  /** Requests the emulator answered for routes matching `pattern`, by status. */
  count(pattern: RegExp): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startGraphTestbed(options: GraphEmulatorOptions & { userCount?: number; clock?: Clock } = {}): Promise<GraphTestbed> {
  const { userCount, clock, ...emuOptions } = options;
  const emu = await startGraphEmulator({ quiet: true, ...(userCount !== undefined ? { users: demoUsers(userCount) } : {}), ...emuOptions });
  const control = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
  let captured = '';
  const logger = createLogger('debug', new Writable({ write: (chunk, _e, cb) => ((captured += String(chunk)), cb()) }));
  const connection = createGraphConnection({
    tenantId: emu.tenantId,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    authorityHost: emu.url,
    graphBaseUrl: emu.url,
    caCertPem: emu.caCertPem,
    clock: clock ?? systemClock,
    logger,
  });
  return {
    emu,
    control,
    connection,
    logger,
    logs: () => captured,
    userIds: (n, from = 0) => Array.from({ length: n }, (_, i) => demoUserId(from + i)),
    async count(pattern) {
      const stats = await control.control<{ routes: Record<string, Record<string, number>> }>('GET', 'stats');
      const out: Record<string, number> = {};
      for (const [route, statuses] of Object.entries(stats.routes)) {
        if (!pattern.test(route)) continue;
        for (const [status, n] of Object.entries(statuses)) out[status] = (out[status] ?? 0) + n;
      }
      return out;
    },
    async close() {
      connection.close();
      await emu.close();
    },
  };
}

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Real time plus an offset the test moves forward (together with the emulator's clock); timers due within
 * the jump fire at once, the rest on their real schedule.
 */
export class OffsetClock implements Clock {
  private offset = 0;
  private seq = 0;
  private readonly timers = new Map<number, { due: number; fn: () => void; real: ReturnType<typeof setTimeout> }>();

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const id = ++this.seq;
    const real = setTimeout(() => this.fire(id), Math.max(0, ms));
    this.timers.set(id, { due: this.now() + Math.max(0, ms), fn, real });
    return { cancel: () => this.drop(id) };
  }

  advance(ms: number): void {
    this.offset += ms;
    const now = this.now();
    for (const [id, t] of [...this.timers].sort((a, b) => a[1].due - b[1].due)) if (t.due <= now) this.fire(id);
  }

  private fire(id: number): void {
    const t = this.timers.get(id);
    if (!t) return;
    this.drop(id);
    t.fn();
  }

  private drop(id: number): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t.real);
    this.timers.delete(id);
  }
}
