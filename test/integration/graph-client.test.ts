import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../server/config.js';
import { createGraphConnection } from '../../server/graph/graph-client.js';
import { createGraphSide } from '../../server/graph/index.js';
import { getPresencesByUserId } from '../../server/graph/presence-api.js';
import { silentLogger } from '../../server/logger.js';
import { systemClock, type PresenceEvent } from '../../server/ports.js';
import { startGraphTestbed, waitFor, type GraphTestbed } from './graph-harness.js';

describe('Graph connection (msal-node + Graph client) against the emulator over HTTPS', () => {
  let bed: GraphTestbed;
  beforeAll(async () => {
    bed = await startGraphTestbed({ userCount: 20, tokenLifetimeSec: 302 });
  });
  afterAll(async () => bed?.close());

  it('acquires an app token through msal, attaches it to Graph calls, and reports when it was acquired', async () => {
    expect(bed.connection.tokenAcquiredAt()).toBeNull();
    const before = Date.now();
    const presences = await getPresencesByUserId(bed.connection.app, bed.userIds(3));
    expect(presences.map((p) => p.id)).toEqual(bed.userIds(3));
    expect(presences[0]!.presence.availability).toBeTruthy();
    expect(bed.connection.tokenAcquiredAt()).toBeGreaterThanOrEqual(before);
    const tokenCalls = await bed.count(/oauth2\/v2\.0\/token/);
    expect(tokenCalls['200']).toBe(1);
    // Cached: a second call does not ask the token endpoint again.
    await getPresencesByUserId(bed.connection.app, bed.userIds(1));
    expect((await bed.count(/oauth2\/v2\.0\/token/))['200']).toBe(1);
  });

  it('renews the token when the cached one nears expiry', async () => {
    // 302 s lifetime: msal treats a token as expired 300 s early (whole seconds), so after 3 s it must fetch a new one.
    const first = bed.connection.tokenAcquiredAt()!;
    await new Promise((r) => setTimeout(r, 3_100));
    await getPresencesByUserId(bed.connection.app, bed.userIds(1));
    expect((await bed.count(/oauth2\/v2\.0\/token/))['200']).toBe(2);
    expect(bed.connection.tokenAcquiredAt()!).toBeGreaterThan(first);
  });

  it('gets a delegated token for a service account by password grant', async () => {
    const token = await bed.connection.delegatedToken({ username: 'presence-svc1@contoso.example', password: 'Passw0rd!' });
    expect(token.length).toBeGreaterThan(20);
    await expect(bed.connection.delegatedToken({ username: 'presence-svc1@contoso.example', password: 'wrong' })).rejects.toThrow();
  });

  it('never logs a token', async () => {
    const token = await bed.connection.appToken();
    expect(bed.logs()).not.toContain(token);
  });

  it('authenticates with a certificate credential (SHA-256 thumbprint + private key)', async () => {
    const pems = await generate([{ name: 'commonName', value: 'connector-app' }], { keySize: 2048, algorithm: 'sha256' });
    await bed.control.control('POST', 'app/certificates', { certificate: pems.cert });
    const connection = createGraphConnection({
      tenantId: bed.emu.tenantId,
      clientId: bed.emu.clientId,
      certificate: { certificatePem: pems.cert, privateKeyPem: pems.private },
      authorityHost: bed.emu.url,
      graphBaseUrl: bed.emu.url,
      caCertPem: bed.emu.caCertPem,
      clock: systemClock,
      logger: silentLogger,
    });
    try {
      expect(await getPresencesByUserId(connection.app, bed.userIds(2))).toHaveLength(2);
    } finally {
      connection.close();
    }
    const other = await generate([{ name: 'commonName', value: 'someone-else' }], { keySize: 2048, algorithm: 'sha256' });
    const impostor = createGraphConnection({
      tenantId: bed.emu.tenantId,
      clientId: bed.emu.clientId,
      certificate: { certificatePem: other.cert, privateKeyPem: other.private },
      authorityHost: bed.emu.url,
      graphBaseUrl: bed.emu.url,
      caCertPem: bed.emu.caCertPem,
      clock: systemClock,
      logger: silentLogger,
    });
    await expect(impostor.appToken()).rejects.toThrow();
    impostor.close();
  });

  it('assembles the poll-mode Graph side from configuration alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpc-graph-side-'));
    const caPath = join(dir, 'ca.pem');
    writeFileSync(caPath, bed.emu.caCertPem);
    const db = new Database(':memory:');
    const config = configSchema.parse({
      graph: { tenantId: bed.emu.tenantId, clientId: bed.emu.clientId, clientSecret: bed.emu.clientSecret, authorityHost: bed.emu.url, graphBaseUrl: bed.emu.url, caCertPath: caPath },
    }).graph;
    const side = createGraphSide(config, { db, clock: systemClock, logger: silentLogger });
    try {
      expect(side.webhookIntake).toBeUndefined();
      expect(side.admin.adminConsentUrl()).toContain(`/${bed.emu.tenantId}/adminconsent?client_id=${bed.emu.clientId}`);
      const events: PresenceEvent[] = [];
      side.presenceSource.watch(bed.userIds(5));
      await side.presenceSource.start((batch) => events.push(...batch));
      await waitFor(() => events.length === 5, 'five presences');
      expect(side.presenceSource.health()).toMatchObject({ mode: 'poll', lastError: null });
    } finally {
      await side.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
