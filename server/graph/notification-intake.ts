import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import type { GraphStore } from '../store/graph-store.js';
import { NotificationDecryptError, signatureValid, unwrapKey, type EncryptionCertificate } from './notification-crypto.js';
import type { ChangeNotification, InboxBatch, IntakeResult, LifecycleNotification, WebhookIntake } from './notification-schema.js';

/**
 * The webhook's synchronous half: every item's `clientState` is compared in constant time with the one the
 * connector gave its subscription (a cheap check that keeps forged posts out of the database), and the
 * accepted raw items are written to the SQLite inbox — one row per POST, with its validation tokens — before
 * the caller answers 202. Validation tokens, signatures, replays, decryption and presence handling happen
 * later in the inbox worker (`checkSignature` is its signature check). Rejections are logged without any
 * secret, sampled: at most one line per reason per minute.
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

export type RejectReason = 'unknown-subscription' | 'client-state-mismatch' | 'bad-signature' | 'unknown-certificate' | 'bad-key' | 'no-certificate' | 'bad-validation-token' | 'replayed';

const LOG_EVERY_MS = 60_000;

export class NotificationIntake implements WebhookIntake {
  rejectedCount = 0;
  private readonly lastLog = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly options: NotificationIntakeOptions) {}

  acceptNotifications(items: ChangeNotification[], validationTokens?: readonly string[] | null): IntakeResult {
    return this.accept('change', items, validationTokens ?? []);
  }

  acceptLifecycle(items: LifecycleNotification[]): IntakeResult {
    return this.accept('lifecycle', items, []);
  }

  /** Signature of one rich item against the connector's certificate (null = valid). */
  checkSignature(item: ChangeNotification): RejectReason | null {
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

  /** Logs a rejection, at most once per reason per minute (with how many were not logged). */
  logRejection(reason: string, subscriptionId: string): void {
    const now = this.options.clock.now();
    const last = this.lastLog.get(reason);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.suppressed += 1;
      return;
    }
    this.options.logger.warn({ subscriptionId: subscriptionId.slice(0, 64), reason, suppressedSinceLast: last?.suppressed ?? 0 }, 'Graph notification rejected');
    this.lastLog.set(reason, { at: now, suppressed: 0 });
  }

  private accept(kind: InboxBatch['kind'], items: { subscriptionId: string; clientState?: string | null }[], tokens: readonly string[]): IntakeResult {
    const { store, clock } = this.options;
    const accepted: Record<string, unknown>[] = [];
    let rejected = 0;
    for (const item of items) {
      const reason = this.checkClientState(item);
      if (reason) {
        rejected += 1;
        this.logRejection(reason, item.subscriptionId);
        continue;
      }
      // The secret has done its job; it is never written to disk.
      const { clientState: _secret, ...kept } = item;
      accepted.push(kept as Record<string, unknown>);
    }
    this.rejectedCount += rejected;
    if (accepted.length > 0) {
      const batch: InboxBatch = { v: 2, kind, items: accepted, tokens: [...tokens] };
      store.enqueue([JSON.stringify(batch)], clock.now());
      this.options.onQueued();
    }
    return { accepted: accepted.length, rejected };
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
}
