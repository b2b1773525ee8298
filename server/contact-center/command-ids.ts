import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Command ids the connector makes itself, before a command is sent, so that the id can be written to the
 * ledger first and travel in the reason marker the contact center echoes back (`lastStateChangeReason`, kept
 * in agent events and in activities).
 *
 * An id is a random nonce followed by a short HMAC over the nonce, the agent and the state the command asks
 * for, under a key that lives in configuration, not in the database. So even when the database is lost, the
 * connector can recognise from the contact center's own record that an idle was set by this connector, for this
 * agent, with this code, and release it. 20 characters of [A-Za-z0-9_-].
 */

export interface CommandTarget {
  agentId: string;
  state: 'Available' | 'Idle';
  idleCodeId?: string | undefined;
}

const NONCE_BYTES = 9; // 12 base64url characters
const MAC_CHARS = 8;

export class CommandIds {
  constructor(private readonly key: string) {
    if (!key) throw new Error('a command id key is required');
  }

  create(target: CommandTarget): string {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    return nonce + this.mac(nonce, target);
  }

  /** True when `id` was made by this connector for exactly this agent and state. */
  verify(id: string, target: CommandTarget): boolean {
    if (!/^[A-Za-z0-9_-]{20}$/.test(id)) return false;
    const nonce = id.slice(0, id.length - MAC_CHARS);
    const given = Buffer.from(id.slice(-MAC_CHARS));
    const expected = Buffer.from(this.mac(nonce, target));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(nonce: string, t: CommandTarget): string {
    const code = t.state === 'Idle' ? (t.idleCodeId ?? '') : '';
    return createHmac('sha256', this.key).update(`${nonce}|${t.agentId.toLowerCase()}|${t.state}|${code}`).digest('base64url').slice(0, MAC_CHARS);
  }
}
