/**
 * Bearer tokens of the emulated org. Three roles: each agent's own desktop token, one supervisor of all teams,
 * and the connector's integration user (administrator, may act on any agent). Agent tokens are derived
 * (HMAC of the agent id with a per-process secret) so 50,000 agents need no token table.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type Role = 'agent' | 'supervisor' | 'integration';

export interface Principal {
  role: Role;
  id: string;
  name: string;
  email: string;
}

export const INTEGRATION_USER = { id: 'c0de1e55-0000-4000-8000-0000000000a1', name: 'Contoso Presence Connector', email: 'presence-connector@contoso.example' };
export const SUPERVISOR_USER = { id: 'c0de1e55-0000-4000-8000-0000000000b1', name: 'Sam Supervisor', email: 'supervisor@contoso.example' };

const AGENT_PREFIX = 'wxcc-agent.';

export class TokenBook {
  private readonly secret = randomBytes(32);
  readonly integrationToken = `wxcc-int.${randomBytes(24).toString('base64url')}`;
  readonly supervisorToken = `wxcc-sup.${randomBytes(24).toString('base64url')}`;

  constructor(private readonly agentById: (id: string) => { id: string; name: string; email: string } | undefined) {}

  agentToken(agentId: string): string {
    return `${AGENT_PREFIX}${agentId}.${this.sign(agentId)}`;
  }

  /** Resolves an `Authorization` header value; null when missing, malformed or unknown. */
  resolve(header: string | undefined): Principal | null {
    if (!header || !header.startsWith('Bearer ')) return null;
    const token = header.slice(7).trim();
    if (token === this.integrationToken) return { role: 'integration', ...INTEGRATION_USER };
    if (token === this.supervisorToken) return { role: 'supervisor', ...SUPERVISOR_USER };
    if (!token.startsWith(AGENT_PREFIX)) return null;
    const dot = token.lastIndexOf('.');
    if (dot <= AGENT_PREFIX.length) return null;
    const agentId = token.slice(AGENT_PREFIX.length, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.sign(agentId));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const agent = this.agentById(agentId);
    return agent ? { role: 'agent', id: agent.id, name: agent.name, email: agent.email } : null;
  }

  private sign(agentId: string): string {
    return createHmac('sha256', this.secret).update(agentId).digest('base64url').slice(0, 27);
  }
}
