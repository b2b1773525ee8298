import type Database from 'better-sqlite3';

/**
 * Durable state of the delegated Graph service accounts: msal's serialized token cache as one encrypted blob
 * (the store never sees plaintext; see server/graph/service-account-cipher.ts) and each account's sign-in state,
 * which the admin page shows.
 */

export interface EncryptedBlob {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

export type ServiceAccountState = 'signed-in' | 'sign-in-required';

export interface ServiceAccountRecord {
  username: string;
  homeAccountId: string | null;
  state: ServiceAccountState;
  /** Why a new sign-in is needed (the identity platform's error), or null. */
  detail: string | null;
  signedInAt: number | null;
  renewedAt: number | null;
  updatedAt: number;
}

interface Row {
  username: string;
  home_account_id: string | null;
  state: ServiceAccountState;
  detail: string | null;
  signed_in_at: number | null;
  renewed_at: number | null;
  updated_at: number;
}

const toRecord = (r: Row): ServiceAccountRecord => ({
  username: r.username,
  homeAccountId: r.home_account_id,
  state: r.state,
  detail: r.detail,
  signedInAt: r.signed_in_at,
  renewedAt: r.renewed_at,
  updatedAt: r.updated_at,
});

export class TokenCacheStore {
  constructor(private readonly db: Database.Database) {}

  readCache(id = 'graph'): EncryptedBlob | null {
    const row = this.db.prepare('SELECT key_id, iv, tag, data FROM graph_token_cache WHERE id = ?').get(id) as
      | { key_id: string; iv: Buffer; tag: Buffer; data: Buffer }
      | undefined;
    return row ? { keyId: row.key_id, iv: row.iv, tag: row.tag, data: row.data } : null;
  }

  writeCache(blob: EncryptedBlob, at: number, id = 'graph'): void {
    this.db
      .prepare(
        `INSERT INTO graph_token_cache (id, key_id, iv, tag, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag, data = excluded.data, updated_at = excluded.updated_at`,
      )
      .run(id, blob.keyId, blob.iv, blob.tag, blob.data, at);
  }

  clearCache(id = 'graph'): void {
    this.db.prepare('DELETE FROM graph_token_cache WHERE id = ?').run(id);
  }

  accounts(): ServiceAccountRecord[] {
    return (this.db.prepare('SELECT * FROM graph_service_accounts ORDER BY username').all() as Row[]).map(toRecord);
  }

  account(username: string): ServiceAccountRecord | null {
    const row = this.db.prepare('SELECT * FROM graph_service_accounts WHERE username = ? COLLATE NOCASE').get(username) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  markSignedIn(username: string, homeAccountId: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO graph_service_accounts (username, home_account_id, state, detail, signed_in_at, renewed_at, updated_at)
         VALUES (?, ?, 'signed-in', NULL, ?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET home_account_id = excluded.home_account_id, state = 'signed-in', detail = NULL,
           signed_in_at = excluded.signed_in_at, renewed_at = excluded.renewed_at, updated_at = excluded.updated_at`,
      )
      .run(username, homeAccountId, at, at, at);
  }

  markRenewed(username: string, at: number): void {
    this.db.prepare("UPDATE graph_service_accounts SET renewed_at = ?, updated_at = ? WHERE username = ? AND state = 'signed-in'").run(at, at, username);
  }

  markSignInRequired(username: string, detail: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO graph_service_accounts (username, home_account_id, state, detail, signed_in_at, renewed_at, updated_at)
         VALUES (?, NULL, 'sign-in-required', ?, NULL, NULL, ?)
         ON CONFLICT(username) DO UPDATE SET state = 'sign-in-required', detail = excluded.detail, updated_at = excluded.updated_at`,
      )
      .run(username, detail, at);
  }

  forget(username: string): void {
    this.db.prepare('DELETE FROM graph_service_accounts WHERE username = ?').run(username);
  }
}
