import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebexEmulator } from '../../emulators/webex-cc/index.js';
import { createWebexAdapter, type WebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import type { AgentEvent } from '../../server/ports.js';
import { HARNESS_SECRET as SECRET, startWebhookHarness, type WebhookHarness } from './webex-webhook-harness.js';

/**
 * Webhook delivery: the emulator signs and POSTs `agent:*` events to a real Express server on loopback. Documented
 * defaults; loopback delivery is the one flag a loopback receiver needs. Payloads are sparse: the origin of an idle
 * comes from the reason text read back through activities.
 */

let h: WebhookHarness;
let emu: WebexEmulator;
let adapter: WebexAdapter;
let hookUrl = '';
let events: AgentEvent[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.slice(-6))}`);
    await sleep(10);
  }
}
const ctl = (path: string, body: unknown = {}) =>
  fetch(`${emu.url}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const stateEvents = (agentId: string) => events.filter((e): e is Extract<AgentEvent, { kind: 'state' }> => e.kind === 'state' && e.agentId === agentId);
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
const post = (body: string, signature?: string) =>
  fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-webex-signature': signature } : {}) }, body });

beforeAll(async () => {
  h = await startWebhookHarness({ adapter: { http: {} } });
  ({ emu, adapter, hookUrl, events } = h);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  events.length = 0;
});

describe('Webex CC webhooks', () => {
  it('registers the subscription and reports the event path up', () => {
    expect(adapter.health().streamUp).toBe(true);
  });

  it("signed agent:state_change deliveries become agent events; only the connector's marker makes one its own", async () => {
    const id = emu.agents()[0]!.id;
    const lunch = emu.idleCodes().find((c) => c.name === 'Lunch')!.id;
    await ctl(`/agents/${id}/state`, { state: 'Idle', idleCodeId: lunch, by: 'supervisor' });
    await waitFor('supervisor idle', () => stateEvents(id).find((e) => e.state === 'Idle' && e.origin === 'unknown' && e.idleCodeId === lunch));
    await adapter.setState({ agentId: id, state: 'Idle', idleCodeId: emu.idleCodes().find((c) => c.name === 'Teams Call')!.id, reason: 'Teams: In a call' });
    await waitFor('connector idle', () => stateEvents(id).find((e) => e.state === 'Idle' && e.origin === 'connector'));
    const { trackingId } = await adapter.setState({ agentId: id, state: 'Available', reason: 'Teams: Available' });
    expect(trackingId).toBeTruthy();
    // A sparse 'available' delivery does not say who: the engine matches it to its command in flight (domain/ownership.ts).
    await waitFor('available', () => stateEvents(id).find((e) => e.state === 'Available'));
  });

  it('registration is idempotent: restarts reuse the subscription by name and a duplicate left behind is removed', async () => {
    const subs = async () => {
      const res = await fetch(`${emu.url}/v1/subscriptions`, { headers: { authorization: `Bearer ${emu.integrationToken}` } });
      return ((await res.json()) as { data: { id: string; name: string; destinationUrl: string }[] }).data.filter((x) => x.name === 'teams-presence-connector');
    };
    expect(await subs()).toHaveLength(1);
    // A duplicate with the same name (an older version created one per start).
    const dup = await fetch(`${emu.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'teams-presence-connector', eventTypes: ['agent:state_change'], destinationUrl: hookUrl, secret: SECRET }),
    });
    expect(dup.status).toBe(201);
    expect(await subs()).toHaveLength(2);
    for (let restart = 0; restart < 3; restart++) {
      const again = createWebexAdapter({ baseUrl: emu.url, identityBaseUrl: emu.identityUrl, orgId: emu.orgId, accessToken: emu.supervisorToken, admin: { accessToken: emu.integrationToken }, events: 'webhook', webhook: { destinationUrl: hookUrl, secret: SECRET } });
      await again.start(() => undefined);
      expect(again.health().streamUp).toBe(true);
      await again.stop();
    }
    const left = await subs();
    expect(left).toHaveLength(1);
    expect(left[0]!.destinationUrl).toBe(hookUrl);
  });

  it('a contact arrives as Engaged and its end as Available', async () => {
    const id = emu.agents()[1]!.id;
    const offer = (await (await ctl(`/agents/${id}/offer`)).json()) as { interactionId: string };
    await ctl(`/contacts/${offer.interactionId}/accept`);
    await waitFor('engaged', () => stateEvents(id).find((e) => e.state === 'Engaged' && e.contact?.id === offer.interactionId));
    await ctl(`/contacts/${offer.interactionId}/end`);
    await waitFor('available', () => stateEvents(id).find((e) => e.state === 'Available'));
  });

  it('a duplicated delivery is reported once', async () => {
    const id = emu.agents()[2]!.id;
    await ctl('/faults', { duplicateEvents: 1 });
    try {
      await ctl(`/agents/${id}/state`, { state: 'Idle' });
      await waitFor('idle', () => stateEvents(id).find((e) => e.state === 'Idle'));
      await sleep(150);
      expect(stateEvents(id)).toHaveLength(1);
    } finally {
      await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });

  it('accepts a correctly signed POST and refuses forged, unsigned or malformed ones', async () => {
    const agentId = emu.agents()[3]!.id;
    const body = JSON.stringify({ id: 'evt-1', specVersion: '1.0', type: 'agent:state_change', source: 'wxcc', data: { agentId, currentState: 'idle', idleCode: emu.idleCodes()[0]!.id, reason: 'Break', changedBy: 'AGENT', createdTime: Date.now() } });
    const forged = await post(body, sign(body, 'not-the-secret'));
    expect(forged.status).toBe(401);
    expect((await post(body)).status).toBe(401);
    const tampered = await post(body.replace('AGENT', 'SUPERVISOR'), sign(body));
    expect(tampered.status).toBe(401);
    expect(stateEvents(agentId)).toHaveLength(0);

    const ok = await post(body, sign(body));
    expect(ok.status).toBe(202);
    expect(stateEvents(agentId)).toMatchObject([{ state: 'Idle', origin: 'agent' }]);

    const notJson = '{"type":';
    expect((await post(notJson, sign(notJson))).status).toBe(400);
    const noType = JSON.stringify({ data: {} });
    expect((await post(noType, sign(noType))).status).toBe(400);
  });
});
