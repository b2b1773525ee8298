import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  agentId: string | null;
  createdAt: number;
}

/**
 * API keys are stored as SHA-256 hashes: a leaked database does not leak usable keys. Keys are 256-bit
 * random, so a fast hash is enough (no password stretching needed), and lookup by hash is a unique index
 * probe, which does not leak timing about other keys.
 */
export const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export class KeyStore {
  private readonly insert;
  private readonly byHash;
  private readonly list;
  private readonly revokeStmt;
  private readonly markSandbox;
  private readonly revokeSandbox;
  /** Set in live mode: keys the sandbox made are refused even if the sandbox's database is reused. */
  private refuseSandbox = false;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO api_keys (id, name, role, agent_id, hash, created_at) VALUES (@id, @name, @role, @agentId, @hash, @createdAt)',
    );
    this.byHash = db.prepare('SELECT id, name, role, agent_id, created_at, sandbox_only FROM api_keys WHERE hash = ? AND revoked_at IS NULL');
    this.markSandbox = db.prepare('UPDATE api_keys SET sandbox_only = 1 WHERE id = ?');
    this.revokeSandbox = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE sandbox_only = 1 AND revoked_at IS NULL');
    this.list = db.prepare('SELECT id, name, role, agent_id, created_at FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at');
    this.revokeStmt = db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?');
  }

  /** Creates a key and returns it in clear once; only its hash is kept. */
  create(name: string, role: Role, agentId: string | null, now: number, key = `tpc_${randomBytes(32).toString('base64url')}`): { key: string; record: ApiKeyRecord } {
    const record: ApiKeyRecord = { id: randomUUID(), name, role, agentId, createdAt: now };
    this.insert.run({ ...record, hash: hashKey(key) });
    return { key, record };
  }

  verify(key: string): ApiKeyRecord | null {
    const r = this.byHash.get(hashKey(key)) as { id: string; name: string; role: Role; agent_id: string | null; created_at: number; sandbox_only: number } | undefined;
    if (r && r.sandbox_only === 1 && this.refuseSandbox) return null;
    return r ? { id: r.id, name: r.name, role: r.role, agentId: r.agent_id, createdAt: r.created_at } : null;
  }

  all(): ApiKeyRecord[] {
    return (this.list.all() as { id: string; name: string; role: Role; agent_id: string | null; created_at: number }[]).map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      agentId: r.agent_id,
      createdAt: r.created_at,
    }));
  }

  revoke(id: string, now: number): void {
    this.revokeStmt.run(now, id);
    for (const listener of this.revokeListeners) listener(id);
  }

  /** Marks a key as made by the sandbox (demo keys, printed and served at /sandbox/info). */
  markSandboxOnly(id: string): void {
    this.markSandbox.run(id);
  }

  /** Revokes every sandbox key (a new sandbox start makes new ones, so old ones do not accumulate); returns how many. */
  revokeSandboxKeys(now: number): number {
    return this.revokeSandbox.run(now).changes;
  }

  /** Live mode: sandbox keys stop working. */
  refuseSandboxKeys(): void {
    this.refuseSandbox = true;
  }

  private readonly revokeListeners: ((id: string) => void)[] = [];

  /** Called after each revocation (the socket gateway ends that key's sessions). */
  onRevoke(listener: (id: string) => void): void {
    this.revokeListeners.push(listener);
  }
}
