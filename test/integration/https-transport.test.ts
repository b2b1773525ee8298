import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../emulators/graph/index.js';
import { createHttpsTransport } from '../../server/graph/https-transport.js';

/**
 * The Microsoft transport trusts the public roots plus, when configured, one extra CA (the emulator's): a server
 * signed by that CA is reached, and without it, or with another CA, the same server is refused.
 */
let emu: GraphEmulator;
let other: GraphEmulator;

beforeAll(async () => {
  [emu, other] = await Promise.all([startGraphEmulator({ quiet: true }), startGraphEmulator({ quiet: true })]);
});
afterAll(async () => {
  await Promise.all([emu?.close(), other?.close()]);
});

const metadata = (e: GraphEmulator): string => `${e.url}/${e.tenantId}/v2.0/.well-known/openid-configuration`;

describe('HTTPS transport trust', () => {
  it('reaches a server signed by the configured CA, on every request of a kept-alive pool', async () => {
    const t = createHttpsTransport({ caCertPem: emu.caCertPem });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await t.request(metadata(emu), { method: 'GET' });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body)).toHaveProperty('token_endpoint');
      }
    } finally {
      t.close();
    }
  });

  it('refuses the same server without that CA, or with another one', async () => {
    expect(emu.caCertPem).not.toBe(other.caCertPem);
    const bare = createHttpsTransport();
    const wrong = createHttpsTransport({ caCertPem: other.caCertPem });
    try {
      await expect(bare.request(metadata(emu), { method: 'GET' })).rejects.toThrow(/certificate/i);
      await expect(wrong.request(metadata(emu), { method: 'GET' })).rejects.toThrow(/certificate/i);
    } finally {
      bare.close();
      wrong.close();
    }
  });
});
