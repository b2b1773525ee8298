import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUsers, startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { GraphEmulatorClient } from '../../emulators/graph/emulator-client.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { createGraphConnection, type GraphConnection } from '../../server/graph/graph-client.js';
import { parseTokenCacheKey, TokenCacheCipher, TokenCacheKeyError } from '../../server/graph/service-account-cipher.js';
import { createSignInCallbackRouter, SIGN_IN_CALLBACK_PATH } from '../../server/http/service-account-router.js';
import { silentLogger } from '../../server/logger.js';
import { systemClock } from '../../server/ports.js';
import { openDatabase, type Db } from '../../server/store/db.js';
import { TokenCacheStore } from '../../server/store/token-cache-store.js';
import { walkSignIn } from './signin-driver.js';

/**
 * Service-account sign-in end to end over HTTPS: msal-node builds the authorize URL with PKCE, the emulator's
 * sign-in pages (MFA for svc1) redirect to the connector's callback, the code is redeemed, msal's token cache is
 * kept encrypted in a real SQLite file, and renewal is silent until the identity platform refuses it.
 */
const SVC1 = 'presence-svc1@contoso.example'; // MFA on
const SVC2 = 'presence-svc2@contoso.example'; // MFA off

let emu: GraphEmulator;
let c: GraphEmulatorClient;
let dir: string;
let db: Db;
let callback: Server;
let redirectUri: string;
const key = randomBytes(32);
const connections: GraphConnection[] = [];

function connect(cipherKey: Buffer = key): GraphConnection {
  const connection = createGraphConnection({
    tenantId: emu.tenantId,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    authorityHost: emu.url,
    graphBaseUrl: emu.url,
    caCertPem: emu.caCertPem,
    clock: systemClock,
    logger: silentLogger,
    serviceAccounts: { store: new TokenCacheStore(db), cipher: new TokenCacheCipher(cipherKey), usernames: [SVC1, SVC2], redirectUri },
  });
  connections.push(connection);
  return connection;
}

let current: GraphConnection;

