import { pushesCcToTeams, type SyncMode } from '../domain/mapping.js';
import type { Presence } from '../domain/presence.js';
import type { Logger } from '../logger.js';
import type { AgentSnapshot, Clock, TeamsPresenceWriter, WriteBack, WriteBackAuditLog } from '../ports.js';

/**
 * Contact center → Teams. While an agent whose profile pushes CC→Teams is Engaged on a voice contact, the
 * connector holds a Busy/InACall (InAConferenceCall for conferences) presence session for them, with a
 * 5-minute expiration renewed every ~4 minutes, so a crash leaves at most 5 minutes of stale presence. When
 * the contact has ended (neither Engaged nor WrapUp) the session is cleared.
 *
 * Echo suppression: Teams then reports Busy/InACall for that user, which must not make the agent idle.
 * `echoFor` returns the presence the connector wrote while its session may still be visible — while the
 * session lives (up to its expiration if renewals fail) and for `echoWindowMs` after clearing, since Graph
 * reports the cleared state a little later.
 *
 * Per user, one operation at a time; failures retry with backoff and never reach the caller. Every
 * setPresence, renewal and clearPresence is an audit entry of the agent (sent, then confirmed or failed).
 */

export type CallActivity = 'InACall' | 'InAConferenceCall';

export interface WriteBackServiceOptions {
  writer: TeamsPresenceWriter;
  clock: Clock;
  logger: Logger;
  echoWindowMs: number;
  /** Renewal period (default 4 minutes). */
  renewEveryMs?: number;
  /** Session expiration (default 5 minutes, Graph's minimum). */
  expirationMinutes?: number;
  maxBackoffMs?: number;
  audit?: WriteBackAuditLog;
}

interface Session {
  agentId: string;
  want: CallActivity | null;
  applied: CallActivity | null;
  lastSetAt: number | null;
  clearedAt: number | null;
  cleared: CallActivity | null;
  renewDue: boolean;
  busy: boolean;
  dirty: boolean;
  failures: number;
  timer: { cancel(): void } | null;
}

const VOICE = new Set(['telephony', 'voice', 'call', 'phone']);

export class WriteBackService implements WriteBack {
  private readonly sessions = new Map<string, Session>();
  private readonly renewEveryMs: number;
  private readonly expirationMs: number;
  private stopped = false;
  private audit: WriteBackAuditLog | null = null;

  constructor(private readonly o: WriteBackServiceOptions) {
    this.renewEveryMs = o.renewEveryMs ?? 4 * 60_000;
    this.expirationMs = (o.expirationMinutes ?? 5) * 60_000;
    this.audit = o.audit ?? null;
  }

  /** Where write-back operations are audited (set once the stores exist). */
  useAudit(audit: WriteBackAuditLog): void {
    this.audit = audit;
  }

  onAgentState(agent: { agentId: string; teamsUserId: string; mode: SyncMode }, snapshot: AgentSnapshot): void {
    if (this.stopped) return;
    let session = this.sessions.get(agent.teamsUserId);
    let want: CallActivity | null = null;
    if (pushesCcToTeams(agent.mode)) {
      const contact = snapshot.contact;
      if (snapshot.state === 'Engaged' && contact && VOICE.has(contact.mediaType.toLowerCase())) {
        want = contact.conference ? 'InAConferenceCall' : 'InACall';
      } else if (snapshot.state === 'WrapUp') {
        // Wrap-up follows the call: keep what is held, start nothing new.
        want = session?.want ?? null;
      }
    }
    if (!session) {
      if (!want) return;
      session = { agentId: agent.agentId, want: null, applied: null, lastSetAt: null, clearedAt: null, cleared: null, renewDue: false, busy: false, dirty: false, failures: 0, timer: null };
      this.sessions.set(agent.teamsUserId, session);
    }
    session.agentId = agent.agentId;
    if (session.want === want) return;
    session.want = want;
    void this.run(agent.teamsUserId, session);
  }

  echoFor(teamsUserId: string): { presence: Presence; until: number } | null {
    const s = this.sessions.get(teamsUserId);
    if (!s) return null;
    const now = this.o.clock.now();
    const live = s.applied ?? s.want;
    if (live) {
      const until = s.lastSetAt === null ? now + this.o.echoWindowMs : Math.max(now, s.lastSetAt + this.expirationMs) + this.o.echoWindowMs;
      return { presence: { availability: 'Busy', activity: live }, until };
    }
    if (s.cleared && s.clearedAt !== null && now < s.clearedAt + this.o.echoWindowMs) {
      return { presence: { availability: 'Busy', activity: s.cleared }, until: s.clearedAt + this.o.echoWindowMs };
    }
    if (!s.busy && !s.timer) this.sessions.delete(teamsUserId);
    return null;
  }

