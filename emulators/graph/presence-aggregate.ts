/**
 * Presence aggregation exactly as "Manage presence state using the Microsoft Graph API" documents it:
 * - a user has one session per Teams client plus one per application (setPresence, keyed by sessionId);
 * - the user-preferred state overrides all sessions, but only while at least one session exists;
 * - among sessions: DoNotDisturb > Busy > Available > Away (BeRightBack sits between Available and Away,
 *   anything else below Away); ties go to the most recently set session;
 * - no session → Offline/Offline, or Offline/OffWork when the preferred state is Offline ("appear offline");
 * - an application session set to Available fades: Available/AvailableInactive after 5 minutes, Away/Away
 *   after 5 more; setPresence again restarts the fade. Teams client sessions do not fade (the emulated client
 *   reports Away itself through the control surface);
 * - expired sessions and an expired preferred state vanish.
 */

export interface PresencePair {
  availability: string;
  activity: string;
}

export interface PresenceSession extends PresencePair {
  sessionId: string;
  kind: 'teams' | 'app';
  /** When setPresence (or the control surface) last set it; the fade counts from here. */
  setAt: number;
  /** Infinity for a Teams client session without expiry. */
  expiresAt: number;
}

export interface PreferredPresence extends PresencePair {
  expiresAt: number;
}

export const FADE_STEP_MS = 5 * 60_000;

/** setPresence accepts only these pairs. */
export const SET_PRESENCE_PAIRS: readonly PresencePair[] = [
  { availability: 'Available', activity: 'Available' },
  { availability: 'Busy', activity: 'InACall' },
  { availability: 'Busy', activity: 'InAConferenceCall' },
  { availability: 'Away', activity: 'Away' },
  { availability: 'DoNotDisturb', activity: 'Presenting' },
];

/** setUserPreferredPresence accepts only these pairs. */
export const PREFERRED_PAIRS: readonly PresencePair[] = [
  { availability: 'Available', activity: 'Available' },
  { availability: 'Busy', activity: 'Busy' },
  { availability: 'DoNotDisturb', activity: 'DoNotDisturb' },
  { availability: 'BeRightBack', activity: 'BeRightBack' },
  { availability: 'Away', activity: 'Away' },
  { availability: 'Offline', activity: 'OffWork' },
];

/** Returns the canonical spelling of an allowed pair (Graph matches enum values case-insensitively). */
export function findPair(pairs: readonly PresencePair[], availability: unknown, activity: unknown): PresencePair | undefined {
  if (typeof availability !== 'string' || typeof activity !== 'string') return undefined;
  const a = availability.toLowerCase();
  const b = activity.toLowerCase();
  return pairs.find((p) => p.availability.toLowerCase() === a && p.activity.toLowerCase() === b);
}

const RANK: Record<string, number> = {
  donotdisturb: 5,
  busy: 4,
  available: 3,
  berightback: 2,
  away: 1,
};

export function rankOf(availability: string): number {
  return RANK[availability.toLowerCase()] ?? 0;
}

/** The pair a session shows at `now`, including the fade of an Available application session. */
export function sessionView(s: PresenceSession, now: number): PresencePair {
  if (s.kind === 'app' && s.availability === 'Available') {
    const age = now - s.setAt;
    if (age >= 2 * FADE_STEP_MS) return { availability: 'Away', activity: 'Away' };
    if (age >= FADE_STEP_MS) return { availability: 'Available', activity: 'AvailableInactive' };
  }
  return s;
}

/** The next instant at which this session's view changes on its own (fade step or expiry). */
export function sessionNextChange(s: PresenceSession, now: number): number {
  let next = s.expiresAt;
  if (s.kind === 'app' && s.availability === 'Available') {
    for (const step of [s.setAt + FADE_STEP_MS, s.setAt + 2 * FADE_STEP_MS]) {
      if (step > now && step < next) {
        next = step;
        break;
      }
    }
  }
  return next;
}

export interface Aggregate extends PresencePair {
  /** Earliest instant at which the aggregate may change without any call (Infinity if never). */
  nextAt: number;
}

/** Aggregates live sessions and the preferred state at `now`; expired entries are ignored, not removed. */
export function aggregatePresence(sessions: readonly PresenceSession[] | null, preferred: PreferredPresence | null, now: number): Aggregate {
  let nextAt = Infinity;
  let best: PresencePair | null = null;
  let bestRank = -1;
  let bestSetAt = -Infinity;
  let live = 0;
  if (sessions) {
    for (const s of sessions) {
      if (s.expiresAt <= now) continue;
      live++;
      const view = sessionView(s, now);
      const rank = rankOf(view.availability);
      if (rank > bestRank || (rank === bestRank && s.setAt >= bestSetAt)) {
        best = view;
        bestRank = rank;
        bestSetAt = s.setAt;
      }
      nextAt = Math.min(nextAt, sessionNextChange(s, now));
    }
  }
  const pref = preferred && preferred.expiresAt > now ? preferred : null;
  if (pref) nextAt = Math.min(nextAt, pref.expiresAt);
  if (live === 0) {
    if (pref && pref.availability === 'Offline') return { availability: 'Offline', activity: 'OffWork', nextAt };
    return { availability: 'Offline', activity: 'Offline', nextAt };
  }
  if (pref) return { availability: pref.availability, activity: pref.activity, nextAt };
  return { availability: best!.availability, activity: best!.activity, nextAt };
}

/**
 * ISO-8601 duration (`PT5M`, `PT1H30M`, `P1D`, `PT300S`) in milliseconds, or null when malformed.
 * Years and months are refused (their length is ambiguous and Graph never needs them here).
 */
export function parseIsoDuration(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return null;
  const [, w, d, h, min, s] = m;
  const n = (v: string | undefined): number => (v ? Number(v) : 0);
  return Math.round(((((n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(min)) * 60 + n(s)) * 1000);
}
