import { aggregatePresence, type PreferredPresence, type PresenceSession } from './presence-aggregate.js';
import type { DirectoryStore, UserRecord } from './directory-store.js';
import { DeadlineScheduler, type EmulatorClock } from './emulator-clock.js';

export interface PresenceJson {
  id: string;
  availability: string;
  activity: string;
  statusMessage: unknown;
  outOfOfficeSettings: { message: string | null; isOutOfOffice: boolean };
  sequenceNumber: string;
}

/**
 * Per-user presence state and its aggregate. Every mutation re-aggregates that user at once; time-driven
 * changes (fades, expiries) run from one deadline heap on the emulator clock. Reads also re-aggregate a user
 * whose deadline has passed, so a read never shows a state the timer has not caught up with yet. Listeners
 * hear about each user whose availability or activity actually changed (out of office overlays the activity).
 */
export class PresenceStore {
  private sequenceCounter = 0;
  private readonly scheduler: DeadlineScheduler;
  private readonly listeners: ((rec: UserRecord) => void)[] = [];

  constructor(
    private readonly directory: DirectoryStore,
    private readonly clock: EmulatorClock,
  ) {
    this.scheduler = new DeadlineScheduler(clock, (idx, at) => {
      const rec = this.directory.users[idx];
      if (rec && rec.nextAt === at) this.refresh(rec);
    });
    for (const rec of directory.users) rec.sequence = ++this.sequenceCounter;
  }

  onChange(listener: (rec: UserRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Gives a newly added user its initial sequence number. */
  adopt(rec: UserRecord): void {
    rec.sequence = ++this.sequenceCounter;
  }

  view(rec: UserRecord): PresenceJson {
    if (rec.nextAt <= this.clock.now()) this.refresh(rec);
    return {
      id: rec.id,
      availability: rec.availability,
      activity: rec.activity,
      statusMessage: rec.statusMessage,
      outOfOfficeSettings: { message: rec.outOfOffice?.message ?? null, isOutOfOffice: rec.outOfOffice?.isOutOfOffice ?? false },
      sequenceNumber: rec.sequence.toString(16).toUpperCase().padStart(16, '0'),
    };
  }

  /** Starts or replaces the session (kind + sessionId); `setAt` is now, which restarts an Available fade. */
  setSession(rec: UserRecord, kind: PresenceSession['kind'], sessionId: string, availability: string, activity: string, expiresAt: number): void {
    const now = this.clock.now();
    const session: PresenceSession = { sessionId, kind, availability, activity, setAt: now, expiresAt };
    const sessions = rec.sessions ?? (rec.sessions = []);
    const i = sessions.findIndex((s) => s.kind === kind && s.sessionId === sessionId);
    if (i === -1) sessions.push(session);
    else sessions[i] = session;
    this.refresh(rec);
  }

  /** Removes a live session; false when there is none (clearPresence answers 404 then). */
  removeSession(rec: UserRecord, kind: PresenceSession['kind'], sessionId: string): boolean {
    const now = this.clock.now();
    const sessions = rec.sessions;
    if (!sessions) return false;
    const i = sessions.findIndex((s) => s.kind === kind && s.sessionId === sessionId && s.expiresAt > now);
    if (i === -1) return false;
    sessions.splice(i, 1);
    this.refresh(rec);
    return true;
  }

  setPreferred(rec: UserRecord, preferred: PreferredPresence | null): void {
    rec.preferred = preferred;
    this.refresh(rec);
  }

  setOutOfOffice(rec: UserRecord, isOutOfOffice: boolean, message: string | null): void {
    rec.outOfOffice = isOutOfOffice || message ? { isOutOfOffice, message } : null;
    this.refresh(rec);
  }

  detail(rec: UserRecord): Record<string, unknown> {
    const now = this.clock.now();
    const iso = (t: number): string | null => (Number.isFinite(t) ? new Date(t).toISOString() : null);
    return {
      id: rec.id,
      userPrincipalName: rec.userPrincipalName,
      aggregate: this.view(rec),
      preferred: rec.preferred && rec.preferred.expiresAt > now ? { ...rec.preferred, expiresAt: iso(rec.preferred.expiresAt) } : null,
      sessions: (rec.sessions ?? [])
        .filter((s) => s.expiresAt > now)
        .map((s) => ({ ...s, setAt: iso(s.setAt), expiresAt: iso(s.expiresAt) })),
      now: iso(now),
    };
  }

  close(): void {
    this.scheduler.close();
  }

  /** Re-aggregates one user: prunes what expired, bumps the sequence and notifies on a visible change. */
  refresh(rec: UserRecord): void {
    const now = this.clock.now();
    if (rec.sessions) {
      const live = rec.sessions.filter((s) => s.expiresAt > now);
      rec.sessions = live.length > 0 ? live : null;
    }
    if (rec.preferred && rec.preferred.expiresAt <= now) rec.preferred = null;
    const agg = aggregatePresence(rec.sessions, rec.preferred, now);
    const oof = rec.outOfOffice?.isOutOfOffice ?? false;
    // Out of office is an activity overlay ("Available, out of office" = Available/OutOfOffice); only a change
    // of availability or activity is a presence change (and a notification), not the message alone.
    const activity = oof && agg.availability !== 'PresenceUnknown' ? 'OutOfOffice' : agg.activity;
    const changed = agg.availability !== rec.availability || activity !== rec.activity;
    rec.availability = agg.availability;
    rec.activity = activity;
    rec.sequenceOof = oof;
    if (agg.nextAt !== rec.nextAt) {
      rec.nextAt = agg.nextAt;
      this.scheduler.schedule(rec.idx, agg.nextAt);
    }
    if (changed) {
      rec.sequence = ++this.sequenceCounter;
      for (const listener of this.listeners) listener(rec);
    }
  }
}
