import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports.js';
import type { GraphStore, InboxItem } from '../store/graph-store.js';
import { decryptContent, type EncryptionCertificate } from './notification-crypto.js';
import type { NotificationIntake } from './notification-intake.js';
import { notifiedUserId, presenceResourceSchema, type ChangeNotification, type InboxBatch } from './notification-schema.js';
import { VerifierUnavailableError, type ValidationTokenVerifier } from './validation-token-verifier.js';

/**
 * The webhook's asynchronous half: reads inbox rows in order and, per row, verifies the validation tokens
 * (rich items of a batch whose tokens fail are all dropped), checks each rich item's signature, refuses an
 * item already processed (replay protection: a digest of subscription + signature — fresh per notification —
 * or of the whole basic item is kept for REPLAY_WINDOW_MS, longer than a validation token lives, so a replay
 * is caught either by the digest or by the token's expiry), then decrypts. When the signing keys cannot be
 * read the row stays in the inbox and is retried.
 */

export const REPLAY_WINDOW_MS = 2 * 3_600_000;

export interface DecryptedPresence {
  id: string;
  availability?: string | null;
  activity?: string | null;
}

export interface InboxWorkerOptions {
  store: GraphStore;
  clock: Clock;
  logger: Logger;
  intake: NotificationIntake;
  verifier: ValidationTokenVerifier;
  certificate: () => EncryptionCertificate | null;
  onLifecycle: (subscriptionId: string, event: string) => void;
}

export interface RowOutcome {
  resources: DecryptedPresence[];
  basicIds: string[];
}

const digestOf = (item: ChangeNotification): string => {
  const basis = item.encryptedContent ? `${item.subscriptionId}|${item.encryptedContent.dataSignature}` : JSON.stringify(item);
  return createHash('sha256').update(basis, 'utf8').digest('hex');
};

export class InboxWorker {
  replaysRefused = 0;
  tokenRejections = 0;

  constructor(private readonly o: InboxWorkerOptions) {}

  /**
   * Processes up to `limit` rows; returns what they yielded and the ids of the rows done. Stops early (rows
   * left pending) when the verifier is unavailable; `unavailable` then says why.
   */
  async run(limit: number): Promise<{ done: number[]; outcome: RowOutcome; unavailable: string | null; rows: number }> {
    const rows = this.o.store.pending(limit);
    const outcome: RowOutcome = { resources: [], basicIds: [] };
    const done: number[] = [];
    for (const row of rows) {
      try {
        await this.row(row, outcome);
      } catch (err) {
        if (err instanceof VerifierUnavailableError) return { done, outcome, unavailable: err.message, rows: rows.length };
        this.o.logger.warn({ inboxId: row.id, error: (err as Error).message }, 'Graph notification could not be processed');
      }
      done.push(row.id);
    }
    return { done, outcome, unavailable: null, rows: rows.length };
  }

  private async row(row: InboxItem, out: RowOutcome): Promise<void> {
    const parsed = JSON.parse(row.body) as Partial<InboxBatch> & Record<string, unknown>;
    // Rows written before batches were stored hold one item each.
    const batch: InboxBatch = parsed.v === 2 ? (parsed as InboxBatch) : { v: 2, kind: typeof parsed.lifecycleEvent === 'string' ? 'lifecycle' : 'change', items: [parsed], tokens: [] };
    if (batch.kind === 'lifecycle') {
      for (const item of batch.items) this.o.onLifecycle(String(item.subscriptionId), String(item.lifecycleEvent));
      return;
    }
    const items = batch.items as ChangeNotification[];
    let richAllowed = true;
    if (items.some((i) => i.encryptedContent)) {
      const check = await this.o.verifier.verifyAll(batch.tokens);
      if (!check.ok) {
        richAllowed = false;
        this.tokenRejections += 1;
        this.o.intake.logRejection('bad-validation-token', String(items[0]?.subscriptionId ?? ''));
        this.o.logger.debug({ reason: check.reason }, 'validation token check failed');
      }
    }
    const now = this.o.clock.now();
    for (const item of items) {
      if (item.encryptedContent) {
        if (!richAllowed) continue;
        const bad = this.o.intake.checkSignature(item);
        if (bad) {
          this.o.intake.logRejection(bad, item.subscriptionId);
          continue;
        }
      }
      if (!this.o.store.markSeen(digestOf(item), now)) {
        this.replaysRefused += 1;
        this.o.intake.logRejection('replayed', item.subscriptionId);
        continue;
      }
      if (!item.encryptedContent) {
        const id = notifiedUserId(item);
        if (id) out.basicIds.push(id);
        continue;
      }
      const cert = this.o.certificate();
      if (!cert) throw new Error('no decryption certificate');
      out.resources.push(presenceResourceSchema.parse(decryptContent(item.encryptedContent, cert)));
    }
  }
}
