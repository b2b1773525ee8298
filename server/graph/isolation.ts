import type { Client } from '@microsoft/microsoft-graph-client';
import { graphStatus } from './graph-errors.js';

/**
 * Users kept out of presence subscriptions and reads because Microsoft refuses them: one deleted or unknown id
 * makes a whole subscription create fail (500) or a whole getPresencesByUserId call fail (400), so one bad id
 * would otherwise cost the other 649 users of its group their presence. Each entry is re-tried after
 * `recheckAfterMs` (the user may have been restored or licensed). The list is shown to the admin.
 */

export type IsolationReason = 'not-in-directory' | 'subscription-refused' | 'presence-refused';

export interface IsolatedUser {
  teamsUserId: string;
  reason: IsolationReason;
  since: number;
  detail: string;
}

export class IsolatedUsers {
  private readonly entries = new Map<string, IsolatedUser>();

  constructor(private readonly recheckAfterMs = 60 * 60_000) {}

  add(ids: readonly string[], reason: IsolationReason, detail: string, now: number): void {
    for (const id of ids) if (!this.entries.has(id)) this.entries.set(id, { teamsUserId: id, reason, since: now, detail });
  }

  /** True while `id` is isolated for one of `reasons` (any reason when omitted); lapsed entries are dropped. */
  blocks(id: string, now: number, reasons?: readonly IsolationReason[]): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    if (now - e.since >= this.recheckAfterMs) {
      this.entries.delete(id);
      return false;
    }
    return !reasons || reasons.includes(e.reason);
  }

  /** Forgets users no longer watched. */
  retain(ids: Iterable<string>): void {
    const keep = new Set(ids);
    for (const id of [...this.entries.keys()]) if (!keep.has(id)) this.entries.delete(id);
  }

  list(): IsolatedUser[] {
    return [...this.entries.values()].sort((a, b) => a.since - b.since || a.teamsUserId.localeCompare(b.teamsUserId));
  }
}

/** Statuses that a bad id in the list explains (a deleted user: 500 on create, 400 on reads, 404). */
export const ID_ATTRIBUTABLE = new Set([400, 404, 500]);

/**
 * Finds the ids that make `fails` true by halving: `fails(ids)` must be true on entry. Each half is probed;
 * a failing half is split again until single ids remain. Errors other than "fails" (throttling, auth, outage)
 * propagate and abort the search. When neither half fails alone the failure is not attributable to one id
 * and nothing is returned.
 */
export async function isolateBadIds(ids: readonly string[], fails: (ids: readonly string[]) => Promise<boolean>): Promise<string[]> {
  if (ids.length <= 1) return [...ids];
  const mid = Math.ceil(ids.length / 2);
  const out: string[] = [];
  for (const half of [ids.slice(0, mid), ids.slice(mid)]) {
    if (half.length > 0 && (await fails(half))) out.push(...(await isolateBadIds(half, fails)));
  }
  return out;
}

/** True when `err` is an answer a bad id explains (see ID_ATTRIBUTABLE). */
export function idAttributable(err: unknown): boolean {
  const status = graphStatus(err);
  return status !== undefined && ID_ATTRIBUTABLE.has(status);
}

const ID_FILTER_CHUNK = 15;

/**
 * The ids among `ids` that the directory knows as users, read with `GET /users?$filter=id in (…)` (15 values
 * per query, the directory's limit) and `$select=id`, a few queries at once. Needs only User.Read.All.
 */
export async function existingUserIds(client: Client, ids: readonly string[], concurrency = 4): Promise<Set<string>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += ID_FILTER_CHUNK) chunks.push(ids.slice(i, i + ID_FILTER_CHUNK));
  const found = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const filter = `id in (${chunk.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`;
      const page = (await client.api('/users').filter(filter).select(['id']).top(ID_FILTER_CHUNK).get()) as { value?: { id?: string }[] };
      for (const u of page.value ?? []) if (u.id) found.add(u.id.toLowerCase());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return new Set(ids.filter((id) => found.has(id.toLowerCase())));
}
