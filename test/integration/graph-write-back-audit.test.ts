import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUsers } from '../../emulators/graph/index.js';
import { GraphPresenceWriter } from '../../server/graph/graph-writer.js';
import { systemClock } from '../../server/ports.js';
import { WriteBackService } from '../../server/services/write-back-service.js';
import { AuditStore } from '../../server/store/audit-store.js';
import { openDatabase } from '../../server/store/db.js';
import { startGraphTestbed, waitFor, type GraphTestbed } from './graph-harness.js';

/** Every Teams write-back is in the agent's audit trail with its result, like contact-center commands. */
describe('write-back audit', () => {
  let bed: GraphTestbed;
  let dir: string;
  let audit: AuditStore;
  let close: () => void;
  const seeds = demoUsers(20);

  beforeAll(async () => {
    bed = await startGraphTestbed({ users: seeds });
    dir = mkdtempSync(join(tmpdir(), 'tpc-wb-audit-'));
    const db = openDatabase(join(dir, 'audit.db'));
    audit = new AuditStore(db);
    close = () => db.close();
  });
  afterAll(async () => {
    close?.();
    await bed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records setPresence, each renewal and clearPresence as confirmed entries of the agent', async () => {
    const user = seeds[2]!.id!;
    const svc = new WriteBackService({ writer: new GraphPresenceWriter(bed.connection.app, bed.emu.clientId), clock: systemClock, logger: bed.logger, echoWindowMs: 30_000, renewEveryMs: 150 });
    svc.useAudit(audit);
    const agent = { agentId: 'agent-7', teamsUserId: user, mode: 'both' as const };
    svc.onAgentState(agent, { agentId: 'agent-7', state: 'Engaged', origin: 'system', changedAt: 0, contact: { id: 'c', mediaType: 'telephony', conference: true } });
    await waitFor(() => audit.query({ agentId: 'agent-7', action: 'teams-renew-presence', limit: 10 }).some((e) => e.result === 'confirmed'), 'a confirmed renewal');
    svc.onAgentState(agent, { agentId: 'agent-7', state: 'Available', origin: 'agent', changedAt: 1, contact: null });
    await waitFor(() => audit.query({ agentId: 'agent-7', action: 'teams-clear-presence', limit: 10 }).some((e) => e.result === 'confirmed'), 'a confirmed clear');
    await svc.stop();
    const history = audit.query({ agentId: 'agent-7', limit: 100 }).reverse();
    expect(history[0]).toMatchObject({ action: 'teams-set-presence', trigger: 'write-back', result: 'confirmed', command: { api: 'setPresence', availability: 'Busy', activity: 'InAConferenceCall', expirationDuration: 'PT5M' } });
    expect(history[0]!.text).toContain('In a conference call');
    expect(history.at(-1)).toMatchObject({ action: 'teams-clear-presence', result: 'confirmed' });
    expect(history.every((e) => e.result === 'confirmed' && e.resultAt !== null)).toBe(true);
    expect(audit.query({ agentId: 'someone-else', limit: 10 })).toHaveLength(0);
  });

  it('records a refused write as failed with Graph’s reason, and the retry as a new entry', async () => {
    const user = seeds[3]!.id!;
    await bed.control.control('POST', 'faults', { failRate: 1, status: 503, paths: 'setPresence' });
    const svc = new WriteBackService({ writer: new GraphPresenceWriter(bed.connection.app, bed.emu.clientId), clock: systemClock, logger: bed.logger, echoWindowMs: 30_000, maxBackoffMs: 100 });
    svc.useAudit(audit);
    svc.onAgentState({ agentId: 'agent-8', teamsUserId: user, mode: 'both' }, { agentId: 'agent-8', state: 'Engaged', origin: 'system', changedAt: 0, contact: { id: 'c', mediaType: 'telephony', conference: false } });
    await waitFor(() => audit.query({ agentId: 'agent-8', result: 'failed', limit: 10 }).length >= 1, 'a failed entry');
    await bed.control.control('DELETE', 'faults');
    await waitFor(() => audit.query({ agentId: 'agent-8', result: 'confirmed', limit: 10 }).length >= 1, 'the retry confirmed');
    await svc.stop();
    const failed = audit.query({ agentId: 'agent-8', result: 'failed', limit: 10 })[0]!;
    expect(failed).toMatchObject({ action: 'teams-set-presence' });
    expect(failed.resultDetail).toMatch(/503|unavailable/i);
  });
});