beforeAll(async () => {
  emu = await startGraphEmulator({ quiet: true, users: demoUsers(12), mfaUsers: [SVC1], redirectUris: [`http://127.0.0.1${SIGN_IN_CALLBACK_PATH}`] });
  c = new GraphEmulatorClient(emu.url, emu.caCertPem, emu.tenantId, emu.clientId, emu.clientSecret);
  dir = mkdtempSync(join(tmpdir(), 'tpc-signin-'));
  db = openDatabase(join(dir, 'connector.db'));
  // The callback is served by whichever connection is current (a restart swaps it).
  const app = express();
  app.use((req, res, next) => createSignInCallbackRouter(current.serviceAccountAuth!, silentLogger)(req, res, next));
  callback = app.listen(0, '127.0.0.1');
  await new Promise((r) => callback.once('listening', r));
  redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}${SIGN_IN_CALLBACK_PATH}`;
  current = connect();
});

afterAll(async () => {
  for (const conn of connections) conn.close();
  callback.close();
  c.close();
  await emu.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The browser's last hop: Microsoft's redirect to the connector's callback. */
async function followToCallback(redirect: URL): Promise<{ status: number; text: string; location: string | null }> {
  const res = await fetch(redirect, { redirect: 'manual' });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

async function signIn(conn: GraphConnection, username: string, as = username, mfa: 'approve' | 'deny' = 'approve') {
  const start = await conn.serviceAccountAuth!.beginSignIn(username);
  const walk = await walkSignIn(c, start.authorizeUrl, { username: as, password: DEMO_PASSWORD, mfa });
  expect(walk.redirect, walk.page?.text).not.toBeNull();
  return { walk, start, back: await followToCallback(walk.redirect!) };
}

const stateOf = (conn: GraphConnection, username: string) => conn.serviceAccountAuth!.status().find((s) => s.username === username)!;

describe('service-account sign-in (authorization code + PKCE, MFA)', () => {
  it('refuses the password grant for an MFA account with AADSTS50076, as Microsoft does', async () => {
    await expect(current.delegatedToken({ username: SVC1, password: DEMO_PASSWORD })).rejects.toThrow(/AADSTS50076/);
    // The same grant still works for an account without MFA: the refusal is the MFA rule, not a broken grant.
    await expect(current.delegatedToken({ username: SVC2, password: DEMO_PASSWORD })).resolves.toMatch(/^ey/);
  });

  it('signs an MFA account in through the sign-in pages and calls Graph as that account', async () => {
    expect(stateOf(current, SVC1).state).toBe('never-signed-in');
    await expect(current.delegatedToken({ username: SVC1 })).rejects.toThrow(/never signed in/);
    const { walk, start, back } = await signIn(current, SVC1);
    const authorize = new URL(start.authorizeUrl);
    expect(authorize.pathname).toBe(`/${emu.tenantId}/oauth2/v2.0/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('login_hint')).toBe(SVC1);
    expect(walk.sawMfaPrompt).toBe(true);
    expect(walk.redirect!.searchParams.get('code')).toBeTruthy();
    expect(back.status).toBe(200);
    expect(back.text).toContain(`Service account ${SVC1} is signed in`);
    expect(stateOf(current, SVC1)).toMatchObject({ state: 'signed-in', detail: null });
    const me = (await current.delegated({ username: SVC1 }).api('/me').get()) as { userPrincipalName: string };
    expect(me.userPrincipalName).toBe(SVC1);
  });

  it('keeps the token cache encrypted in SQLite: no token, account name or client id in the clear', () => {
    const row = db.prepare('SELECT key_id, iv, tag, data FROM graph_token_cache').get() as { key_id: string; iv: Buffer; tag: Buffer; data: Buffer };
    expect(row.iv.length).toBe(12);
    expect(row.tag.length).toBe(16);
    const raw = row.data.toString('latin1');
    for (const clear of ['0.emu.', 'refresh', SVC1, emu.clientId, 'eyJ']) expect(raw).not.toContain(clear);
    // The right key opens it and it is msal's cache with the account's refresh token.
    const plain = JSON.parse(new TokenCacheCipher(key).open({ keyId: row.key_id, iv: row.iv, tag: row.tag, data: row.data })) as { RefreshToken: Record<string, unknown>; Account: Record<string, { username: string }> };
    expect(Object.keys(plain.RefreshToken).length).toBeGreaterThan(0);
    expect(Object.values(plain.Account).map((a) => a.username)).toContain(SVC1);
  });

  it('renews silently from the persisted cache after a restart (refresh-token grant, no sign-in)', async () => {
    const before = await current.delegatedToken({ username: SVC1 });
    const restarted = connect();
    current = restarted;
    expect(stateOf(restarted, SVC1).state).toBe('signed-in');
    const grantsBefore = (await c.control<{ routes: Record<string, Record<string, number>> }>('GET', 'stats')).routes['POST /:tenant/oauth2/v2.0/token']?.['200'] ?? 0;
    // As after a 401 from Graph: the cached access token is not reused.
    restarted.serviceAccountAuth!.invalidate(SVC1);
    // Three callers at once share one renewal: the (single-use) refresh token is redeemed once.
    const [renewed, second, third] = await Promise.all([1, 2, 3].map(() => restarted.delegatedToken({ username: SVC1 })));
    expect(new Set([renewed, second, third]).size).toBe(1);
    expect(renewed).not.toBe(before);
    const grantsAfter = (await c.control<{ routes: Record<string, Record<string, number>> }>('GET', 'stats')).routes['POST /:tenant/oauth2/v2.0/token']?.['200'] ?? 0;
    expect(grantsAfter).toBe(grantsBefore + 1);
    expect(stateOf(restarted, SVC1).renewedAt).not.toBeNull();
    const me = (await restarted.delegated({ username: SVC1 }).api('/me').get()) as { userPrincipalName: string };
    expect(me.userPrincipalName).toBe(SVC1);
  });

  it('a denied MFA prompt, another account, or a replayed callback never change a working sign-in', async () => {
    const denied = await signIn(current, SVC1, SVC1, 'deny');
    expect(denied.walk.redirect!.searchParams.get('error')).toBe('access_denied');
    expect(denied.back.status).toBe(400);
    expect(denied.back.text).toMatch(/AADSTS500121/);
    expect(stateOf(current, SVC1).state).toBe('signed-in');

    const wrong = await signIn(current, SVC2, SVC1);
    expect(wrong.back.status).toBe(400);
    expect(wrong.back.text).toContain(`signed in as ${SVC1}`);
    expect(stateOf(current, SVC2).state).toBe('never-signed-in');

    const ok = await signIn(current, SVC2);
    expect(ok.back.status).toBe(200);
    const replay = await followToCallback(ok.walk.redirect!);
    expect(replay.status).toBe(400);
    expect(replay.text).toMatch(/unknown or expired/);
    expect(stateOf(current, SVC2).state).toBe('signed-in');
  });

  it('sends the admin back to the page that started the sign-in, with the outcome', async () => {
    const start = await current.serviceAccountAuth!.beginSignIn(SVC2, 'http://127.0.0.1:9/admin?view=admin');
    const walk = await walkSignIn(c, start.authorizeUrl, { username: SVC2, password: DEMO_PASSWORD });
    const back = await followToCallback(walk.redirect!);
    expect(back.status).toBe(303);
    const to = new URL(back.location!);
    expect(`${to.origin}${to.pathname}`).toBe('http://127.0.0.1:9/admin');
    expect(to.searchParams.get('view')).toBe('admin');
    expect(to.searchParams.get('serviceAccountSignIn')).toBe('ok');
    expect(to.searchParams.get('serviceAccount')).toBe(SVC2);
    await expect(current.serviceAccountAuth!.beginSignIn(SVC2, 'javascript:alert(1)')).rejects.toThrow(/returnTo/);
    await expect(current.serviceAccountAuth!.beginSignIn('someone@contoso.example')).rejects.toThrow(/not a configured service account/);
  });

  it('asks for a new sign-in when the identity platform refuses the renewal, and a new sign-in restores it', async () => {
    await c.control('POST', 'tokens/revoke');
    current.serviceAccountAuth!.invalidate(SVC1);
    await expect(current.delegatedToken({ username: SVC1 })).rejects.toThrow(/needs a new sign-in.*AADSTS70008/);
    expect(stateOf(current, SVC1)).toMatchObject({ state: 'sign-in-required', detail: expect.stringMatching(/AADSTS70008/) });
    // Graph calls with this account now fail fast with the same reason, without another token request.
    await expect(current.delegated({ username: SVC1 }).api('/me').get()).rejects.toThrow(/needs a new sign-in/);
    const again = await signIn(current, SVC1);
    expect(again.back.status).toBe(200);
    expect(stateOf(current, SVC1).state).toBe('signed-in');
    await expect(current.delegatedToken({ username: SVC1 })).resolves.toMatch(/^ey/);
  });

  it('with another key the cache reads as sign-in required, and the stored row is kept for the right key', async () => {
    const rowBefore = db.prepare('SELECT data FROM graph_token_cache').get() as { data: Buffer };
    const other = connect(randomBytes(32));
    await expect(other.delegatedToken({ username: SVC1 })).rejects.toThrow(/different key/);
    expect(stateOf(other, SVC1)).toMatchObject({ state: 'sign-in-required', detail: expect.stringMatching(/different key/) });
    const rowAfter = db.prepare('SELECT data FROM graph_token_cache').get() as { data: Buffer };
    expect(rowAfter.data.equals(rowBefore.data)).toBe(true);
  });
});

