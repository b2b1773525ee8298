import { AgentStore } from './agent-store.js';
import { AuditStore } from './audit-store.js';
import { ConnectorStore } from './connector-store.js';
import type { Db } from './db.js';
import { KeyStore } from './key-store.js';
import { ProfileStore } from './profile-store.js';
import type { Stores } from '../ports.js';

/** The storage port (ports.ts) over one SQLite database; `db` stays with the composition root and the stores. */
export interface SqliteStores extends Stores {
  db: Db;
}

export type { Stores };

export function createStores(db: Db): SqliteStores {
  return {
    db,
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    agents: new AgentStore(db),
    audit: new AuditStore(db),
    connector: new ConnectorStore(db),
    keys: new KeyStore(db),
    profiles: new ProfileStore(db),
  };
}
