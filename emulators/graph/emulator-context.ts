import type { X509Certificate } from 'node:crypto';
import type { AuthorizeState } from './authorize-state.js';
import type { DeliveryMode } from './delivery-profile.js';
import type { ValidationTokenVersion } from './rich-notification.js';
import type { DirectoryStore } from './directory-store.js';
import type { EmulatorClock } from './emulator-clock.js';
import type { FaultInjector } from './fault-injector.js';
import type { KeyMaterial } from './key-material.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import type { PresenceStore } from './presence-store.js';
import type { EmulatorStats } from './emulator-stats.js';
import type { SubscriptionStore } from './subscription-store.js';
import type { ThrottleLimiter } from './throttle-limiter.js';
import type { TokenRecord, TokenRegistry } from './token-registry.js';

/** Everything one emulator instance holds; created by `startGraphEmulator`, passed to every route. */
export interface EmulatorContext {
  /** `https://127.0.0.1:<port>`, known once listening. */
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  clock: EmulatorClock;
  key: KeyMaterial;
  directory: DirectoryStore;
  presence: PresenceStore;
  tokens: TokenRegistry;
  throttle: ThrottleLimiter;
  faults: FaultInjector;
  stats: EmulatorStats;
  subscriptions: SubscriptionStore;
  dispatcher: NotificationDispatcher;
  /** Certificates registered through the control surface; when any exist, client assertions must verify. */
  clientCertificates: X509Certificate[];
  /** Sign-in flows, authorization codes, MFA users and registered redirect URIs (authorization-code flow). */
  signIn: AuthorizeState;
  /** Presence subscriptions one user may hold per application (Graph documents one). */
  subscriptionsPerUser: number;
  /** getPresencesByUserId with an unknown or deleted id: refuse the call (400) or answer PresenceUnknown. */
  unknownPresenceIds: 'reject' | 'presence-unknown';
  /** Change-notification timing profile (see delivery-profile.ts). */
  delivery: DeliveryMode;
  /** PATCH of a presence subscription: 'extends' (default) or 'ignored' (200 without moving the expiry, as reported). */
  presenceRenewal: 'extends' | 'ignored';
  /** Shape of the validation tokens in rich notifications (v1 as documented, or v2). */
  validationTokenVersion: ValidationTokenVersion;
  quiet: boolean;
}

/** Per-request context of an authenticated Graph route. */
export interface GraphCtx {
  emu: EmulatorContext;
  token: TokenRecord;
}
