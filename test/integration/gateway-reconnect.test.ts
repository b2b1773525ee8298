import { afterEach, describe, expect, it } from 'vitest';
import type { AgentView } from '../../server/gateway/contract.js';
import { AGENTS, IDLE_CODES, codeId, startHarness, type Harness } from '../fakes/core-harness.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeContactCenter } from '../fakes/fake-contact-center.js';
import { ask, connectSocket, sleep, viewRecorder, type ClientSocket } from './gateway-helpers.js';

const TEAMS = [
  { id: 'team-a', name: 'Billing' },
  { id: 'team-b', name: 'Tech Support' },
];

let harnesses: Harness[] = [];
let sockets: ClientSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const h of harnesses.splice(0)) await h.connector.close().catch(() => undefined);
});

/** Waits for the socket to reconnect and asks for the view, as the widget does on every (re)connect. */
function onReconnectView(socket: ClientSocket, timeoutMs = 8000): Promise<AgentView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not reconnect')), timeoutMs);
    socket.io.once('reconnect', () => {
      ask<AgentView>(socket, 'agent:get')
        .then((res) => {
          clearTimeout(timer);
          if (res.ok) resolve(res.data);
          else reject(new Error(res.error.message));
        })
        .catch(reject);
    });
  });
}

describe('gateway reconnect after a server restart on the same database', () => {
  it('resumes with the current view, not the one from before the restart, and keeps receiving pushes', async () => {
    const clock = new FakeClock();
    const first = await startHarness({ clock });
    harnesses.push(first);
    const port = Number(new URL(first.connector.url).port);

    const { socket, error } = await connectSocket(first.connector.url, first.keys.agent1, { reconnection: true });
    sockets.push(socket);
    expect(error).toBeNull();
    const rec = viewRecorder(socket);
    const idle = rec.next((v) => v.state === 'Idle' && v.setByConnector);
    first.presence.emit('tu-1', { availability: 'Busy', activity: 'InACall' });
    expect(await idle).toMatchObject({ idleCodeName: 'Teams Call' });

    const disconnected = new Promise<void>((r) => socket.once('disconnect', () => r()));
    await first.connector.close();
    harnesses = [];
    await disconnected;

    // While the connector was down the agent chose Lunch in the contact center; the restarted connector must show
    // that, not the Teams Call idle its widget last saw.
    const cc = new FakeContactCenter(clock, AGENTS, TEAMS, IDLE_CODES, { 'desk-token-1': 'agent-1' });
    cc.states.set('agent-1', { agentId: 'agent-1', state: 'Idle', idleCodeId: codeId('Lunch'), origin: 'agent', changedAt: clock.now() });
    const resumed = onReconnectView(socket);
    const second = await startHarness({ clock, cc, dbPath: first.dbPath, keys: first.keys, port });
    harnesses.push(second);
    const view = await resumed;
    expect(view).toMatchObject({ agentId: 'agent-1', state: 'Idle', idleCodeName: 'Lunch', setByConnector: false });

    // The room is joined again: later changes are pushed to the same socket.
    const back = rec.next((v) => v.state === 'Available');
    second.cc.humanSets('agent-1', { state: 'Available', origin: 'agent' });
    expect(await back).toMatchObject({ agentId: 'agent-1', state: 'Available' });
  });

  it('a connector-held idle survives the restart and the reconnected view still says the connector set it', async () => {
    const clock = new FakeClock();
    const first = await startHarness({ clock });
    harnesses.push(first);
    const port = Number(new URL(first.connector.url).port);
    const { socket } = await connectSocket(first.connector.url, first.keys.agent2, { reconnection: true });
    sockets.push(socket);
    const rec = viewRecorder(socket);
    const idle = rec.next((v) => v.state === 'Idle' && v.setByConnector);
    first.presence.emit('tu-2', { availability: 'DoNotDisturb', activity: 'Presenting' });
    await idle;
    const snapshot = first.cc.states.get('agent-2')!;

    const disconnected = new Promise<void>((r) => socket.once('disconnect', () => r()));
    await first.connector.close();
    harnesses = [];
    await disconnected;

    const cc = new FakeContactCenter(clock, AGENTS, TEAMS, IDLE_CODES);
    cc.states.set('agent-2', snapshot);
    const resumed = onReconnectView(socket);
    const second = await startHarness({ clock, cc, dbPath: first.dbPath, keys: first.keys, port });
    harnesses.push(second);
    const view = await resumed;
    expect(view).toMatchObject({ agentId: 'agent-2', state: 'Idle', idleCodeName: 'Presenting', setByConnector: true });
    await sleep(20);
  });
});
