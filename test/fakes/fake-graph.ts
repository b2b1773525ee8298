import type { Presence } from '../../server/domain/presence.js';
import type {
  Directory,
  DirectoryEntry,
  GraphAdmin,
  PermissionCheck,
  PresenceEvent,
  PresenceSource,
  PresenceSourceHealth,
  TeamsUser,
} from '../../server/ports.js';

/** Presence source the test drives directly. */
export class FakePresenceSource implements PresenceSource {
  readonly mode = 'poll' as const;
  watched: string[] = [];
  lastSuccessAt: number | null;
  private onPresence: ((events: PresenceEvent[]) => void) | null = null;

  constructor(private readonly now: () => number) {
    this.lastSuccessAt = now();
  }
  async start(onPresence: (events: PresenceEvent[]) => void): Promise<void> {
    this.onPresence = onPresence;
  }
  async stop(): Promise<void> {
    this.onPresence = null;
  }
  watch(ids: readonly string[]): void {
    this.watched = [...ids];
  }
  health(): PresenceSourceHealth {
    return { mode: 'poll', lastSuccessAt: this.lastSuccessAt, lastError: null, throttledCount: 0, graphCalls: 0 };
  }
  emit(teamsUserId: string, presence: Presence): void {
    this.emitBatch([teamsUserId], presence);
  }
  /** One read's worth of changed presence, handed over in one call as the poll source does. */
  emitBatch(teamsUserIds: readonly string[], presence: Presence): void {
    this.lastSuccessAt = this.now();
    const observedAt = this.now();
    this.onPresence?.(teamsUserIds.map((teamsUserId) => ({ teamsUserId, presence: { ...presence }, observedAt, via: 'poll' as const })));
  }
}

export class FakeDirectory implements Directory {
  constructor(readonly users: TeamsUser[]) {}
  async findUsersByEmail(emails: readonly string[]): Promise<Map<string, TeamsUser>> {
    const out = new Map<string, TeamsUser>();
    for (const e of emails) {
      const u = this.users.find((x) => x.mail?.toLowerCase() === e.toLowerCase() || x.userPrincipalName.toLowerCase() === e.toLowerCase());
      if (u) out.set(e.toLowerCase(), u);
    }
    return out;
  }
  async search(query: string): Promise<DirectoryEntry[]> {
    const q = query.toLowerCase();
    return this.users
      .filter((u) => [u.displayName, u.department, u.jobTitle].some((f) => f?.toLowerCase().includes(q)))
      .flatMap((u) => (u.businessPhones?.[0] ? [{ ...u, presence: null, phone: u.businessPhones[0] }] : []));
  }
}

export class FakeGraphAdmin implements GraphAdmin {
  missing = new Set<string>();
  async checkPermissions(needed: readonly string[]): Promise<PermissionCheck[]> {
    return needed.map((permission) => ({ permission, ok: !this.missing.has(permission), detail: this.missing.has(permission) ? '403 Forbidden' : 'ok' }));
  }
  tokenAcquiredAt(): number | null {
    return null;
  }
  adminConsentUrl(): string {
    return 'https://login.microsoftonline.com/tenant/adminconsent?client_id=app';
  }
}
