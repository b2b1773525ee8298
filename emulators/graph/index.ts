import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { AuthorizeState } from './authorize-state.js';
import { demoUsers, type SeedUser } from './demo-users.js';
import { DirectoryStore } from './directory-store.js';
import { EmulatorClock } from './emulator-clock.js';
import type { EmulatorContext } from './emulator-context.js';
import { EmulatorStats } from './emulator-stats.js';
import { FaultInjector } from './fault-injector.js';
import { createRequestHandler } from './graph-server.js';
import { createKeyMaterial } from './key-material.js';
import { NotificationDispatcher } from './notification-dispatcher.js';
import { PresenceStore } from './presence-store.js';
import type { DeliveryMode } from './delivery-profile.js';
import { ValidationTokenCache, type ValidationTokenVersion } from './rich-notification.js';
import { SubscriptionStore } from './subscription-store.js';
import { ThrottleLimiter } from './throttle-limiter.js';
import { TokenRegistry } from './token-registry.js';

/**
 * Loopback emulator of the Microsoft identity platform and the Microsoft Graph presence/user/subscription
 * APIs, on one HTTPS port with a certificate generated at start. See README.md for paths and the
 * `/_emulator/` control surface.
 */
export { demoUsers, demoUserId, DEMO_PASSWORD, DEMO_SERVICE_ACCOUNTS } from './demo-users.js';
export type { SeedUser } from './demo-users.js';

export const DEFAULT_TENANT_ID = '7e1d3b2a-5c4f-4e8d-9a61-0c2b5f3e7d10';
export const DEFAULT_CLIENT_ID = '3f9a6c1e-2b7d-4c58-8e0f-6d1a9b4c2e57';
export const DEFAULT_CLIENT_SECRET = 'emulator-secret';

export interface GraphEmulatorOptions {
  port?: number;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  users?: SeedUser[];
  throttleLimit?: number;
  throttleWindowMs?: number;
  tokenLifetimeSec?: number;
  /** Presence subscriptions one user may hold per application; Graph documents 1. */
  subscriptionsPerUser?: number;
  /** getPresencesByUserId with an unknown or deleted id: 'reject' (default, 400) or 'presence-unknown'. */
  unknownPresenceIds?: 'reject' | 'presence-unknown';
  /** Notification timing: 'fast' (default) or 'realistic' (Microsoft's latency and retry schedule). */
  delivery?: DeliveryMode;
  /** Validation-token shape: 'v1' (default, as documented) or 'v2'. */
  validationTokenVersion?: ValidationTokenVersion;
  /** Users (UPN or object id) who must complete MFA: interactive sign-in asks for approval, ROPC is refused. */
  mfaUsers?: string[];
  /** The app registration's redirect URIs for the authorization-code flow (loopback ones match any port). */
  redirectUris?: string[];
  quiet?: boolean;
}

export interface GraphEmulator {
  url: string;
  caCertPem: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  users(): SeedUser[];
  close(): Promise<void>;
}

export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const key = await createKeyMaterial();
  const clock = new EmulatorClock();
  const tenantId = opts.tenantId ?? DEFAULT_TENANT_ID;
  const directory = new DirectoryStore();
  for (const seed of opts.users ?? demoUsers()) directory.add(seed);
  const presence = new PresenceStore(directory, clock);
  const subscriptions = new SubscriptionStore(clock);
  const stats = new EmulatorStats();
  const faults = new FaultInjector();
  let url = '';
  const issuerBase = (): string => url;
  // Read through `emu` so that the control surface can switch them at run time.
  let emuRef: EmulatorContext | null = null;
  const dispatcher = new NotificationDispatcher({
    clock,
    directory,
    presence,
    subscriptions,
    stats,
    faults,
    validationTokens: new ValidationTokenCache(key, tenantId, issuerBase, () => clock.now(), () => emuRef?.validationTokenVersion ?? 'v1'),
    tenantId,
    delivery: () => emuRef?.delivery ?? 'fast',
  });

  const emu: EmulatorContext = {
    url,
    tenantId,
    clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: opts.clientSecret ?? DEFAULT_CLIENT_SECRET,
    clock,
    key,
    directory,
    presence,
    tokens: new TokenRegistry(key, clock, tenantId, opts.tokenLifetimeSec ?? 3599, issuerBase),
    throttle: new ThrottleLimiter(clock, opts.throttleLimit ?? 1500, opts.throttleWindowMs ?? 30_000),
    faults,
    stats,
    subscriptions,
    dispatcher,
    clientCertificates: [],
    signIn: new AuthorizeState(clock, opts.redirectUris ?? []),
    subscriptionsPerUser: opts.subscriptionsPerUser ?? 1,
    unknownPresenceIds: opts.unknownPresenceIds ?? 'reject',
    delivery: opts.delivery ?? 'fast',
    presenceRenewal: 'extends',
    validationTokenVersion: opts.validationTokenVersion ?? 'v1',
    quiet: opts.quiet ?? false,
  };
  emuRef = emu;
  for (const who of opts.mfaUsers ?? []) {
    const user = directory.resolve(who);
    if (!user) throw new Error(`mfaUsers: unknown user '${who}'`);
    emu.signIn.mfaUsers.add(user.id);
  }
  presence.onChange((rec) => dispatcher.onPresenceChange(rec));
  subscriptions.onLifecycle = (sub) => dispatcher.sendLifecycle(sub, 'reauthorizationRequired');

  const server = https.createServer({ key: key.keyPem, cert: key.certPem, keepAliveTimeout: 30_000 }, createRequestHandler(emu));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
  emu.url = url;
  if (!emu.quiet) process.stderr.write(`graph-emulator: listening on ${url} (${directory.users.length} users)\n`);

  let closing: Promise<void> | null = null;
  return {
    url,
    caCertPem: key.certPem,
    tenantId,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    users: () => directory.live().map((u) => directory.toSeed(u)),
    close() {
      closing ??= new Promise<void>((resolve) => {
        dispatcher.close();
        presence.close();
        subscriptions.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
