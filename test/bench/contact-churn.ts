import { http, sleep } from './processes.js';

/**
 * Contact-center traffic through the Webex emulator's control surface: contacts offered to agents, then accepted,
 * wrapped up and ended, or left to time out (RONA). Offers go to random agents; the emulator refuses an agent who is
 * not Available or already has a contact (counted as `refused`), exactly as routing would skip them.
 */

export interface ChurnCounts {
  offered: number;
  refused: number;
  accepted: number;
  wrapups: number;
  ended: number;
  ronas: number;
  errors: number;
}

export interface ChurnProfile {
  /** Offers per second across the floor. */
  offersPerSec: number;
  /** Share of offers left unanswered (the emulator applies RONA after `ronaSec`). */
  ronaShare: number;
  ronaSec: number;
  /** Ring, talk and wrap-up times in ms (uniform between the bounds). */
  ringMs: [number, number];
  talkMs: [number, number];
  wrapMs: [number, number];
}

const between = ([lo, hi]: [number, number]): number => lo + Math.random() * (hi - lo);

export class ContactChurn {
  readonly counts: ChurnCounts = { offered: 0, refused: 0, accepted: 0, wrapups: 0, ended: 0, ronas: 0, errors: 0 };
  /** Contacts offered so far, per agent (a change in the count means the agent had a contact meanwhile). */
  readonly offersTo = new Map<string, number>();
  /** Agents with a contact offered and not yet ended. */
  readonly onContact = new Set<string>();
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly webexUrl: string,
    private readonly agentIds: readonly string[],
    private profile: ChurnProfile,
  ) {}

  setProfile(p: ChurnProfile): void {
    this.profile = p;
  }

  private async post(path: string, body: unknown = {}): Promise<{ status: number; body: any }> {
    return http('POST', `${this.webexUrl}${path}`, body);
  }

  private async lifecycle(agentId: string): Promise<void> {
    const rona = Math.random() < this.profile.ronaShare;
    const offer = await this.post(`/_emulator/agents/${agentId}/offer`, { ronaTimeoutSec: this.profile.ronaSec });
    if (offer.status === 409) {
      this.counts.refused++;
      return;
    }
    if (offer.status !== 201) {
      this.counts.errors++;
      return;
    }
    this.counts.offered++;
    this.offersTo.set(agentId, (this.offersTo.get(agentId) ?? 0) + 1);
    const id = offer.body.interactionId as string;
    if (rona) {
      this.counts.ronas++;
      return;
    }
    this.onContact.add(agentId);
    try {
      await this.handle(id);
    } finally {
      this.onContact.delete(agentId);
    }
  }

  private async handle(id: string): Promise<void> {
    const steps: [string, [number, number], keyof ChurnCounts][] = [
      ['accept', this.profile.ringMs, 'accepted'],
      ['wrapup', this.profile.talkMs, 'wrapups'],
      ['end', this.profile.wrapMs, 'ended'],
    ];
    for (const [action, wait, counter] of steps) {
      await sleep(between(wait));
      const res = await this.post(`/_emulator/contacts/${id}/${action}`);
      if (res.status !== 200) {
        this.counts.errors++;
        return;
      }
      this.counts[counter]++;
    }
  }

  /** Offers contacts at the profile's rate until `stop()`; each contact runs its own lifecycle. */
  start(tickMs = 100): void {
    this.running = true;
    let owed = 0;
    const loop = async (): Promise<void> => {
      while (this.running) {
        owed += (this.profile.offersPerSec * tickMs) / 1000;
        for (; owed >= 1; owed--) {
          const agentId = this.agentIds[Math.floor(Math.random() * this.agentIds.length)]!;
          const p = this.lifecycle(agentId).catch(() => void this.counts.errors++);
          this.inFlight.add(p);
          void p.finally(() => this.inFlight.delete(p));
        }
        await sleep(tickMs);
      }
    };
    void loop();
  }

  /** Stops offering; contacts still in progress are abandoned unless `drain` (their lifecycles then finish). */
  async stop(drain = false): Promise<void> {
    this.running = false;
    if (drain) await Promise.allSettled([...this.inFlight]);
  }
}
