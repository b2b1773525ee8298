import type { IdleCode } from '../domain/agent.js';
import type { AdminAuditEntry } from '../store/admin-audit-store.js';
import type { AuditEntry, AuditQuery, AuditResult } from '../store/audit-store.js';
import type { SqliteStores, Stores } from '../store/index.js';
import type { ApiKeyRecord, Role } from '../store/key-store.js';
import type { TeamRecord } from '../store/profile-store.js';
import type { AgentRegistry } from './agent-registry.js';

/**
 * What the transports (http/, gateway/) read, so they never hold the agent registry or the stores themselves:
 * teams, idle codes, agent ids and states, mapping-profile presence, the audit trail, API keys and the storage
 * state. Every answer is a copy or a read-only view; writes stay in the services that own them.
 */
export class ReadService {
  constructor(
    private readonly registry: AgentRegistry,
    private readonly stores: Stores,
  ) {}

  teams(): TeamRecord[] {
    return [...this.registry.teams.values()];
  }

  team(id: string): TeamRecord | undefined {
    return this.registry.teams.get(id);
  }

  hasTeam(id: string): boolean {
    return this.registry.teams.has(id);
  }

  idleCodes(): Pick<IdleCode, 'id' | 'name' | 'isSystem' | 'active'>[] {
    return [...this.registry.idleCodes.values()].map(({ id, name, isSystem, active }) => ({ id, name, isSystem, active }));
  }

  idleCode(id: string): IdleCode | undefined {
    return this.registry.idleCodes.get(id);
  }

  hasProfile(id: string): boolean {
    return this.registry.profiles.has(id);
  }

  profileCount(): number {
    return this.registry.profiles.size;
  }

  /** Agent ids in ascending order. */
  agentIds(): string[] {
    return [...this.registry.agents.keys()].sort();
  }

  /** Each agent's contact-center state, who set it, and whether a command for it is in flight. */
  agentStates(): { state: string; owner: string; inFlight: boolean }[] {
    return [...this.registry.agents.values()].map((a) => ({ state: a.cc.state, owner: a.cc.origin, inFlight: !!a.inFlight }));
  }

  audit(q: AuditQuery): AuditEntry[] {
    return this.stores.audit.query(q);
  }

  /** Decisions and outcomes the engine holds in memory until the database takes them (0 without a journal). */
  pendingWrites(): number {
    return (this.stores as Partial<SqliteStores>).journal?.status().pending ?? 0;
  }

  keys(): ApiKeyRecord[] {
    return this.stores.keys.all();
  }

  createKey(name: string, role: Role, agentId: string | null): { key: string; record: ApiKeyRecord } {
    return this.stores.keys.create(name, role, agentId, Date.now());
  }

  /** Revokes an active key and answers its record, or null when no active key has that id. */
  revokeKey(id: string): ApiKeyRecord | null {
    const record = this.stores.keys.all().find((k) => k.id === id);
    if (!record) return null;
    this.stores.keys.revoke(id, Date.now());
    return record;
  }

  /** Calls back for each decision and each command result where the audit trail records them (the one place every one passes). */
  observeAudit(decision: (action: string, reason: string) => void, result: (r: AuditResult) => void): void {
    const audit = this.stores.audit;
    const add = audit.add.bind(audit);
    audit.add = (e, id) => {
      const added = add(e, id);
      decision(e.action, e.reason);
      if (e.result !== 'recorded' && e.result !== 'skipped') result(e.result);
      return added;
    };
    const record = audit.result.bind(audit);
    audit.result = (id, r, detail, at) => {
      record(id, r, detail, at);
      result(r);
    };
  }

  /** Appends one entry to the administrative audit (who changed mappings, lifecycle, team sync or keys). */
  recordAdmin(e: Omit<AdminAuditEntry, 'id'>): void {
    this.sqlite('administrative audit').adminAudit.record(e);
  }

  /** The administrative audit, newest first; `before` is the previous page's `next`. */
  adminAudit(limit: number, before?: number): { entries: AdminAuditEntry[]; next: number | null } {
    return this.sqlite('administrative audit').adminAudit.list(limit, before);
  }

  /** The readiness probe of the store: a function that throws, in words, when the store cannot take writes. */
  storeProbe(): () => void {
    const s = this.stores as Partial<SqliteStores>;
    if (!s.assertWritable) throw new Error('the stores expose no database: pass ops.storeProbe');
    return () => s.assertWritable!();
  }

  private sqlite(what: string): SqliteStores {
    const s = this.stores as Partial<SqliteStores>;
    if (!s.adminAudit || !s.assertWritable) throw new Error(`the stores expose no database for the ${what}`);
    return s as SqliteStores;
  }
}