describe('the emulator enforces the code flow as Microsoft does', () => {
  const redirect = (): string => `http://127.0.0.1:4567${SIGN_IN_CALLBACK_PATH}`;
  const authorizeQuery = (extra: Record<string, string> = {}): string => {
    const q = new URLSearchParams({ client_id: emu.clientId, response_type: 'code', redirect_uri: redirect(), scope: 'https://graph.microsoft.com/Presence.Read.All offline_access', state: 's1', ...extra });
    return `${emu.url}/${emu.tenantId}/oauth2/v2.0/authorize?${q}`;
  };
  const redeem = (code: string, verifier: string | null, redirectUri = redirect()) =>
    c.request('POST', `/${emu.tenantId}/oauth2/v2.0/token`, {
      form: { grant_type: 'authorization_code', client_id: emu.clientId, client_secret: emu.clientSecret, code, redirect_uri: redirectUri, ...(verifier ? { code_verifier: verifier } : {}) },
    });

  it('checks the PKCE verifier, redeems a code once, and binds it to its redirect URI', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const codeFor = async (): Promise<string> => {
      const walk = await walkSignIn(c, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }), { username: SVC2, password: DEMO_PASSWORD });
      expect(walk.redirect!.searchParams.get('state')).toBe('s1');
      return walk.redirect!.searchParams.get('code')!;
    };
    const code = await codeFor();
    const wrong = await redeem(code, randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(wrong.json().error_codes).toEqual([50148]);
    const missing = await redeem(await codeFor(), null);
    expect(missing.json().error_codes).toEqual([50148]);
    const elsewhere = await redeem(await codeFor(), verifier, `http://127.0.0.1:4567/other`);
    expect(elsewhere.json().error_codes).toEqual([50011]);
    expect(elsewhere.json().error_description).toMatch(/does not match the reply address .* provided when requesting Authorization code/);
    const good = await codeFor();
    const ok = await redeem(good, verifier);
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String), id_token: expect.any(String) });
    const reused = await redeem(good, verifier);
    expect(reused.json()).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('refuses unregistered redirect URIs on its own page, and answers prompt=none and a bad password as Microsoft does', async () => {
    const unregistered = await walkSignIn(c, authorizeQuery({ redirect_uri: 'https://attacker.example/cb' }), { username: SVC2, password: DEMO_PASSWORD });
    expect(unregistered.redirect).toBeNull();
    expect(unregistered.page!.status).toBe(400);
    expect(unregistered.page!.text).toMatch(/AADSTS50011/);
    const silent = await walkSignIn(c, authorizeQuery({ prompt: 'none' }), { username: SVC2, password: DEMO_PASSWORD });
    expect(silent.redirect!.searchParams.get('error')).toBe('login_required');
    expect(silent.redirect!.searchParams.get('error_description')).toMatch(/^AADSTS50058/);
    const badPassword = await walkSignIn(c, authorizeQuery(), { username: SVC2, password: 'nope' });
    expect(badPassword.redirect).toBeNull();
    expect(badPassword.page!.text).toMatch(/Your account or password is incorrect/);
  });
});

