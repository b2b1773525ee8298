/**
 * The emulator's options. Everything the Webex documentation or Cisco's SDK does not establish is an
 * "invention": a named flag in `inventions`, off by default, listed in README.md under "not documented
 * behaviour" with the reason it exists and who still turns it on.
 */
import type { EmulatorClock } from '../kit/clock.js';
import type { FaultSettings } from '../kit/faults.js';
import type { SeedAgent } from './seed-data.js';

export interface WebexInventions {
  /** A supervisor's or administrator's notification socket receives every agent's frames (documented: own events only). */
  orgWideSocket?: boolean;
  /** An administrator token may change, log out and reload any agent (documented: only its own state). */
  adminActsOnAnyAgent?: boolean;
  /** `GET /v1/people/me` is also answered on the contact-center host (documented: the identity origin only). */
  peopleOnCcHost?: boolean;
  /** Webhook `data` also carries agentSessionId, idleCode, idleCodeName, reason, changedBy, changedById, channelType. */
  richWebhooks?: boolean;
  /** Subscriptions may deliver to http(s) loopback destinations on any port (documented: HTTPS on port 443). */
  loopbackWebhooks?: boolean;
  /** A webhook secret of any non-empty length (documented: 32–256 characters). */
  shortWebhookSecret?: boolean;
  /** changedBy SUPERVISOR / INTEGRATION / SYSTEM (with the actor's id and name) on changes the agent did not make. */
  changedByActors?: boolean;
  /** A result frame carries the TrackingId header the request sent. */
  echoTrackingId?: boolean;
  /** Contact frames carry the agent's state fields, and the end of a contact is `AgentContactEnded`. */
  legacyContactFrames?: boolean;
  /** The activities API lists periods overlapping the window (documented: activities created after `from`). */
  activitiesOverlap?: boolean;
  /** An Idle→Idle idle-code switch also moves `lastStateChangeTimestamp` (SDK: two separate timestamps). */
  codeSwitchMovesStateTime?: boolean;
}

export type InventionName = keyof WebexInventions;

export const INVENTION_NAMES: readonly InventionName[] = [
  'orgWideSocket',
  'adminActsOnAnyAgent',
  'peopleOnCcHost',
  'richWebhooks',
  'loopbackWebhooks',
  'shortWebhookSecret',
  'changedByActors',
  'echoTrackingId',
  'legacyContactFrames',
  'activitiesOverlap',
  'codeSwitchMovesStateTime',
];

/** Access tokens of Webex integrations live 14 days, refresh tokens 90 days (README, "Identity"). */
export const ACCESS_TOKEN_LIFETIME_SEC = 14 * 24 * 3600;
export const REFRESH_TOKEN_LIFETIME_SEC = 90 * 24 * 3600;
/** Documented Webex Contact Center API budget per client id. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 300;

export interface WebexEmulatorOptions {
  /** Contact-center host port; default 0 (any free port). HTTP and WebSocket on 127.0.0.1. */
  port?: number;
  /** Identity origin (People API, OAuth token endpoint) port; default 0. */
  identityPort?: number;
  orgId?: string;
  /** Default demoAgents(8). */
  agents?: SeedAgent[];
  /** Default RONA timeout of an offered contact (default 8 s); each offer may override it. */
  ronaTimeoutSec?: number;
  /** Delay between the 202 of a session command and its result frame (default 20 ms). */
  stateChangeDelayMs?: number;
  /** No log lines on stderr. */
  quiet?: boolean;
  /** Socket dropped after this long without `{"keepalive":"true"}` when keepalive is enabled (default 16,000). */
  keepaliveTimeoutMs?: number;
  /** Interval of the server's own `{"keepalive":"true"}` frames (default 4,000; 0 = none). */
  serverKeepaliveMs?: number;
  /** Activity periods kept per agent for the activities API (default 50). */
  historyPerAgent?: number;
  /** Requests per minute per OAuth client id (default 300; 0 = unlimited, which is not documented behaviour). */
  rateLimitPerMinute?: number;
  /** Access-token lifetime (default 14 days); shorten in tests to exercise expiry. */
  accessTokenLifetimeSec?: number;
  refreshTokenLifetimeSec?: number;
  /** Most webhook subscriptions an org may hold (default 10; the real cap is not published). */
  maxSubscriptions?: number;
  /**
   * Faults in force from the start and restored by `DELETE /_emulator/faults`, e.g. `{duplicateEvents: 0.1,
   * reorderEvents: 0.2, dropEvents: 0.01}` for the at-least-once, unordered delivery the webhook guide warns of.
   */
  faults?: Partial<FaultSettings>;
  /** Shared or test-driven clock; default a fresh one (real time, advanced by `POST /_emulator/clock`). */
  clock?: EmulatorClock;
  /** Undocumented conveniences, all off by default. */
  inventions?: WebexInventions;
}

/** Parses `--invent a,b` (CLI) into the options object; throws naming an unknown flag. */
export function parseInventions(list: string): WebexInventions {
  const out: WebexInventions = {};
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!INVENTION_NAMES.includes(name as InventionName)) throw new Error(`unknown invention "${name}" (known: ${INVENTION_NAMES.join(', ')})`);
    out[name as InventionName] = true;
  }
  return out;
}
