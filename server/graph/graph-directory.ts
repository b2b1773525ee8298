import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import type { Clock, Directory, DirectoryEntry, TeamsUser } from '../ports.js';
import type { CallBudget } from './call-budget.js';
import { toAppError, withRetry } from './graph-errors.js';
import { getPresencesByUserId, MAX_IDS_PER_CALL } from './presence-api.js';
import { searchError, searchPresenceBudget } from './search-budget.js';

/**
 * Directory lookups for agent matching and the subject-matter-expert search. Graph allows at most 15 values
 * across the `in`/`or` clauses of a directory filter, so address lookups go 7 addresses at a time (each is
 * compared with mail and with userPrincipalName); very large lookups list the directory instead, which is
 * ⌈users/999⌉ calls rather than ⌈addresses/7⌉.
 */

const SELECT = ['id', 'displayName', 'userPrincipalName', 'mail', 'department', 'jobTitle', 'businessPhones'];
const ADDRESSES_PER_FILTER = 7;
const SCAN_THRESHOLD = 700;
const MAX_PAGES = 500;

const userSchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string().nullish(),
    userPrincipalName: z.string().nullish(),
    mail: z.string().nullish(),
    department: z.string().nullish(),
    jobTitle: z.string().nullish(),
    businessPhones: z.array(z.string()).nullish(),
  })
  .passthrough();
const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() }).passthrough();

/** The phone in E.164 form (spaces, dashes, dots and parentheses removed), or null when it is not one. */
export function e164(phone: string): string | null {
  const compact = phone.replace(/[\s\-().]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : null;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/**
 * The Graph SDK joins query values into the URL as given, so a value is percent-encoded here: a term holding `&`,
 * `#`, `%41` or `$top=` stays part of the value and never becomes a parameter, a fragment or an escape.
 */
const asValue = (s: string): string => encodeURIComponent(s);

function toUser(raw: unknown): TeamsUser | null {
  const p = userSchema.safeParse(raw);
  if (!p.success) return null;
  const u = p.data;
  return {
    id: u.id,
    displayName: u.displayName ?? '',
    userPrincipalName: u.userPrincipalName ?? '',
    mail: u.mail ?? null,
    department: u.department ?? null,
    jobTitle: u.jobTitle ?? null,
    businessPhones: u.businessPhones ?? [],
  };
}

export class GraphDirectory implements Directory {
  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    /** The search's own share of the presence limit (search-budget.ts; default: its share at Microsoft's documented limit); null = never reads presence. */
    private readonly presenceBudget: CallBudget | null = searchPresenceBudget({ throttleWindowMs: 30_000, throttleLimit: 1_500, budgetShare: 0.5 }),
  ) {}

  async findUsersByEmail(emails: readonly string[]): Promise<Map<string, TeamsUser>> {
    const wanted = new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
    const found = new Map<string, TeamsUser>();
    const collect = (user: TeamsUser): void => {
      for (const address of [user.mail, user.userPrincipalName]) {
        const key = address?.toLowerCase();
        if (key && wanted.has(key) && !found.has(key)) found.set(key, user);
      }
    };
    try {
      if (wanted.size > SCAN_THRESHOLD) {
        await this.pages(this.client.api('/users').select(SELECT).top(999), collect);
        return found;
      }
      const list = [...wanted];
      for (let i = 0; i < list.length; i += ADDRESSES_PER_FILTER) {
        const values = list.slice(i, i + ADDRESSES_PER_FILTER).map(quote).join(',');
        await this.pages(this.client.api('/users').filter(asValue(`mail in (${values}) or userPrincipalName in (${values})`)).select(SELECT).top(999), collect);
      }
      return found;
    } catch (err) {
      throw toAppError(err, 'look up Teams users by email');
    }
  }

  async search(query: string, limit: number): Promise<DirectoryEntry[]> {
    const term = query.replace(/["'\\]/g, ' ').trim();
    const max = Math.min(Math.max(1, Math.floor(limit)), MAX_IDS_PER_CALL);
    if (term.length < 2) return [];
    const users = new Map<string, TeamsUser>();
    try {
      // Name: directory $search (tokenized, prefix matching). Job title / department: startswith filters.
      // Both are advanced queries and need ConsistencyLevel: eventual.
      const byName = this.client.api('/users').header('ConsistencyLevel', 'eventual').search(asValue(`"displayName:${term}"`)).select(SELECT).top(100);
      const byRole = this.client
        .api('/users')
        .header('ConsistencyLevel', 'eventual')
        .filter(asValue(`startswith(jobTitle,${quote(term)}) or startswith(department,${quote(term)})`))
        .count(true)
        .select(SELECT)
        .top(100);
      const [a, b] = await Promise.all([this.firstPage(byName), this.firstPage(byRole)]);
      for (const u of [...a, ...b]) if (!users.has(u.id)) users.set(u.id, u);
    } catch (err) {
      throw searchError(err);
    }
    const listed: DirectoryEntry[] = [];
    for (const user of users.values()) {
      const phone = (user.businessPhones ?? []).map(e164).find((p): p is string => p !== null);
      if (phone) listed.push({ ...user, phone, presence: null });
      if (listed.length >= max) break;
    }
    listed.sort((x, y) => x.displayName.localeCompare(y.displayName));
    if (listed.length === 0) return listed;
    // Never beyond the search's own budget: the presence poller's share stays whole (results then lack presence).
    if (!this.presenceBudget?.tryTake(this.clock.now())) return listed;
    try {
      const presences = await withRetry(() => getPresencesByUserId(this.client, listed.map((u) => u.id)), (ms) => this.sleep(ms));
      const byId = new Map(presences.map((p) => [p.id, p.presence]));
      for (const entry of listed) entry.presence = byId.get(entry.id) ?? null;
    } catch {
      // Presence is a convenience here: the colleague list is still useful without it.
    }
    return listed;
  }

  private async firstPage(request: ReturnType<Client['api']>): Promise<TeamsUser[]> {
    const page = pageSchema.parse(await withRetry(() => request.get(), (ms) => this.sleep(ms)));
    return page.value.map(toUser).filter((u): u is TeamsUser => u !== null);
  }

  private async pages(request: ReturnType<Client['api']>, onUser: (u: TeamsUser) => void): Promise<void> {
    let page = pageSchema.parse(await withRetry(() => request.get(), (ms) => this.sleep(ms)));
    for (let n = 0; ; n++) {
      for (const raw of page.value) {
        const user = toUser(raw);
        if (user) onUser(user);
      }
      const next = page['@odata.nextLink'];
      if (!next || n >= MAX_PAGES) return;
      page = pageSchema.parse(await withRetry(() => this.client.api(next).get(), (ms) => this.sleep(ms)));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }
}
