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

  it('keeps connector-held agents released for as long as presence stays stale', async () => {
    await rig.callStart(2);
    await rig.converged(new Set([2]));
    await rig.graphCtl('POST', '/_emulator/faults', { tokenFailure: 400 });
    const released = (): boolean => rig.audit().some((e) => e.agentId === rig.agentIds[2] && e.reason === 'stale-presence-released' && e.result === 'confirmed');
    await waitFor('released on stale presence', released, 15_000, 50);
    const releasedAt = Date.now();
    // Several reconcile and monitor rounds later the agent is still Available: stale presence is no presence.
    await new Promise((r) => setTimeout(r, 3_000));
    await rig.converged(new Set(), 2_000);
    const idledAgain = rig.audit().filter((e) => e.agentId === rig.agentIds[2] && e.action === 'set-idle' && e.at > releasedAt);
    expect(idledAgain).toEqual([]);
    await rig.graphCtl('DELETE', '/_emulator/faults');
    await rig.converged(new Set([2]), 20_000);
    await rig.callEnd(2);
    await rig.converged(new Set(), 15_000);
  }, 50_000);

  it('acquires a new token when Graph answers 401 for a revoked token', async () => {
    // Tokens live 60 s here; revoking them makes Graph answer 401 long before they expire.
    await rig.graphCtl('POST', '/_emulator/tokens/revoke', {});
    await rig.callStart(0);
    await rig.converged(new Set([0]), 10_000);
    await rig.callEnd(0);
    await rig.converged(new Set(), 15_000);
    expect(auditProblems(rig.audit(), rig.agentIds, new Set())).toEqual([]);
  }, 40_000);
});
