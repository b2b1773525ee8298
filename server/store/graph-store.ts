import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/**
 * Durable state of the Microsoft side: the webhook inbox (notifications are stored before Graph gets its
 * 202, so a crash between answer and processing loses nothing), the presence subscriptions the connector
 * created (so a restart can delete what it no longer can decrypt; their clientState only as a SHA-256 hash —
 * the secret itself lives in memory), and digests of notifications already processed (replay protection).
 */

export const hashClientState = (clientState: string): string => `sha256:${createHash('sha256').update(clientState, 'utf8').digest('hex')}`;

export function migrateGraphStore(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS notification_inbox (
      id INTEGER PRIMARY KEY,
      received_at INTEGER NOT NULL,
      body TEXT NOT NULL,
      processed_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS notification_inbox_pending ON notification_inbox (id) WHERE processed_at IS NULL;
    CREATE TABLE IF NOT EXISTS graph_subscriptions (
      id TEXT PRIMARY KEY,
      account TEXT NOT NULL,
      user_ids TEXT NOT NULL,
      client_state TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS graph_notification_seen (
      digest TEXT PRIMARY KEY,
      seen_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS graph_notification_seen_at ON graph_notification_seen (seen_at);
  `);
  // Rows written before clientState was hashed at rest.
  const plain = db.prepare(`SELECT id, client_state AS cs FROM graph_subscriptions WHERE client_state NOT LIKE 'sha256:%'`).all() as { id: string; cs: string }[];
  const update = db.prepare('UPDATE graph_subscriptions SET client_state = ? WHERE id = ?');
  for (const row of plain) update.run(hashClientState(row.cs), row.id);
}

export interface InboxItem {
  id: number;
  receivedAt: number;
  body: string;
}

export interface StoredSubscription {
  id: string;
  account: string;
  userIds: string[];
  /** The secret on save; its `sha256:` hash when read back. */
  clientState: string;
  expiresAt: number;
  createdAt: number;
}

interface SubscriptionRow {
  id: string;
  account: string;
  user_ids: string;
  client_state: string;
  expires_at: number;
  created_at: number;
}

const fromRow = (r: SubscriptionRow): StoredSubscription => ({
  id: r.id,
  account: r.account,
  userIds: JSON.parse(r.user_ids) as string[],
  clientState: r.client_state,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

export class GraphStore {
  private readonly insertItem;
  private readonly selectPending;
  private readonly markItem;
  private readonly purgeItems;
  private readonly countPendingStmt;
  private readonly upsertSub;
  private readonly deleteSub;
  private readonly selectSubs;
  private readonly updateExpiry;
  private readonly enqueueMany: (bodies: string[], at: number) => void;
  private readonly insertSeen;
  private readonly purgeSeen;
  private readonly markMany: (ids: number[], at: number) => void;

  constructor(private readonly db: Database.Database) {
    migrateGraphStore(db);
    this.insertItem = db.prepare('INSERT INTO notification_inbox (received_at, body) VALUES (?, ?)');
    this.selectPending = db.prepare('SELECT id, received_at AS receivedAt, body FROM notification_inbox WHERE processed_at IS NULL ORDER BY id LIMIT ?');
    this.markItem = db.prepare('UPDATE notification_inbox SET processed_at = ? WHERE id = ?');
    this.purgeItems = db.prepare('DELETE FROM notification_inbox WHERE processed_at IS NOT NULL AND processed_at < ?');
    this.countPendingStmt = db.prepare('SELECT COUNT(*) AS n FROM notification_inbox WHERE processed_at IS NULL');
    this.upsertSub = db.prepare(
      `INSERT INTO graph_subscriptions (id, account, user_ids, client_state, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET account = excluded.account, user_ids = excluded.user_ids,
         client_state = excluded.client_state, expires_at = excluded.expires_at`,
    );
    this.deleteSub = db.prepare('DELETE FROM graph_subscriptions WHERE id = ?');
    this.selectSubs = db.prepare('SELECT * FROM graph_subscriptions ORDER BY created_at');
    this.updateExpiry = db.prepare('UPDATE graph_subscriptions SET expires_at = ? WHERE id = ?');
    this.insertSeen = db.prepare('INSERT OR IGNORE INTO graph_notification_seen (digest, seen_at) VALUES (?, ?)');
    this.purgeSeen = db.prepare('DELETE FROM graph_notification_seen WHERE seen_at < ?');
    this.enqueueMany = db.transaction((bodies: string[], at: number) => {
      for (const body of bodies) this.insertItem.run(at, body);
    });
    this.markMany = db.transaction((ids: number[], at: number) => {
      for (const id of ids) this.markItem.run(at, id);
    });
  }

  /** Stores validated notification items (raw JSON each) in one transaction. */
  enqueue(bodies: string[], at: number): void {
    if (bodies.length > 0) this.enqueueMany(bodies, at);
  }

  pending(limit: number): InboxItem[] {
    return this.selectPending.all(limit) as InboxItem[];
  }

  markProcessed(ids: number[], at: number): void {
    if (ids.length > 0) this.markMany(ids, at);
  }

  pendingCount(): number {
    return (this.countPendingStmt.get() as { n: number }).n;
  }

  /** Deletes processed items older than `before`; returns how many. */
  purgeProcessed(before: number): number {
    return this.purgeItems.run(before).changes;
  }

  /** Records a notification digest; false when it was already seen (a replay or a duplicate delivery). */
  markSeen(digest: string, at: number): boolean {
    return this.insertSeen.run(digest, at).changes === 1;
  }

  /** Forgets digests older than `before` (after the replay window). */
  purgeSeenBefore(before: number): number {
    return this.purgeSeen.run(before).changes;
  }

  saveSubscription(s: StoredSubscription): void {
    this.upsertSub.run(s.id, s.account, JSON.stringify(s.userIds), hashClientState(s.clientState), s.expiresAt, s.createdAt);
  }

  setSubscriptionExpiry(id: string, expiresAt: number): void {
    this.updateExpiry.run(expiresAt, id);
  }

  deleteSubscription(id: string): void {
    this.deleteSub.run(id);
  }

  subscriptions(): StoredSubscription[] {
    return (this.selectSubs.all() as SubscriptionRow[]).map(fromRow);
  }
}
