/**
 * Users and bearer tokens of the emulated org. Users: agents (their contact-center agent id is the CI user id),
 * supervisors with the teams they may act on, and one administrator (the connector's integration user). Every
 * access token has scopes, an OAuth client id (the rate-limit key) and an expiry on the emulator clock.
 * Pre-issued agent tokens are derived (HMAC of agent id and expiry) so 50,000 agents need no token table.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmulatorClock } from '../kit/clock.js';

export type Role = 'agent' | 'supervisor' | 'admin' | 'service-app';

export interface User {
  role: Exclude<Role, 'service-app'>;
  id: string;
  name: string;
  email: string;
  /** Supervisors: the teams whose agents they may act on. */
  teamIds?: readonly string[];
}

export interface Principal {
  role: Role;
  id: string;
  name: string;
  email: string;
  scopes: ReadonlySet<string>;
  clientId: string;
  teamIds: readonly string[];
}

export const SCOPES = { user: 'cjp:user', configRead: 'cjp:config_read', configWrite: 'cjp:config_write', people: 'spark:people_read', applicationsToken: 'spark:applications_token' } as const;

/** What each role may be granted (and is granted on pre-issued tokens). */
export const ROLE_SCOPES: Record<Role, readonly string[]> = {
  agent: [SCOPES.user, SCOPES.configRead, SCOPES.people],
  supervisor: [SCOPES.user, SCOPES.configRead, SCOPES.people],
  admin: [SCOPES.user, SCOPES.configRead, SCOPES.configWrite, SCOPES.people, SCOPES.applicationsToken],
  'service-app': [SCOPES.user, SCOPES.configRead, SCOPES.configWrite],
};

export const ADMIN_USER: User = { role: 'admin', id: 'c0de1e55-0000-4000-8000-0000000000a1', name: 'Contoso Presence Connector', email: 'presence-connector@contoso.example' };
export const SUPERVISOR_USER = { id: 'c0de1e55-0000-4000-8000-0000000000b1', name: 'Sam Supervisor', email: 'supervisor@contoso.example' };
export const TEAM_LEAD_USER = { id: 'c0de1e55-0000-4000-8000-0000000000b2', name: 'Tess Teamlead', email: 'teamlead@contoso.example' };
/** Cisco's Agent Desktop is the OAuth client of agents' own tokens. */
export const DESKTOP_CLIENT_ID = 'C-webex-cc-desktop';

interface Issued {
  userId: string;
  role: Role;
  scopes: Set<string>;
  clientId: string;
  expiresAt: number;
}

const AGENT_PREFIX = 'wxcc-agent.';

export type Resolved = { ok: true; principal: Principal } | { ok: false; reason: string };

export class TokenBook {
  private readonly secret = randomBytes(32);
  private readonly issued = new Map<string, Issued>();
  private readonly users = new Map<string, User>();

  constructor(
    private readonly clock: EmulatorClock,
    private readonly agentById: (id: string) => { id: string; name: string; email: string } | undefined,
    staff: readonly User[],
    readonly lifetimeSec: number,
  ) {
    for (const u of staff) this.users.set(u.id, u);
  }

  user(id: string): User | undefined {
    const staff = this.users.get(id);
    if (staff) return staff;
    const a = this.agentById(id);
    return a ? { role: 'agent', id: a.id, name: a.name, email: a.email } : undefined;
  }

  staff(): User[] {
    return [...this.users.values()];
  }

  /** Pre-issued agent token (Desktop client, agent scopes), valid for the access-token lifetime from now. */
  agentToken(agentId: string): string {
    const exp = (this.clock.now() + this.lifetimeSec * 1000).toString(36);
    return `${AGENT_PREFIX}${agentId}.${exp}.${this.sign(`${agentId}.${exp}`)}`;
  }

  /** Issues an access token for a known user or service app; returns it with its lifetime. */
  issue(userId: string, role: Role, scopes: Iterable<string>, clientId: string, lifetimeSec = this.lifetimeSec): { token: string; expiresInSec: number } {
    const token = `wxcc-${role}.${randomBytes(24).toString('base64url')}`;
    this.issued.set(token, { userId, role, scopes: new Set(scopes), clientId, expiresAt: this.clock.now() + lifetimeSec * 1000 });
    return { token, expiresInSec: lifetimeSec };
  }

  /** Resolves an `Authorization` header value. */
  resolve(header: string | undefined): Resolved {
    if (!header || !header.startsWith('Bearer ')) return { ok: false, reason: 'missing bearer token' };
    const token = header.slice(7).trim();
    const now = this.clock.now();
    const rec = this.issued.get(token);
    if (rec) {
      if (rec.expiresAt <= now) return { ok: false, reason: 'access token expired' };
      if (rec.role === 'service-app') return { ok: true, principal: { role: rec.role, id: rec.userId, name: 'Service App', email: '', scopes: rec.scopes, clientId: rec.clientId, teamIds: [] } };
      const u = this.user(rec.userId);
      if (!u) return { ok: false, reason: 'unknown user' };
      return { ok: true, principal: { role: u.role, id: u.id, name: u.name, email: u.email, scopes: rec.scopes, clientId: rec.clientId, teamIds: u.teamIds ?? [] } };
    }
    if (!token.startsWith(AGENT_PREFIX)) return { ok: false, reason: 'invalid access token' };
    const parts = token.slice(AGENT_PREFIX.length).split('.');
    if (parts.length !== 3) return { ok: false, reason: 'invalid access token' };
    const [agentId, exp, sig] = parts;
    const given = Buffer.from(sig);
    const expected = Buffer.from(this.sign(`${agentId}.${exp}`));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid access token' };
    if (parseInt(exp, 36) <= now) return { ok: false, reason: 'access token expired' };
    const a = this.agentById(agentId);
    if (!a) return { ok: false, reason: 'unknown user' };
    return { ok: true, principal: { role: 'agent', id: a.id, name: a.name, email: a.email, scopes: new Set(ROLE_SCOPES.agent), clientId: DESKTOP_CLIENT_ID, teamIds: [] } };
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url').slice(0, 27);
  }
}
