import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import type { GraphStore } from '../store/graph-store.js';
import { NotificationDecryptError, signatureValid, unwrapKey, type EncryptionCertificate } from './notification-crypto.js';
import type { ChangeNotification, IntakeResult, LifecycleNotification, WebhookIntake } from './notification-schema.js';

/**
 * The webhook's synchronous half: every item's `clientState` is compared in constant time with the one the
 * connector gave its subscription, encrypted content must carry a valid signature, and the accepted raw
 * items are written to the SQLite inbox before the caller answers 202. Decryption and presence handling
 * happen later in the inbox worker. Rejections are logged without any secret.
 */

export interface ClientStateLookup {
  /** clientState of a known subscription. */
  clientStateOf(subscriptionId: string): string | undefined;
  /** clientStates of subscriptions being created right now (notifications can beat the create response). */
  pendingClientStates(): Iterable<string>;
}

export interface NotificationIntakeOptions {
  store: GraphStore;
  lookup: ClientStateLookup;
  certificate: () => EncryptionCertificate | null;
  clock: Clock;
  logger: Logger;
  /** Called after items were queued. */
  onQueued: () => void;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time equality of two secrets of any length (compares equal-length SHA-256 digests). */
export function secretEquals(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

export type RejectReason = 'unknown-subscription' | 'client-state-mismatch' | 'bad-signature' | 'unknown-certificate' | 'bad-key' | 'no-certificate';

export class NotificationIntake implements WebhookIntake {
  rejectedCount = 0;

  constructor(private readonly options: NotificationIntakeOptions) {}

  acceptNotifications(items: ChangeNotification[]): IntakeResult {
    return this.accept(items, (item) => this.checkChange(item));
  }

  acceptLifecycle(items: LifecycleNotification[]): IntakeResult {
    return this.accept(items, () => null);
  }

  private accept<T extends { subscriptionId: string; clientState?: string | null }>(items: T[], extra: (item: T) => RejectReason | null): IntakeResult {
    const { store, clock, logger } = this.options;
    const bodies: string[] = [];
    let rejected = 0;
    for (const item of items) {
      const reason = this.checkClientState(item) ?? extra(item);
      if (reason) {
        rejected += 1;
        logger.warn({ subscriptionId: item.subscriptionId.slice(0, 64), reason }, 'Graph notification rejected');
        continue;
      }
      bodies.push(JSON.stringify(item));
    }
    this.rejectedCount += rejected;
    if (bodies.length > 0) {
      store.enqueue(bodies, clock.now());
      this.options.onQueued();
    }
    return { accepted: bodies.length, rejected };
  }

  private checkClientState(item: { subscriptionId: string; clientState?: string | null }): RejectReason | null {
    const { lookup } = this.options;
    const expected = lookup.clientStateOf(item.subscriptionId);
    if (expected !== undefined) return secretEquals(item.clientState, expected) ? null : 'client-state-mismatch';
    let matched = false;
    // Every pending state is compared (no early exit), so timing says nothing about which one matched.
    for (const pending of lookup.pendingClientStates()) if (secretEquals(item.clientState, pending)) matched = true;
    return matched ? null : 'unknown-subscription';
  }

  private checkChange(item: ChangeNotification): RejectReason | null {
    const content = item.encryptedContent;
    if (!content) return null;
    const cert = this.options.certificate();
    if (!cert) return 'no-certificate';
    try {
      const key = unwrapKey(content, cert);
      return signatureValid(content, key) ? null : 'bad-signature';
    } catch (err) {
      if (err instanceof NotificationDecryptError) return err.reason === 'bad-data' ? 'bad-signature' : err.reason;
      return 'bad-key';
    }
  }
}
