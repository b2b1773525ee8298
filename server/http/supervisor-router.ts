import { Router } from 'express';
import { z } from 'zod';
import { describeDecision } from '../domain/describe.js';
import { invalid, notFound } from '../errors.js';
import type { Services } from '../services/index.js';
import { parseOrThrow } from '../validation.js';
import { requireRole } from './auth.js';

const dryRunBody = z
  .object({
    agentId: z.string().min(1),
    availability: z.string().min(1).max(64),
    activity: z.string().min(1).max(64),
    outOfOffice: z.boolean().optional(),
  })
  .strict();

const auditQuery = z
  .object({
    agentId: z.string().min(1).optional(),
    action: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
    result: z.string().min(1).optional(),
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const assignBody = z.object({ profileId: z.string().min(1).nullable() }).strict();

/** Supervisor: mapping profiles, team assignment, dry-run, agents and the audit trail. Admins may read too. */
export function createSupervisorRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('supervisor', 'admin'));

  r.get('/idle-codes', (_req, res) => {
    res.json([...s.registry.idleCodes.values()].map(({ id, name, isSystem, active }) => ({ id, name, isSystem, active })));
  });
  r.get('/profiles', (_req, res) => {
    res.json(s.profiles.list());
  });
  r.post('/profiles', (req, res) => {
    res.status(201).json(s.profiles.create(req.body));
  });
  r.post('/profiles/import', (req, res) => {
    res.status(201).json(s.profiles.import(req.body));
  });
  r.get('/profiles/:id', (req, res) => {
    res.json(s.profiles.get(req.params.id!));
  });
  r.get('/profiles/:id/export', (req, res) => {
    const body = s.profiles.export(req.params.id!);
    res.setHeader('Content-Disposition', `attachment; filename="${req.params.id}.json"`);
    res.json(body);
  });
  r.put('/profiles/:id', (req, res) => {
    res.json(s.profiles.update(req.params.id!, req.body));
  });
  r.delete('/profiles/:id', (req, res) => {
    s.profiles.delete(req.params.id!);
    res.status(204).end();
  });
  r.get('/teams', (_req, res) => {
    res.json([...s.registry.teams.values()]);
  });
  r.put('/teams/:id/profile', (req, res) => {
    const body = parseOrThrow(assignBody, req.body, 'team profile body');
    s.profiles.assignToTeam(req.params.id!, body.profileId);
    res.json(s.registry.teams.get(req.params.id!));
  });
  r.post('/dry-run', (req, res) => {
    const body = parseOrThrow(dryRunBody, req.body, 'dry-run body');
    const agent = s.registry.agents.get(body.agentId);
    if (!agent) throw invalid(`agent "${body.agentId}" not found`, 'agentId');
    const result = s.sync.dryRun(agent, {
      availability: body.availability,
      activity: body.activity,
      ...(body.outOfOffice !== undefined ? { outOfOffice: body.outOfOffice } : {}),
    });
    const current = { state: agent.cc.state, idleCodeName: agent.cc.idleCodeId ? s.registry.idleCodeName(agent.cc.idleCodeId) : null };
    if (!result) {
      res.json({ decision: { action: 'skip', reason: 'no-profile' }, text: 'No mapping profile applies to this agent.', current, wouldBecome: null });
      return;
    }
    const d = result.decision;
    const wouldBecome =
      d.action === 'set-idle'
        ? { state: 'Idle', idleCodeName: s.registry.idleCodeName(d.idleCodeId) }
        : d.action === 'set-available'
          ? { state: 'Available', idleCodeName: null }
          : d.action === 'schedule-release'
            ? { state: 'Available', idleCodeName: null, at: d.at }
            : d.action === 'hold-pending'
              ? { state: 'Idle', idleCodeName: s.registry.idleCodeName(d.idleCodeId), afterContact: true }
              : null;
    res.json({ decision: d, text: describeDecision(d, s.registry.idleCodeName), current, wouldBecome });
  });
  r.get('/agents', (_req, res) => {
    res.json(s.views.all());
  });
  r.get('/agents/:id', (req, res) => {
    const view = s.views.view(req.params.id!);
    if (!view) throw notFound(`agent "${req.params.id}" not found`);
    res.json(view);
  });
  r.get('/audit', (req, res) => {
    const q = parseOrThrow(auditQuery, req.query, 'audit query');
    const entries = s.stores.audit.query(q);
    const last = entries[entries.length - 1];
    res.json({ entries, next: entries.length === q.limit && last ? last.id : null });
  });
  return r;
}
