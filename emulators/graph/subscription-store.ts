import { DeadlineScheduler, type EmulatorClock } from './emulator-clock.js';
import type { SubscriberCertificate } from './rich-notification.js';

/** Lifecycle notice lead time: reauthorizationRequired goes out this long before token or subscription lapse. */
export const REAUTHORIZE_LEAD_MS = 5 * 60_000;

export interface Subscription {
  serial: number;
  id: string;
  resource: string;
  /** Lower-case, id-sorted form used to detect duplicates. */
  resourceKey: string;
  userIdxs: number[];
  changeType: string;
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expiresAt: number;
  applicationId: string;
  creatorId: string;
  includeResourceData: boolean;
  encryptionCertificate: string | null;
  encryptionCertificateId: string | null;
  cert: SubscriberCertificate | null;
  latestSupportedTlsVersion: string;
  /** When the creating/renewing token lapses; after it, notifications are held until PATCH or reauthorize. */
  authExpiresAt: number;
  /** Whether reauthorizationRequired was already sent for the current auth/expiry period. */
  reauthSent: boolean;
  /** When reauthorizationRequired is due (set by `reschedule`). */
  reauthAt: number;
  /** Users whose presence changed and who are not delivered yet. */
  pending: Set<number>;
}

/**
 * Live subscriptions and the reverse index user → subscriptions watching them. Expiry and the lifecycle
 * deadline run on the emulator clock (the notice goes out 5 minutes before the earlier of token or
 * subscription lapse, or half-way there for lifetimes under 10 minutes); `onLifecycle` is called when reauthorizationRequired is due.
 */
export class SubscriptionStore {
  readonly byId = new Map<string, Subscription>();
  private readonly bySerial = new Map<number, Subscription>();
  private readonly watchers = new Map<number, Subscription[]>();
  private readonly scheduler: DeadlineScheduler;
  private nextSerial = 1;
  onLifecycle: (sub: Subscription) => void = () => undefined;

  constructor(private readonly clock: EmulatorClock) {
    this.scheduler = new DeadlineScheduler(clock, (serial) => {
      const sub = this.bySerial.get(serial);
      if (sub) this.check(sub);
    });
  }

  newSerial(): number {
    return this.nextSerial++;
  }

  add(sub: Subscription): void {
    this.byId.set(sub.id, sub);
    this.bySerial.set(sub.serial, sub);
    for (const idx of sub.userIdxs) {
      const list = this.watchers.get(idx);
      if (list) list.push(sub);
      else this.watchers.set(idx, [sub]);
    }
    this.reschedule(sub);
  }

  remove(sub: Subscription): void {
    if (!this.byId.delete(sub.id)) return;
    this.bySerial.delete(sub.serial);
    for (const idx of sub.userIdxs) {
      const list = this.watchers.get(idx);
      if (!list) continue;
      const rest = list.filter((s) => s !== sub);
      if (rest.length > 0) this.watchers.set(idx, rest);
      else this.watchers.delete(idx);
    }
  }

  watching(idx: number): readonly Subscription[] | undefined {
    return this.watchers.get(idx);
  }

  /** Live (unexpired) subscription by id; an expired one is removed on sight. */
  get(id: string): Subscription | undefined {
    const sub = this.byId.get(id);
    if (sub && sub.expiresAt <= this.clock.now()) {
      this.remove(sub);
      return undefined;
    }
    return sub;
  }

  list(): Subscription[] {
    const now = this.clock.now();
    for (const sub of [...this.byId.values()]) if (sub.expiresAt <= now) this.remove(sub);
    return [...this.byId.values()];
  }

  /** After create, renew or reauthorize: re-arms expiry and the lifecycle notice. */
  reschedule(sub: Subscription): void {
    const now = this.clock.now();
    const lapse = Math.min(sub.expiresAt, sub.authExpiresAt);
    sub.reauthAt = lapse - Math.min(REAUTHORIZE_LEAD_MS, Math.max(0, (lapse - now) / 2));
    sub.reauthSent = false;
    this.scheduler.schedule(sub.serial, sub.expiresAt);
    this.scheduler.schedule(sub.serial, sub.reauthAt);
    this.scheduler.schedule(sub.serial, sub.authExpiresAt);
  }

  close(): void {
    this.scheduler.close();
  }

  private check(sub: Subscription): void {
    const now = this.clock.now();
    if (sub.expiresAt <= now) {
      this.remove(sub);
      return;
    }
    if (!sub.reauthSent && sub.reauthAt <= now && sub.lifecycleNotificationUrl) {
      sub.reauthSent = true;
      this.onLifecycle(sub);
    }
  }
}
