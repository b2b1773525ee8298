import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../bench/processes.js';
import { auditProblems, startRig, type Rig } from './fault-rig.js';

/**
 * The identity platform fails (token endpoint 400 — a 5xx makes msal-node itself hold requests back for 60 s; tokens live shorter than msal's renewal margin, so every
 * Graph call needs a fresh one): presence becomes unreadable,
 * and after the short stale limit agents held idle by the connector are released (fail open). When tokens
 * are issued again the connector reads presence again and syncs by itself.
 */

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ agents: 3, tokenLifetimeSec: 60, config: { 'sync.stalePresenceMs': 1_500, 'sync.releaseOnStale': true } });
}, 30_000);
afterAll(async () => {
  await rig?.close();
});

describe('fault: token endpoint failure', () => {
  it('releases connector-held agents when presence goes stale, and resumes when tokens work again', async () => {
    await rig.callStart(0);
    await rig.callStart(1);
    await rig.converged(new Set([0, 1]));

    await rig.graphCtl('POST', '/_emulator/faults', { tokenFailure: 400 });
    // Fail open: both agents are still in Teams calls, but presence can no longer be read.
    const releasedBoth = (): boolean => {
      const released = rig.audit().filter((e) => e.trigger === 'stale-presence' && e.reason === 'stale-presence-released' && e.result === 'confirmed');
      return [0, 1].every((i) => released.some((e) => e.agentId === rig.agentIds[i]));
    };
    await waitFor('connector-held agents released on stale presence', releasedBoth, 15_000, 50);
    const stale = rig.connector.services.status();
    expect(stale.health.presenceStale).toBe(true);
    expect(stale.health.lastGraphError).toMatch(/AADSTS/);

    await rig.graphCtl('DELETE', '/_emulator/faults');
    await rig.converged(new Set([0, 1]), 20_000);
    await waitFor('presence fresh again', () => rig.connector.services.status().health.presenceStale === false, 5_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(rig.connector.services.status().health)}`);
    });

    await rig.callEnd(0);
    await rig.callEnd(1);
    await rig.converged(new Set(), 15_000);
    expect(auditProblems(rig.audit(), rig.agentIds, new Set())).toEqual([]);
  }, 50_000);

  // Known gap: after the stale release is confirmed, the 'command-result' re-evaluation decides on the last
  // (stale) presence and sets the agent idle again; decide() only honours staleness for the 'stale-presence'
  // trigger. Until that is fixed the agent does not stay released while presence is unreadable.
  it.todo('keeps connector-held agents released for as long as presence stays stale');

  // Known gap: a 401 from Graph (token revoked before it expires) does not make the connector drop msal's cached
  // token, so presence stays unreadable until the token's natural expiry.
  it.todo('acquires a new token when Graph answers 401 for a revoked token');
});
