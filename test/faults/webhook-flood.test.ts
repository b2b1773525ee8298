import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../bench/processes.js';
import { auditProblems, startRig, type Rig } from './fault-rig.js';

/**
 * Subscribe mode under a webhook flood: malformed bodies, wrong content types, oversized bodies, unusable
 * validation tokens and forged notifications (unknown clientState, garbage encrypted content) arrive while real
 * Teams changes are delivered. Every bad request gets a 4xx (forged but well-formed ones a silent 202), the
 * connector keeps running, the real changes are applied and the forged ones change nothing.
 */

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ agents: 3, subscribe: true });
  await waitFor('presence subscriptions', () => (rig.connector.services.status().health.subscriptions ?? 0) >= 1, 15_000, 50);
}, 40_000);
afterAll(async () => {
  await rig?.close();
});

const post = async (path: string, body: string, contentType = 'application/json'): Promise<number> => {
  const res = await fetch(`${rig.connector.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  await res.arrayBuffer();
  return res.status;
};

describe('fault: webhook flood with malformed and forged notifications', () => {
  it('drops every malformed Graph body with a 202 (a bad handshake is a 400), applies the real changes and ignores the forged ones', async () => {
    await rig.callStart(0);
    await rig.converged(new Set([0]));

    const subs = (await rig.graphCtl('GET', '/_emulator/subscriptions')).body.value as { id: string }[];
    const subscriptionId = subs[0]!.id;
    const forged = JSON.stringify({
      value: [
        {
          subscriptionId,
          clientState: 'guessed-client-state',
          changeType: 'updated',
          resource: `communications/presences('${rig.teamsIds[2]}')`,
          resourceData: { id: rig.teamsIds[2] },
          encryptedContent: { data: 'AAAA', dataSignature: 'AAAA', dataKey: 'AAAA' },
        },
      ],
    });
    const bad: [string, string, string][] = [
      ['/webhooks/graph/notifications', '{"value":[', 'application/json'],
      ['/webhooks/graph/notifications', '{"value":"not a list"}', 'application/json'],
      ['/webhooks/graph/notifications', '{"value":[{"clientState":"x"}]}', 'application/json'],
      ['/webhooks/graph/notifications', 'value=1', 'application/x-www-form-urlencoded'],
      ['/webhooks/graph/lifecycle', '[]', 'application/json'],
      ['/webhooks/graph/notifications?validationToken=', '', 'text/plain'],
      ['/webhooks/graph/notifications', JSON.stringify({ value: [{ subscriptionId: 'x', pad: 'x'.repeat(1_100_000) }] }), 'application/json'],
    ];

    const statuses: { kind: string; status: number }[] = [];
    const flood = (async () => {
      for (let round = 0; round < 20; round++) {
        const batch = [
          ...bad.map(([path, body, type]) => post(path, body, type).then((status) => statuses.push({ kind: 'bad', status }))),
          ...Array.from({ length: 5 }, () => post('/webhooks/graph/notifications', forged).then((status) => statuses.push({ kind: 'forged', status }))),
        ];
        await Promise.all(batch);
      }
    })();
    await rig.callEnd(0);
    await rig.callStart(1);
    await flood;

    // Malformed bodies are dropped with 202 (Graph retries anything else for hours); only the unusable handshake is a 400.
    expect(statuses.filter((s) => s.kind === 'bad').every((s) => s.status === 202 || s.status === 400)).toBe(true);
    expect(statuses.filter((s) => s.kind === 'bad' && s.status === 400)).toHaveLength(20);
    expect(statuses.filter((s) => s.kind === 'forged').every((s) => s.status === 202)).toBe(true);
    expect(statuses).toHaveLength(20 * (bad.length + 5));
    expect((await fetch(`${rig.connector.url}/api/openapi.json`)).status).toBe(200);

    await rig.converged(new Set([1]), 20_000);
    expect(rig.audit().filter((e) => e.agentId === rig.agentIds[2] && e.action === 'set-idle')).toEqual([]);

    await rig.callEnd(1);
    await rig.converged(new Set(), 20_000);
    expect(auditProblems(rig.audit(), rig.agentIds, new Set())).toEqual([]);
  }, 50_000);
});
