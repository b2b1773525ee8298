import { AgentStore } from './agent-store.js';
import { AuditStore } from './audit-store.js';
import { ConnectorStore } from './connector-store.js';
import type { Db } from './db.js';
import { KeyStore } from './key-store.js';
import { ProfileStore } from './profile-store.js';

export interface Stores {
  db: Db;
  agents: AgentStore;
  audit: AuditStore;
  connector: ConnectorStore;
  keys: KeyStore;
  profiles: ProfileStore;
}

export function createStores(db: Db): Stores {
  return {
    db,
    agents: new AgentStore(db),
    audit: new AuditStore(db),
    connector: new ConnectorStore(db),
    keys: new KeyStore(db),
    profiles: new ProfileStore(db),
  };
}
