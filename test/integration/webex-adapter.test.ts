import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WebexEmulator } from '../../emulators/webex-cc/index.js';
import type { WebexAdapter } from '../../server/contact-center/webex/webex-adapter.js';
import { AppError } from '../../server/errors.js';
import type { AgentEvent } from '../../server/ports.js';
import { startWebhookHarness, type WebhookHarness } from './webex-webhook-harness.js';

/**
 * The adapter against the Webex CC emulator on its documented defaults, over real HTTP: listings, commands, events
 * by signed webhook (sparse payloads, read back through activities), reconciliation. The connector acts with a
 * supervisor's credential; only `loopbackWebhooks` is on.
 */

let h: WebhookHarness;
let emu: WebexEmulator;
let adapter: WebexAdapter;
let events: AgentEvent[] = [];

const ctl = async (path: string, body: unknown = {}): Promise<Record<string, unknown>> => {
  const res = await fetch(`${emu.url}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`control ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
};
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
const stateEvents = (agentId: string) => events.filter((e): e is Extract<AgentEvent, { kind: 'state' }> => e.kind === 'state' && e.agentId === agentId);
const lastState = (agentId: string) => stateEvents(agentId).at(-1);
/** The sequence of states reported, with repeats of the same state folded (a webhook and its read-back may both report it). */
const stateRuns = (agentId: string) => stateEvents(agentId).map((e) => e.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
const code = (name: string) => emu.idleCodes().find((c) => c.name === name)!.id;
const agent = (n: number) => emu.agents()[n]!.id;

beforeAll(async () => {
  h = await startWebhookHarness();
  emu = h.emu;
  adapter = h.adapter;
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.events.length = 0;
  events = h.events;
});

describe('Webex CC adapter: configuration', () => {
  it('lists idle codes by name with system, inactive and default flags, and no wrap-up codes', async () => {
    const codes = await adapter.listIdleCodes();
    expect(codes).toHaveLength(emu.idleCodes().length);
    expect(codes.find((c) => c.name === 'Break')).toMatchObject({ isSystem: false, active: true, isDefault: true });
    expect(codes.find((c) => c.name === 'RONA')).toMatchObject({ isSystem: true });
    expect(codes.find((c) => c.name === 'Legacy Huddle')).toMatchObject({ active: false, isSystem: false });
    expect(codes.some((c) => c.name === 'Resolved')).toBe(false);
  });

  it('lists teams and agents with their team names', async () => {
    const teams = await adapter.listTeams();
    expect(teams.map((t) => t.name)).toEqual(expect.arrayContaining(['Billing', 'Tech Support']));
    const agents = await adapter.listAgents();
    expect(agents).toHaveLength(emu.agents().length);
    const first = emu.agents()[0]!;
    expect(agents.find((a) => a.id === first.id)).toMatchObject({ email: first.email, name: first.name, teamId: first.teamId, teamName: first.teamName });
  });

  it('knows the integration user and reports health', () => {
    expect(adapter.integrationUserId()).toBeTruthy();
    expect(adapter.health()).toMatchObject({ streamUp: true });
    expect(adapter.health().lastSuccessAt).not.toBeNull();
  });
});

describe('Webex CC adapter: state changes and their origin', () => {
  it('a state the connector set comes back with origin connector and the returned tracking id', async () => {
    const id = agent(0);
    const { trackingId } = await adapter.setState({ agentId: id, state: 'Idle', idleCodeId: code('Teams Call'), reason: `  Teams: In a call ${'x'.repeat(200)}` });
    const e = await waitFor('connector idle', () => stateEvents(id).find((x) => x.state === 'Idle'));
    expect(e).toMatchObject({ origin: 'connector', idleCodeId: code('Teams Call'), trackingId });
    expect(e.reason!.length).toBeLessThanOrEqual(128);
    // The connector's marker comes first, so truncation only ever cuts the human text.
    expect(e.reason).toMatch(/^tpc:[A-Za-z0-9_-]{20} Teams: In a call/);
    // A sparse 'available' delivery does not say who: the engine matches it to its command in flight (domain/ownership.ts).
    await adapter.setState({ agentId: id, state: 'Available', reason: 'Teams: Available' });
    await waitFor('available', () => stateEvents(id).find((x) => x.state === 'Available'));
  });

  // Webex documents no author for a change the connector did not make (only `AGENT` was ever observed, and not in
  // webhooks): a human's idle is of unknown origin, so the connector never releases it.
  it.each([
    ['agent', 'unknown'],
    ['supervisor', 'unknown'],
  ] as const)('a change made by the %s has origin %s', async (by, origin) => {
    const id = agent(1);
    await ctl(`/agents/${id}/state`, { state: 'Idle', idleCodeId: code('Lunch'), by });
    await waitFor(`${by} idle`, () => stateEvents(id).find((x) => x.state === 'Idle' && x.origin === origin && x.idleCodeId === code('Lunch')));
    await ctl(`/agents/${id}/state`, { state: 'Available', by });
    await waitFor(`${by} available`, () => stateEvents(id).find((x) => x.state === 'Available'));
  });

  it('a command accepted (202) and then refused by the contact center changes nothing and is never taken as applied', async () => {
    // Webhooks carry no failure frame: the engine's command timeout settles the command (sync.commandTimeoutMs).
    const id = agent(2);
    const before = (await (await fetch(`${emu.url}/_emulator/agents/${id}`)).json()) as { currentState: string; auxCodeId: string };
    const { trackingId } = await adapter.setState({ agentId: id, state: 'Idle', idleCodeId: code('Legacy Huddle'), reason: 'Teams: Busy' });
    expect(trackingId).toBeTruthy();
    await sleep(400);
    const after = (await (await fetch(`${emu.url}/_emulator/agents/${id}`)).json()) as { currentState: string; auxCodeId: string };
    expect({ state: after.currentState, code: after.auxCodeId }).toEqual({ state: before.currentState, code: before.auxCodeId });
    expect(stateEvents(id).filter((e) => e.idleCodeId === code('Legacy Huddle'))).toEqual([]);
  });

  it('refuses locally what can never succeed, with clear errors', async () => {
    await expect(adapter.setState({ agentId: agent(2), state: 'Idle', reason: 'x' })).rejects.toMatchObject({ code: 'invalid', field: 'idleCodeId' });
    await expect(adapter.setState({ agentId: agent(2), state: 'Idle', idleCodeId: code('RONA'), reason: 'x' })).rejects.toMatchObject({ code: 'invalid' });
    const err = await adapter.setState({ agentId: 'no-such-agent', state: 'Available', reason: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    // An agent outside the supervisor's teams (here: no agent at all) is refused by Webex (403); the command fails with the call named.
    expect(err).toMatchObject({ code: 'upstream' });
    expect((err as Error).message).toContain('set agent state');
  });
});

describe('Webex CC adapter: contacts and RONA', () => {
  it('contact assigned → Engaged, wrap-up → WrapUp, ended → Available', async () => {
    const id = agent(3);
    const offer = await ctl(`/agents/${id}/offer`, { conference: true });
    const contactId = offer.interactionId as string;
    await ctl(`/contacts/${contactId}/accept`);
    const engaged = await waitFor('engaged', () => stateEvents(id).find((x) => x.state === 'Engaged'));
    // The sparse webhook and the activity read back say the media type, not whether it is a conference.
    expect(engaged.contact).toMatchObject({ id: contactId, mediaType: 'telephony' });
    await ctl(`/contacts/${contactId}/wrapup`);
    await waitFor('wrap-up', () => stateEvents(id).find((x) => x.state === 'WrapUp'));
    await ctl(`/contacts/${contactId}/end`);
    const after = await waitFor('available', () => (lastState(id)?.state === 'Available' ? lastState(id) : undefined));
    expect(after.contact ?? null).toBeNull();
    await sleep(250);
    expect(stateRuns(id)).toEqual(['Engaged', 'WrapUp', 'Available']);
  });

  it('an idle code the agent chose during the contact is where the agent lands, with no Available in between', async () => {
    const id = agent(3);
    const contactId = (await ctl(`/agents/${id}/offer`)).interactionId as string;
    await ctl(`/contacts/${contactId}/accept`);
    await waitFor('engaged', () => stateEvents(id).find((x) => x.state === 'Engaged'));
    await ctl(`/agents/${id}/state`, { state: 'Idle', idleCodeId: code('Lunch'), by: 'agent' });
    await ctl(`/contacts/${contactId}/wrapup`);
    await waitFor('wrap-up', () => stateEvents(id).find((x) => x.state === 'WrapUp'));
    await ctl(`/contacts/${contactId}/end`);
    const idle = await waitFor('idle after contact', () => stateEvents(id).find((x) => x.state === 'Idle'));
    expect(idle).toMatchObject({ origin: 'unknown', idleCodeId: code('Lunch') });
    await sleep(250);
    expect(stateRuns(id)).toEqual(['Engaged', 'WrapUp', 'Idle']);
    await ctl(`/agents/${id}/state`, { state: 'Available' });
    await waitFor('available', () => (lastState(id)?.state === 'Available' ? true : undefined));
  });

  it('an offer that times out puts the agent in RONA with origin system', async () => {
    const id = agent(4);
    await ctl(`/agents/${id}/offer`, { ronaTimeoutSec: 0.1 });
    const rona = await waitFor('rona', () => stateEvents(id).find((x) => x.state === 'RONA'));
    expect(rona).toMatchObject({ origin: 'system', idleCodeId: code('RONA') });
    await sleep(50);
    expect(stateEvents(id).filter((e) => e.state === 'RONA')).toHaveLength(1);
    await ctl(`/agents/${id}/state`, { state: 'Available' });
    await waitFor('back to available', () => (lastState(id)?.state === 'Available' ? true : undefined));
  });

  it('logout is LoggedOut, and login brings the agent back', async () => {
    const id = agent(7);
    await ctl(`/agents/${id}/logout`, { by: 'supervisor' });
    await waitFor('logged out', () => stateEvents(id).find((x) => x.state === 'LoggedOut'));
    await ctl(`/agents/${id}/login`, { state: 'Available' });
    await waitFor('logged in', () => stateEvents(id).find((x) => x.state === 'Available'));
  });
});

describe('Webex CC adapter: delivery faults, reconciliation and tokens', () => {
  it('an event delivered twice is reported once', async () => {
    const id = agent(5);
    await ctl('/faults', { duplicateEvents: 1 });
    try {
      await ctl(`/agents/${id}/state`, { state: 'Idle', idleCodeId: code('Training') });
      await waitFor('idle', () => stateEvents(id).find((x) => x.state === 'Idle'));
      await sleep(100);
      expect(stateEvents(id)).toHaveLength(1);
    } finally {
      await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
    }
  });

  it('an older event delivered after a newer one changes nothing', async () => {
    const id = agent(6);
    await ctl('/faults', { reorderEvents: 1, reorderDelayMs: 300 });
    await ctl(`/agents/${id}/state`, { state: 'Idle', idleCodeId: code('Break') });
    await ctl('/faults', { reorderEvents: 0 });
    await sleep(5);
    await ctl(`/agents/${id}/state`, { state: 'Idle', idleCodeId: code('Meeting') });
    await waitFor('newer first', () => stateEvents(id).find((x) => x.idleCodeId === code('Meeting')));
    await sleep(400);
    // The newer code may be reported twice (delivery and read-back); the older one never.
    expect([...new Set(stateEvents(id).map((e) => e.idleCodeId))]).toEqual([code('Meeting')]);
    await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
  });

  it('snapshot gives every logged-in agent from the activities API and keeps known origins', async () => {
    const id = agent(0);
    await adapter.setState({ agentId: id, state: 'Idle', idleCodeId: code('Presenting'), reason: 'Teams: Presenting' });
    await waitFor('connector idle', () => stateEvents(id).find((x) => x.idleCodeId === code('Presenting')));
    await ctl(`/agents/${agent(7)}/logout`);
    await waitFor('logout', () => stateEvents(agent(7)).find((x) => x.state === 'LoggedOut'));
    const snap = await adapter.snapshot();
    const byId = new Map(snap.map((s) => [s.agentId, s]));
    // Logged out is an explicit record, never inferred from absence.
    expect(byId.get(agent(7))?.state).toBe('LoggedOut');
    expect(byId.get(id)).toMatchObject({ state: 'Idle', idleCodeId: code('Presenting'), origin: 'connector' });
    expect(byId.get(id)?.reason).toMatch(/^tpc:\S+ Teams: Presenting$/);
    for (const a of emu.agents().slice(0, 7)) expect(byId.has(a.id)).toBe(true);
    await ctl(`/agents/${agent(7)}/login`, { state: 'Available' });
  });

  it('verifies an agent desktop token and rejects a bad one', async () => {
    const id = agent(2);
    expect(await adapter.verifyAgentToken(emu.agentToken(id))).toBe(id);
    expect(await adapter.verifyAgentToken('wxcc-agent.forged.token')).toBeNull();
  });
});
