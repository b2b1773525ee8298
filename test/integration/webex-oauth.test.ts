import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../bench/processes.js';
import { startWebexRig, type WebexRig } from './webex-rig.js';

/**
 * The connector's supervisor credential is an OAuth refresh token: access tokens that expire (here after 2 s) are
 * renewed through the identity origin before they run out and after a 401, so the connector keeps acting on
 * agents long past the first token's life.
 */

let rig: WebexRig;

beforeAll(async () => {
  rig = await startWebexRig({ agents: 2, accessTokenLifetimeSec: 2 });
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

describe('Webex OAuth credential', () => {
  it('keeps working across several access-token lifetimes', async () => {
    const first = rig.connector.services.status().contactCenter?.tokenExpiresAt ?? 0;
    expect(first).toBeGreaterThan(0);
    for (let round = 0; round < 3; round++) {
      await rig.callStart(round % 2);
      await rig.converged(new Set([round % 2]), 20_000, [0, 1]);
      await sleep(2_200);
      await rig.callEnd(round % 2);
      await rig.converged(new Set(), 20_000, [0, 1]);
    }
    const status = rig.connector.services.status().contactCenter!;
    expect(status.tokenKind).toBe('oauth');
    expect(status.tokenExpiresAt).toBeGreaterThan(first);
    expect(status.credentialError).toBeNull();
  }, 90_000);
});
