import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import type { GraphConnection, ServiceAccount } from './graph-client.js';
import { describeGraphError, graphStatus } from './graph-errors.js';
import { existingUserIds, idAttributable, isolateBadIds, type IsolatedUsers } from './isolation.js';
import type { EncryptionCertificate } from './notification-crypto.js';

/**
 * Creating one presence subscription so that it survives what Microsoft does to real groups:
 * - ids are first checked against the directory; users it does not know (deleted, mistyped) are isolated
 *   instead of failing the create for everybody (Graph answers 500 for a deleted user in the list);
 * - a create that still fails in a way a bad id explains (400/404/500) is bisected: halves are probed with
 *   short-lived subscriptions until the refused ids are isolated, then the rest is subscribed;
 * - a 409 ("a subscription already exists") means an orphan of this app for the account — left by a crash
 *   or another instance — so the account's presence subscriptions that are not ours are deleted and the
 *   create retried once.
 * Lifetime asked for is 55 minutes: inside Graph's 60-minute limit even when the two clocks differ by minutes.
 */

export const SUBSCRIPTION_LIFETIME_MS = 55 * 60_000;

export interface CreatedSubscription {
  id: string;
  clientState: string;
  expiresAt: number;
  coveredIds: string[];
}

/** What creating and keeping presence subscriptions both need: Graph, time, the webhook's addresses. */
export interface SubscriptionSettings {
  connection: GraphConnection;
  clock: Clock;
  logger: Logger;
  certificate: () => EncryptionCertificate;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  isolation: IsolatedUsers;
}

export interface SubscriptionCreatorOptions extends SubscriptionSettings {
  /** Ids of the subscriptions the connector holds now (never deleted as orphans). */
  ours: () => ReadonlySet<string>;
  /** clientStates of creates in flight (their notifications can beat the create response). */
  pending: Set<string>;
}

const resourceFor = (ids: readonly string[]): string => `communications/presences?$filter=id in (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`;

export function parseExpiry(value: string | undefined, fallback: number): number {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

export class SubscriptionCreator {
  probes = 0;

  constructor(private readonly o: SubscriptionCreatorOptions) {}

  /** Subscribes `assigned` minus isolated users; null when nobody is left to subscribe. */
  async create(account: ServiceAccount, assigned: readonly string[]): Promise<CreatedSubscription | null> {
    const { clock, isolation, logger } = this.o;
    let ids = assigned.filter((id) => !isolation.blocks(id, clock.now()));
    if (ids.length === 0) return null;
    const known = await existingUserIds(this.o.connection.app, ids);
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) {
      isolation.add(missing, 'not-in-directory', 'not found in the directory (deleted or unknown)', clock.now());
      logger.warn({ account: account.username, users: missing.length }, 'users not in the directory left out of the presence subscription');
      ids = ids.filter((id) => known.has(id));
    }
    if (ids.length === 0) return null;
    try {
      return await this.post(account, ids, true);
    } catch (err) {
      if (graphStatus(err) === 409) {
        await this.removeOrphans(account);
        return this.post(account, ids, true);
      }
      if (!idAttributable(err)) throw err;
      const refusedAt = clock.now();
      const bad = await isolateBadIds(ids, (half) => this.refuses(account, half));
      if (bad.length === 0) throw err;
      isolation.add(bad, 'subscription-refused', `presence subscription refused: ${describeGraphError(err)}`, refusedAt);
      logger.warn({ account: account.username, users: bad.length, probes: this.probes }, 'users refused by Graph isolated from the presence subscription');
      const rest = ids.filter((id) => !bad.includes(id));
      return rest.length > 0 ? this.post(account, rest, true) : null;
    }
  }

  /** Deletes this account's presence subscriptions that the connector does not hold; returns how many. */
  async removeOrphans(account: ServiceAccount): Promise<number> {
    const client = this.o.connection.delegated(account);
    const page = (await client.api('/subscriptions').get()) as { value?: { id?: string; resource?: string; applicationId?: string }[] };
    const ours = this.o.ours();
    let removed = 0;
    for (const s of page.value ?? []) {
      if (!s.id || ours.has(s.id) || !/presences/i.test(s.resource ?? '')) continue;
      if (s.applicationId && s.applicationId.toLowerCase() !== this.o.connection.clientId.toLowerCase()) continue;
      await this.deleteRemote(account, s.id);
      removed += 1;
    }
    this.o.logger.warn({ account: account.username, removed }, 'Graph answered 409: removed orphaned presence subscriptions');
    return removed;
  }

  async deleteRemote(account: ServiceAccount, id: string): Promise<void> {
    try {
      await this.o.connection.delegated(account).api(`/subscriptions/${encodeURIComponent(id)}`).delete();
    } catch (err) {
      if (graphStatus(err) !== 404) this.o.logger.warn({ subscriptionId: id, error: describeGraphError(err) }, 'could not delete Graph subscription');
    }
  }

  /** A probe: true when Graph refuses a subscription for `ids` in a way a bad id explains. */
  private async refuses(account: ServiceAccount, ids: readonly string[]): Promise<boolean> {
    this.probes += 1;
    try {
      const probe = await this.post(account, ids, false);
      await this.deleteRemote(account, probe.id);
      return false;
    } catch (err) {
      if (idAttributable(err)) return true;
      throw err;
    }
  }

  private async post(account: ServiceAccount, ids: readonly string[], track: boolean): Promise<CreatedSubscription> {
    const { connection, clock } = this.o;
    const cert = this.o.certificate();
    const clientState = randomBytes(32).toString('base64url');
    if (track) this.o.pending.add(clientState);
    try {
      const body = {
        changeType: 'updated',
        notificationUrl: this.o.notificationUrl,
        lifecycleNotificationUrl: this.o.lifecycleNotificationUrl,
        resource: resourceFor(ids),
        expirationDateTime: new Date(clock.now() + SUBSCRIPTION_LIFETIME_MS).toISOString(),
        clientState,
        includeResourceData: true,
        encryptionCertificate: cert.certificateBase64,
        encryptionCertificateId: cert.id,
        latestSupportedTlsVersion: 'v1_2',
      };
      const created = (await connection.delegated(account).api('/subscriptions').post(body)) as { id?: string; expirationDateTime?: string };
      if (!created?.id) throw new Error('subscription create answered without an id');
      return { id: created.id, clientState, expiresAt: parseExpiry(created.expirationDateTime, clock.now() + SUBSCRIPTION_LIFETIME_MS), coveredIds: [...ids] };
    } finally {
      if (track) this.o.pending.delete(clientState);
    }
  }
}
