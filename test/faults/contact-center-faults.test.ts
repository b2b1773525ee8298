import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../bench/processes.js';
import { auditProblems, startRig, type Rig } from './fault-rig.js';

/**
 * The contact center misbehaves: its REST API answers 5xx for a while, its event stream drops and refuses to
 * reconnect, events are lost. The connector retries failed commands, reconnects, reconciles, and ends with
 * every agent where Teams says and every command with a final result.
 */

let rig: Rig;
beforeAll(async () => {
  // The event-stream faults below are faults of the notification socket, so this suite runs the socket path.
  rig = await startRig({ agents: 3, events: 'websocket', webexHttp: { retries: 2, baseDelayMs: 50, maxDelayMs: 200 } });
}, 30_000);
afterAll(async () => {
  await rig?.close();
});

describe('fault: contact-center 5xx and a dropped event stream', () => {
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

  it('reconnects a dropped, refused event stream and reconciles what happened meanwhile', async () => {
    await rig.webexCtl('POST', '/_emulator/faults', { refuseSockets: true, closeSockets: true });
    await waitFor('stream down', () => !rig.connector.services.status().health.ccEventStreamUp, 5_000, 20);
    await rig.callEnd(0);
    await rig.callStart(2);
    await sleep(1_000);
    await rig.webexCtl('POST', '/_emulator/faults', { refuseSockets: false });
    await waitFor('stream up', () => rig.connector.services.status().health.ccEventStreamUp, 10_000, 20);
    await rig.converged(new Set([1, 2]), 20_000);
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
