import type { IdleCode } from '../../server/domain/agent.js';
import type { AgentEvent, AgentSnapshot, CcAgent, CcTeam, Clock, ContactCenter, StateCommand } from '../../server/ports.js';

/**
 * An in-memory contact center for core tests: commands are accepted at once and confirmed by an event on
 * the next macrotask (as a real one answers asynchronously). Humans act through `humanSets`.
 */
export class FakeContactCenter implements ContactCenter {
  readonly vendor = 'fake';
  readonly commands: StateCommand[] = [];
  states = new Map<string, AgentSnapshot>();
  failNext = 0;
  /** When false, commands are accepted but never confirmed (a lost event). */
  confirm = true;
  private onEvent: ((events: AgentEvent[]) => void) | null = null;
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    readonly agents: CcAgent[],
    readonly teams: CcTeam[],
    readonly codes: IdleCode[],
    readonly tokens: Record<string, string> = {},
  ) {
    for (const a of agents) this.states.set(a.id, { agentId: a.id, state: 'Available', origin: 'agent', changedAt: clock.now() - 60_000 });
  }

  async start(onEvent: (events: AgentEvent[]) => void): Promise<void> {
    this.onEvent = onEvent;
  }
  async stop(): Promise<void> {
    this.onEvent = null;
  }
  async listIdleCodes(): Promise<IdleCode[]> {
    return this.codes;
  }
  async listTeams(): Promise<CcTeam[]> {
    return this.teams;
  }
  async listAgents(): Promise<CcAgent[]> {
    return this.agents;
  }
  async snapshot(): Promise<AgentSnapshot[]> {
    return [...this.states.values()].filter((s) => s.state !== 'LoggedOut');
  }
  async setState(cmd: StateCommand): Promise<{ trackingId: string }> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('contact center answered 503');
    }
    this.commands.push(cmd);
    const trackingId = `t-${++this.seq}`;
    if (this.confirm) {
      setTimeout(() => {
        const snap: AgentSnapshot = {
          agentId: cmd.agentId,
          state: cmd.state,
          ...(cmd.idleCodeId ? { idleCodeId: cmd.idleCodeId } : {}),
          origin: 'connector',
          changedAt: this.clock.now(),
          reason: cmd.reason,
        };
        this.states.set(cmd.agentId, snap);
        this.onEvent?.([{ kind: 'state', trackingId, ...snap }]);
      }, 1);
    }
    return { trackingId };
  }
  async verifyAgentToken(token: string): Promise<string | null> {
    return this.tokens[token] ?? null;
  }
  health() {
    return { lastSuccessAt: this.clock.now(), lastError: null, streamUp: true };
  }

  /** A person or the system changes the agent's state. */
  humanSets(agentId: string, snap: Omit<AgentSnapshot, 'agentId' | 'changedAt'>): void {
    const full: AgentSnapshot = { agentId, changedAt: this.clock.now(), ...snap };
    this.states.set(agentId, full);
    this.onEvent?.([{ kind: 'state', ...full }]);
  }
}
