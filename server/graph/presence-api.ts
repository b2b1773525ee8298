import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { Presence } from '../domain/presence.js';

/** Graph's documented maximum of user ids per getPresencesByUserId call and per presence subscription. */
export const MAX_IDS_PER_CALL = 650;

const rawPresence = z.object({
  id: z.string().min(1),
  availability: z.string().nullish(),
  activity: z.string().nullish(),
  outOfOfficeSettings: z.object({ isOutOfOffice: z.boolean().nullish() }).passthrough().nullish(),
});
const presencesResponse = z.object({ value: z.array(z.unknown()) });

export type RawPresence = z.infer<typeof rawPresence>;

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
  const parsed = presencesResponse.safeParse(body);
  if (!parsed.success) throw new Error('getPresencesByUserId: unexpected response shape');
  const out: UserPresence[] = [];
  for (const item of parsed.data.value) {
    const p = rawPresence.safeParse(item);
    if (p.success) out.push({ id: p.data.id, presence: toPresence(p.data) });
  }
  return out;
}

/** Splits ids into consecutive batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number = MAX_IDS_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