describe('configuration', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('accepts passwords only with the explicit ROPC opt-in', () => {
    const file = join(dir, 'accounts.json');
    const accounts = { graph: { serviceAccounts: [{ username: SVC1, password: 'p' }] } };
    writeFileSync(file, JSON.stringify(accounts));
    expect(problems({ TPC_CONFIG_FILE: file }).join('\n')).toMatch(/graph\.serviceAccounts\[0\]\.password: passwords are used only with graph\.serviceAccountAuth=password/);
    expect(problems({ TPC_CONFIG_FILE: file, TPC_GRAPH_SERVICE_ACCOUNT_AUTH: 'password' })).toEqual([]);
    expect(problems({ TPC_GRAPH_SERVICE_ACCOUNTS: SVC1, TPC_GRAPH_SERVICE_ACCOUNT_AUTH: 'password' }).join('\n')).toMatch(/serviceAccounts\[0\]\.password: required/);
  });

  it('reads service accounts and the cache key from the environment, and names a bad key', () => {
    const config = loadConfig({ TPC_GRAPH_SERVICE_ACCOUNTS: `${SVC1}, ${SVC2}`, TPC_GRAPH_TOKEN_CACHE_KEY: key.toString('base64') });
    expect(config.graph.serviceAccounts).toEqual([{ username: SVC1 }, { username: SVC2 }]);
    expect(config.graph.serviceAccountAuth).toBe('authorization-code');
    expect(problems({ TPC_GRAPH_TOKEN_CACHE_KEY: 'too-short' }).join('\n')).toMatch(/graph\.tokenCacheKey \(TPC_GRAPH_TOKEN_CACHE_KEY\): must be 32 random bytes/);
    const live = problems({ TPC_MODE: 'live', TPC_GRAPH_PRESENCE_MODE: 'subscribe', TPC_PUBLIC_URL: 'https://connector.example' }).join('\n');
    expect(live).toMatch(/graph\.serviceAccounts \(TPC_GRAPH_SERVICE_ACCOUNTS\): required for subscribe mode/);
    const noKey = problems({ TPC_MODE: 'live', TPC_GRAPH_PRESENCE_MODE: 'subscribe', TPC_PUBLIC_URL: 'https://connector.example', TPC_GRAPH_SERVICE_ACCOUNTS: SVC1 }).join('\n');
    expect(noKey).toMatch(/graph\.tokenCacheKey \(TPC_GRAPH_TOKEN_CACHE_KEY or _FILE\): required/);
  });
});

describe('token cache encryption at rest', () => {
  it('seals with a fresh IV each time and refuses a tampered blob or another key without returning plaintext', () => {
    const cipher = new TokenCacheCipher(key);
    const a = cipher.seal('{"RefreshToken":{"k":"secret-refresh-token"}}');
    const b = cipher.seal('{"RefreshToken":{"k":"secret-refresh-token"}}');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.data.equals(b.data)).toBe(false);
    expect(cipher.open(a)).toContain('secret-refresh-token');
    const tampered = { ...a, data: Buffer.from(a.data) };
    tampered.data[0] = tampered.data[0]! ^ 1;
    expect(() => cipher.open(tampered)).toThrow(TokenCacheKeyError);
    expect(() => cipher.open(tampered)).toThrow(/failed authentication/);
    expect(() => new TokenCacheCipher(randomBytes(32)).open(a)).toThrow(/different key/);
  });

  it('takes the key as base64 or hex of exactly 32 bytes', () => {
    expect(parseTokenCacheKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseTokenCacheKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseTokenCacheKey(key.toString('base64url')).equals(key)).toBe(true);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), randomBytes(48).toString('base64')]) {
      expect(() => parseTokenCacheKey(bad)).toThrow(/32 random bytes/);
    }
  });
});

