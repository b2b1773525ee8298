/**
 * The emulator's org: agents with compact per-agent state, teams and aux codes. Every mutation goes through
 * `state-engine.ts`; this file only holds data and derives views from it.
 *
 * State model (vendor terms): a logged-in agent has `subStatus` Available or Idle(auxCodeId); a contact puts the
 * agent into ringing → connected → wrapup without changing `subStatus` (Webex models contacts as contact events,
 * not agent states). An idle code the agent selects while on a contact is kept as `pendingIdle` and applied when
 * the contact ends.
 */
import { createHash, randomUUID } from 'node:crypto';
import { buildTeams, teamIndexFor, type AuxCode, type SeedAgent, type TeamSeed } from './seed-data.js';

/** Values of `changedBy`. Only AGENT is observed in public sources; the others need the `changedByActors` invention. */
export type ChangedBy = 'AGENT' | 'SUPERVISOR' | 'INTEGRATION' | 'SYSTEM';

/** Who made a change; all null when the change is not attributed (anyone but the agent, by default). */
export interface Actor {
  changedBy: ChangedBy | null;
  id: string | null;
  name: string | null;
}

/** A user's contact-center config id, distinct from the CI user id the agent APIs use (SDK config/Util.ts). */
export function ccUserIdFor(ciUserId: string): string {
  const h = createHash('sha256').update(`cc-user:${ciUserId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `currentState` values of the activities API and webhooks. */
export type ActivityState = 'logged-out' | 'available' | 'idle' | 'ringing' | 'connected' | 'wrapup';

export interface ContactRec {
  interactionId: string;
  mediaResourceId: string;
  agentId: string;
  mediaType: string;
  conference: boolean;
  phase: 'offered' | 'connected' | 'wrapup';
  offeredAt: number;
  ronaTimeoutSec: number;
  ronaTimer: NodeJS.Timeout | null;
}

export interface Period {
  state: ActivityState;
  idleCode: string;
  reason: string;
  start: number;
  end: number;
  changedBy: ChangedBy | null;
  changedById: string | null;
  taskId: string;
  isLogin: 0 | 1;
  sessionId: string;
}

export interface AgentRec {
  index: number;
  /** CI user id: what the agent APIs, frames and webhooks call agentId. */
  id: string;
  /** Contact-center user id of the configuration API (`v2/user` `id`). */
  ccUserId: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  teamId: string;
  loggedIn: boolean;
  sessionId: string;
  subStatus: 'Available' | 'Idle';
  /** "0" while Available. */
  auxCodeId: string;
  lastStateChangeTs: number;
  lastIdleCodeChangeTs: number;
  reason: string;
  changedBy: ChangedBy | null;
  changedById: string | null;
  changedByName: string | null;
  contact: ContactRec | null;
  /** Station of the current login (SDK `deviceType`, `dn`). */
  deviceType: string;
  dn: string;
  pendingIdle: { auxCodeId: string; reason: string; actor: Actor } | null;
  /** Activity periods, oldest first, capped at the registry's history limit. */
  history: Period[];
}

export const AVAILABLE_AUX = '0';

export class AgentRegistry {
  readonly agents: AgentRec[] = [];
  readonly teams: TeamSeed[];
  private readonly byId = new Map<string, AgentRec>();
  private readonly teamById = new Map<string, TeamSeed>();
  private readonly auxById = new Map<string, AuxCode>();

  constructor(
    readonly orgId: string,
    seeds: readonly SeedAgent[],
    readonly auxCodes: readonly AuxCode[],
    private readonly historyLimit: number,
    now: number,
  ) {
    this.teams = buildTeams(seeds.length);
    for (const t of this.teams) this.teamById.set(t.id, t);
    for (const c of auxCodes) this.auxById.set(c.id, c);
    const defaultIdle = auxCodes.find((c) => c.workTypeCode === 'IDLE_CODE' && c.defaultCode)!;
    seeds.forEach((seed, i) => {
      const teamId = seed.teamId && this.teamById.has(seed.teamId) ? seed.teamId : this.teams[teamIndexFor(i, seeds.length, this.teams.length)].id;
      const [firstName, ...rest] = seed.name.split(' ');
      const idle = seed.state === 'Idle';
      const id = seed.id ?? randomUUID();
      const rec: AgentRec = {
        index: i + 1,
        id,
        ccUserId: ccUserIdFor(id),
        name: seed.name,
        firstName: firstName ?? seed.name,
        lastName: rest.join(' '),
        email: seed.email,
        teamId,
        loggedIn: seed.loggedIn ?? false,
        sessionId: '',
        subStatus: idle ? 'Idle' : 'Available',
        auxCodeId: idle ? (seed.idleCodeId ?? defaultIdle.id) : AVAILABLE_AUX,
        lastStateChangeTs: now,
        lastIdleCodeChangeTs: now,
        reason: '',
        changedBy: null,
        changedById: null,
        changedByName: null,
        contact: null,
        deviceType: 'BROWSER',
        dn: `webrtc-${id}`,
        pendingIdle: null,
        history: [],
      };
      if (rec.loggedIn) rec.sessionId = randomUUID();
      this.agents.push(rec);
      this.byId.set(rec.id, rec);
      this.openPeriod(rec, now, rec.loggedIn ? 1 : 0);
    });
  }

  agent(id: string): AgentRec | undefined {
    return this.byId.get(id);
  }

  team(id: string): TeamSeed | undefined {
    return this.teamById.get(id);
  }

  aux(id: string): AuxCode | undefined {
    return this.auxById.get(id);
  }

  defaultIdleCode(): AuxCode {
    return this.auxCodes.find((c) => c.workTypeCode === 'IDLE_CODE' && c.defaultCode && c.active)!;
  }

  auxByName(name: string): AuxCode | undefined {
    return this.auxCodes.find((c) => c.name === name);
  }

  activityState(a: AgentRec): ActivityState {
    if (!a.loggedIn) return 'logged-out';
    if (a.contact) return a.contact.phase === 'offered' ? 'ringing' : a.contact.phase === 'connected' ? 'connected' : 'wrapup';
    return a.subStatus === 'Available' ? 'available' : 'idle';
  }

  /** Closes the open period and opens one for the agent's current state; returns the new period. */
  openPeriod(a: AgentRec, now: number, isLogin: 0 | 1 = 0): Period {
    const h = a.history;
    const last = h[h.length - 1];
    if (last && last.end === -1) last.end = now;
    const state = this.activityState(a);
    const p: Period = {
      state,
      idleCode: state === 'idle' ? a.auxCodeId : '',
      reason: a.reason,
      start: now,
      end: -1,
      changedBy: a.changedBy,
      changedById: a.changedById,
      taskId: a.contact?.interactionId ?? '',
      isLogin,
      sessionId: a.sessionId,
    };
    h.push(p);
    if (h.length > this.historyLimit) h.splice(0, h.length - this.historyLimit);
    return p;
  }

  /** The fields every agent-state frame carries (`AgentStateChangeSuccess` and friends). */
  stateFields(a: AgentRec): Record<string, unknown> {
    return {
      agentId: a.id,
      agentSessionId: a.sessionId,
      orgId: this.orgId,
      status: a.loggedIn ? 'LoggedIn' : 'LoggedOut',
      subStatus: a.subStatus,
      auxCodeId: a.subStatus === 'Available' ? AVAILABLE_AUX : a.auxCodeId,
      lastIdleCodeChangeTimestamp: a.lastIdleCodeChangeTs,
      lastStateChangeTimestamp: a.lastStateChangeTs,
      lastStateChangeReason: a.reason,
      changedBy: a.changedBy,
      changedById: a.changedById,
      changedByName: a.changedByName,
    };
  }

  /** Full state for the control surface (`GET /_emulator/agents/{id}`). */
  view(a: AgentRec): Record<string, unknown> {
    const code = a.subStatus === 'Idle' ? this.aux(a.auxCodeId) : undefined;
    const c = a.contact;
    return {
      id: a.id,
      name: a.name,
      email: a.email,
      teamId: a.teamId,
      teamName: this.team(a.teamId)?.name ?? '',
      loggedIn: a.loggedIn,
      agentSessionId: a.sessionId || null,
      currentState: this.activityState(a),
      subStatus: a.subStatus,
      auxCodeId: a.subStatus === 'Available' ? AVAILABLE_AUX : a.auxCodeId,
      idleCodeName: code?.name ?? null,
      lastChange: {
        changedBy: a.changedBy,
        changedById: a.changedById,
        changedByName: a.changedByName,
        reason: a.reason,
        lastStateChangeTimestamp: a.lastStateChangeTs,
        lastIdleCodeChangeTimestamp: a.lastIdleCodeChangeTs,
      },
      contact: c ? { interactionId: c.interactionId, mediaType: c.mediaType, conference: c.conference, phase: c.phase, offeredAt: c.offeredAt, ronaTimeoutSec: c.ronaTimeoutSec } : null,
      pendingIdle: a.pendingIdle ? { auxCodeId: a.pendingIdle.auxCodeId, idleCodeName: this.aux(a.pendingIdle.auxCodeId)?.name ?? null, reason: a.pendingIdle.reason, changedBy: a.pendingIdle.actor.changedBy } : null,
      history: a.history.map((p) => ({ ...p, idleCodeName: p.idleCode ? (this.aux(p.idleCode)?.name ?? '') : '' })),
    };
  }
}
