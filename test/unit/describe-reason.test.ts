import { describe, expect, it } from 'vitest';
import type { Decision } from '../../server/domain/decide.js';
import { decisionReason, noticeReason } from '../../server/domain/describe.js';
import { AuditStore } from '../../server/store/audit-store.js';
import { openDatabase } from '../../server/store/db.js';

const names: Record<string, string> = { ic1: 'Teams Call', ic2: 'Meeting' };
const idleCodeName = (id: string): string => names[id] ?? id;

describe('decisionReason', () => {
  it.each<[Decision, { code: string; params: Record<string, string | number> }]>([
    [{ action: 'set-idle', reason: 'presence-busy', idleCodeId: 'ic1', teamsState: 'InACall' }, { code: 'set-idle.presence-busy', params: { teamsState: 'InACall', idleCode: 'Teams Call' } }],
    [{ action: 'hold-pending', reason: 'agent-engaged', idleCodeId: 'ic2', teamsState: 'InAMeeting' }, { code: 'hold-pending.agent-engaged', params: { teamsState: 'InAMeeting', idleCode: 'Meeting' } }],
    [{ action: 'set-available', reason: 'presence-free' }, { code: 'set-available.presence-free', params: {} }],
    [{ action: 'schedule-release', reason: 'settle-delay', at: 1_700_000_000_000 }, { code: 'schedule-release.settle-delay', params: { time: 1_700_000_000_000 } }],
    [{ action: 'skip', reason: 'idle-set-by-agent', teamsState: 'Busy' }, { code: 'skip.idle-set-by-agent', params: { teamsState: 'Busy' } }],
    [{ action: 'skip', reason: 'sync-paused' }, { code: 'skip.sync-paused', params: {} }],
  ])('%j', (decision, expected) => {
    expect(decisionReason(decision, idleCodeName)).toEqual(expected);
  });

  it('notices carry their instant', () => {
    expect(noticeReason('paused', 5)).toEqual({ code: 'notice.paused', params: { time: 5 } });
    expect(noticeReason('unmatched')).toEqual({ code: 'notice.unmatched', params: {} });
  });
});

describe('the audit keeps reason codes', () => {
  it('stores the parameters and reads them back as a code with parameters', () => {
    const db = openDatabase(':memory:');
    const audit = new AuditStore(db);
    const decision: Decision = { action: 'set-idle', reason: 'presence-busy', idleCodeId: 'ic1', teamsState: 'InACall' };
    const id = audit.add({
      at: 1,
      agentId: 'a1',
      trigger: 'presence',
      action: decision.action,
      reason: decision.reason,
      text: 'In a Teams call: set to idle “Teams Call”.',
      teamsState: 'InACall',
      reasonParams: decisionReason(decision, idleCodeName).params,
      inputs: {},
      result: 'sent',
    });
    expect(audit.get(id)?.reasonCode).toEqual({ code: 'set-idle.presence-busy', params: { teamsState: 'InACall', idleCode: 'Teams Call' } });
  });

  it('an entry written before parameters were stored gets them from its Teams state and command', () => {
    const db = openDatabase(':memory:');
    db.prepare(
      `INSERT INTO audit (at, agent_id, trigger, action, reason, text, teams_state, inputs, command, result)
       VALUES (1, 'a1', 'presence', 'set-idle', 'presence-busy', 'old English text', 'InAMeeting', '{}', ?, 'confirmed')`,
    ).run(JSON.stringify({ state: 'Idle', idleCodeId: 'ic2', idleCodeName: 'Meeting' }));
    const [entry] = new AuditStore(db).query({ limit: 10 });
    expect(entry?.reasonCode).toEqual({ code: 'set-idle.presence-busy', params: { teamsState: 'InAMeeting', idleCode: 'Meeting' } });
  });
});
