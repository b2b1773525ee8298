import type { Server } from 'socket.io';
import type { Logger } from '../logger.js';
import type { Principal } from '../ports.js';

interface GuardedSocket {
  data: { principal?: Principal; token?: string };
  handshake: { auth?: Record<string, unknown>; address: string };
  disconnect(close?: boolean): unknown;
}

/**
 * Authentication is checked at the socket handshake; this keeps it true afterwards. Revoking a key through the API
 * ends that key's sockets at once (`revokeKey`), and every `recheckMs` each open socket signed in with a stored key
 * is checked again, so a key revoked by another process (the CLI) stops working within that period. The check reads
 * the local key table only: agent desktop tokens are not sent to the contact center again by the recheck.
 */
export class SessionGuard {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly io: Server,
    private readonly logger: Logger,
    private readonly isStoredKey: (token: string) => boolean,
  ) {}

  start(recheckMs: number): void {
    if (recheckMs <= 0 || this.timer) return;
    this.timer = setInterval(() => this.recheck(), recheckMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Disconnects every socket signed in with the key `keyId`; returns how many. */
  revokeKey(keyId: string): number {
    let n = 0;
    for (const socket of this.sockets()) {
      if (socket.data.principal?.keyId === keyId) {
        socket.disconnect(true);
        n += 1;
      }
    }
    if (n > 0) this.logger.info({ keyId, sockets: n }, 'revoked key: its sockets were disconnected');
    return n;
  }

  /** Re-checks every socket signed in with a stored key; disconnects those whose key no longer works. */
  recheck(): number {
    let n = 0;
    for (const socket of this.sockets()) {
      const token = socket.handshake.auth?.token;
      if (typeof token !== 'string' || !socket.data.principal?.keyId || this.isStoredKey(token)) continue;
      socket.disconnect(true);
      n += 1;
    }
    if (n > 0) this.logger.info({ sockets: n }, 'sockets of revoked keys disconnected');
    return n;
  }

  private sockets(): GuardedSocket[] {
    return [...this.io.of('/').sockets.values()] as unknown as GuardedSocket[];
  }
}
