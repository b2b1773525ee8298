import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { Presence } from '../domain/presence.js';

/** Graph's documented maximum of user ids per getPresencesByUserId call and per presence subscription. */
export const MAX_IDS_PER_CALL = 650;

export const rawPresence = z.object({
  id: z.string().min(1),
  availability: z.string().nullish(),
  activity: z.string().nullish(),
  outOfOfficeSettings: z.object({ isOutOfOffice: z.boolean().nullish() }).passthrough().nullish(),
});

export type RawPresence = z.infer<typeof rawPresence>;

const nullish = (v: unknown, type: 'string' | 'boolean'): boolean => v === null || v === undefined || typeof v === type;

/**
 * `rawPresence` checked by hand: a poll reads every watched user's presence every cycle (tens of thousands a
 * second at 50,000 agents), and the schema library allocated a copy of each item before it was looked at. Accepts
 * exactly what the schema accepts; the item itself is returned, nothing is copied.
 */
export function asRawPresence(item: unknown): RawPresence | null {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return null;
  const r = item as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id.length === 0 || !nullish(r.availability, 'string') || !nullish(r.activity, 'string')) return null;
  const oof = r.outOfOfficeSettings;
  if (oof !== null && oof !== undefined && (typeof oof !== 'object' || Array.isArray(oof) || !nullish((oof as Record<string, unknown>).isOutOfOffice, 'boolean'))) return null;
  return r as RawPresence;
}

export function toPresence(raw: RawPresence): Presence {
  const presence: Presence = { availability: raw.availability ?? 'PresenceUnknown', activity: raw.activity ?? 'PresenceUnknown' };
  const oof = raw.outOfOfficeSettings?.isOutOfOffice;
  if (typeof oof === 'boolean') presence.outOfOffice = oof;
  return presence;
}

export interface UserPresence {
  id: string;
  presence: Presence;
}

/** One `POST /communications/getPresencesByUserId` (≤650 ids). Items that do not parse are skipped. */
export async function getPresencesByUserId(client: Client, ids: readonly string[]): Promise<UserPresence[]> {
  if (ids.length > MAX_IDS_PER_CALL) throw new Error(`at most ${MAX_IDS_PER_CALL} ids per call`);
  const body: unknown = await client.api('/communications/getPresencesByUserId').post({ ids });
  const value = body && typeof body === 'object' ? (body as { value?: unknown }).value : undefined;
  if (!Array.isArray(value)) throw new Error('getPresencesByUserId: unexpected response shape');
  const out: UserPresence[] = [];
  for (const item of value) {
    const p = asRawPresence(item);
    if (p) out.push({ id: p.id, presence: toPresence(p) });
  }
  return out;
}

/** Splits ids into consecutive batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number = MAX_IDS_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