  /** Number of users with a live connector session (for health). */
  activeSessions(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.applied) n += 1;
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const clears: Promise<void>[] = [];
    for (const [id, s] of this.sessions) {
      s.timer?.cancel();
      s.timer = null;
      if (s.applied) clears.push(this.o.writer.clearCallPresence(id).catch((err: unknown) => this.o.logger.warn({ err: String(err) }, 'could not clear Teams call presence on stop')));
    }
    await Promise.all(clears);
    this.sessions.clear();
  }

  private async run(teamsUserId: string, s: Session): Promise<void> {
    if (s.busy) {
      s.dirty = true;
      return;
    }
    s.busy = true;
    try {
      do {
        s.dirty = false;
        await this.step(teamsUserId, s);
      } while (s.dirty && !this.stopped);
    } finally {
      s.busy = false;
    }
  }

  private async step(teamsUserId: string, s: Session): Promise<void> {
    const { writer, clock, logger } = this.o;
    const now = clock.now();
    try {
      if (s.want && (s.applied !== s.want || s.renewDue)) {
        const renewal = s.applied === s.want;
        s.renewDue = false;
        await this.audited(s, teamsUserId, renewal ? 'teams-renew-presence' : 'teams-set-presence', s.want, () => writer.setCallPresence(teamsUserId, s.want!, this.expirationMs / 60_000));
        s.applied = s.want;
        s.lastSetAt = clock.now();
        s.failures = 0;
        this.arm(teamsUserId, s, this.renewEveryMs, () => (s.renewDue = true));
      } else if (!s.want && s.applied) {
        // Past its expiration Graph has already dropped the session: nothing left to clear.
        if (s.lastSetAt === null || now < s.lastSetAt + this.expirationMs) await this.audited(s, teamsUserId, 'teams-clear-presence', s.applied, () => writer.clearCallPresence(teamsUserId));
        s.cleared = s.applied;
        s.applied = null;
        s.clearedAt = clock.now();
        s.failures = 0;
        s.timer?.cancel();
        s.timer = null;
      }
    } catch (err) {
      s.failures += 1;
      const wait = Math.min(this.o.maxBackoffMs ?? 60_000, 1_000 * 2 ** (s.failures - 1));
      logger.warn({ teamsUserId, failures: s.failures, retryInMs: wait, error: err instanceof Error ? err.message : String(err) }, 'Teams write-back failed; retrying');
      if (s.want && s.applied === s.want) s.renewDue = true;
      this.arm(teamsUserId, s, wait, () => {});
    }
  }

  /** Runs one Graph write as an audit entry of the agent: sent, then confirmed or failed with the error. */
  private async audited(s: Session, teamsUserId: string, action: string, activity: CallActivity, op: () => Promise<void>): Promise<void> {
    const audit = this.audit;
    if (!audit) return op();
    const clear = action === 'teams-clear-presence';
    const minutes = this.expirationMs / 60_000;
    const label = activity === 'InAConferenceCall' ? 'In a conference call' : 'In a call';
    const text = clear
      ? `Teams call presence cleared: the voice contact ended`
      : action === 'teams-renew-presence'
        ? `Teams call presence renewed (Busy / ${label}, ${minutes} min)`
        : `Teams set to Busy / ${label} for the voice contact (${minutes} min, renewed while it lasts)`;
    const command = clear ? { api: 'clearPresence', sessionId: 'application id' } : { api: 'setPresence', sessionId: 'application id', availability: 'Busy', activity, expirationDuration: `PT${minutes}M` };
    let id: number | null = null;
    try {
      id = audit.add({ at: this.o.clock.now(), agentId: s.agentId, trigger: 'write-back', action, reason: clear ? 'contact-ended' : 'voice-contact', text, inputs: { teamsUserId, activity }, command, result: 'sent' });
    } catch (err) {
      this.o.logger.warn({ error: (err as Error).message }, 'could not audit a Teams write-back');
    }
    try {
      await op();
      if (id !== null) audit.result(id, 'confirmed', null, this.o.clock.now());
    } catch (err) {
      if (id !== null) audit.result(id, 'failed', err instanceof Error ? err.message : String(err), this.o.clock.now());
      throw err;
    }
  }

  private arm(teamsUserId: string, s: Session, ms: number, before: () => void): void {
    s.timer?.cancel();
    s.timer = this.o.clock.setTimeout(() => {
      s.timer = null;
      if (this.stopped) return;
      before();
      void this.run(teamsUserId, s);
    }, ms);
  }
}
