import type { graphControl } from './processes.js';
import { sleep } from './processes.js';
import type { StateFrame } from './observers.js';

/**
 * Drives Teams presence through the Graph emulator's bulk control endpoint (`POST /_emulator/presence/bulk`,
 * the Teams desktop session of each user) and matches the contact center's applied state changes to the
 * Teams change that caused them: freshness = state change seen on the Webex event socket − Teams change sent.
 */

export interface BenchAgent {
  agentId: string;
  teamsUserId: string;
}

export const CALL = { availability: 'Busy', activity: 'InACall' } as const;
export const PRESENTING = { availability: 'DoNotDisturb', activity: 'Presenting' } as const;
export const FREE = { availability: 'Available', activity: 'Available' } as const;
type TeamsPresence = { availability: string; activity: string };

interface Pending {
  sentAt: number;
  /** 'Idle' with this aux code, or 'Available'. */
  want: 'Idle' | 'Available';
  auxCodeId?: string;
}

const now = (): number => performance.timeOrigin + performance.now();

export class PresenceDriver {
  /** Teams change → Idle applied in the contact center (ms). */
  readonly idleFreshness: number[] = [];
  /** Teams change → Available applied (includes the profile's settle delay by design). */
  readonly releaseFreshness: number[] = [];
  /** Applied state changes seen, with their receive time, for throughput. */
  applied: number[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly busy = new Map<string, boolean>();
  private cursor = 0;

  constructor(
    private readonly api: ReturnType<typeof graphControl>,
    readonly agents: readonly BenchAgent[],
    private readonly idleCodeFor: (p: TeamsPresence) => string,
  ) {}

  /** Feed every applied state change from the Webex event socket. */
  onState(f: StateFrame): void {
    this.applied.push(f.at);
    const p = this.pending.get(f.agentId);
    if (!p) return;
    if (p.want === 'Available' && f.subStatus === 'Available') {
      this.releaseFreshness.push(f.at - p.sentAt);
      this.pending.delete(f.agentId);
    } else if (p.want === 'Idle' && f.subStatus === 'Idle' && f.auxCodeId === p.auxCodeId) {
      this.idleFreshness.push(f.at - p.sentAt);
      this.pending.delete(f.agentId);
    }
  }

  async send(changes: { agent: BenchAgent; presence: TeamsPresence }[]): Promise<void> {
    const sentAt = now();
    for (const { agent, presence } of changes) {
      const mapped = presence.activity !== 'Available';
      this.pending.set(agent.agentId, mapped ? { sentAt, want: 'Idle', auxCodeId: this.idleCodeFor(presence) } : { sentAt, want: 'Available' });
    }
    const body = { changes: changes.map(({ agent, presence }) => ({ userId: agent.teamsUserId, ...presence })) };
    const res = await this.api('POST', '/_emulator/presence/bulk', body);
    if (res.status !== 200 || res.body.applied !== changes.length) throw new Error(`bulk presence failed: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  }

  /** Teams call start/end alternating per agent, round-robin over all agents, `rate` changes per second. */
  async runAtRate(rate: number, durationMs: number, tickMs = 50): Promise<number> {
    const started = performance.now();
    let sent = 0;
    for (let tick = 1; performance.now() - started < durationMs; tick++) {
      const due = Math.floor((rate * (performance.now() - started)) / 1000) - sent;
      if (due > 0) {
        const changes = [];
        for (let i = 0; i < due; i++) {
          const agent = this.agents[this.cursor++ % this.agents.length]!;
          const toBusy = !this.busy.get(agent.agentId);
          this.busy.set(agent.agentId, toBusy);
          changes.push({ agent, presence: toBusy ? CALL : FREE });
        }
        await this.send(changes);
        sent += due;
      }
      const wait = started + tick * tickMs - performance.now();
      if (wait > 0) await sleep(wait);
    }
    return sent;
  }

  /** Everyone to one presence at once (throughput rounds). */
  async all(presence: TeamsPresence, chunk = 5_000): Promise<void> {
    for (let i = 0; i < this.agents.length; i += chunk) {
      const part = this.agents.slice(i, i + chunk).map((agent) => ({ agent, presence }));
      for (const { agent } of part) this.busy.set(agent.agentId, presence.activity !== 'Available');
      await this.send(part);
    }
  }

  outstanding(): number {
    return this.pending.size;
  }

  clearPending(): void {
    this.pending.clear();
  }
}
