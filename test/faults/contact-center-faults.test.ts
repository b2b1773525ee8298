import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../bench/processes.js';
import { auditProblems, startRig, type Rig } from './fault-rig.js';

/**
 * The contact center misbehaves, on its documented defaults (webhooks, a supervisor credential, 300/min): its REST
 * API answers 5xx for a while, webhooks are lost while the connector is down and after it is back. The connector
 * retries failed commands, reconciles, and ends with every agent where Teams says and every command with a final result.
 */

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ agents: 3, webexHttp: { retries: 2, baseDelayMs: 50, maxDelayMs: 200 } });
}, 30_000);
afterAll(async () => {
  await rig?.close();
});

describe('fault: contact-center 5xx and lost webhooks', () => {
  it('retries commands refused with 503 and applies them once the contact center recovers', async () => {
    await rig.webexCtl('POST', '/_emulator/faults', { failRate: 1, status: 503 });
    await rig.callStart(0);
    await rig.callStart(1);
    await waitFor('a failed command in the audit trail', () => rig.audit().some((e) => e.result === 'failed'), 10_000, 50);
    await sleep(500);
    await rig.webexCtl('DELETE', '/_emulator/faults');
    await rig.converged(new Set([0, 1]), 20_000);
    expect(rig.connector.services.status().health.lastCcSuccessAt).toBeGreaterThan(0);
  }, 40_000);

  it('a connector that was down while webhooks went undelivered comes back, re-registers and reconciles what happened meanwhile', async () => {
    await rig.stopConnector();
    // While the receiver is gone Teams changes and agent 2 handles a whole contact; every delivery about it fails.
    await rig.callEnd(0);
    await rig.callStart(2);
    const offer = (await rig.webexCtl('POST', `/_emulator/agents/${rig.agentIds[2]}/offer`)).body as { interactionId: string };
    await rig.webexCtl('POST', `/_emulator/contacts/${offer.interactionId}/accept`);
    await rig.webexCtl('POST', `/_emulator/contacts/${offer.interactionId}/end`);
    // Down long enough for Webex to give up its retries (200 ms, then 1 s).
    await sleep(1_600);
    await rig.startConnector();
    await waitFor('event path up', () => rig.connector.services.status().health.ccEventStreamUp, 10_000, 20);
    await rig.converged(new Set([1, 2]), 20_000);
    // Webex did try to deliver while the connector was down (the emulator counts failed deliveries).
    expect(((await rig.webexCtl('GET', '/_emulator/stats')).body as { webhooksFailed: number }).webhooksFailed).toBeGreaterThan(0);
  }, 40_000);

  it('recovers lost events through periodic reconciliation', async () => {
    await rig.webexCtl('POST', '/_emulator/faults', { dropEvents: 1 });
    await rig.callEnd(1);
    await rig.callEnd(2);
    await sleep(800);
    await rig.webexCtl('DELETE', '/_emulator/faults');
    await rig.converged(new Set(), 20_000);
    expect(auditProblems(rig.audit(), rig.agentIds, new Set())).toEqual([]);
  }, 40_000);
});
