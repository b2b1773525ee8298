import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services/index.js';
import { parseOrThrow } from '../validation.js';
import { requireRole } from './auth.js';

const teamSyncBody = z.object({ enabled: z.boolean() }).strict();

/** Administrator: status and health, lifecycle, per-team sync. */
export function createAdminRouter(s: Services): Router {
  const r = Router();
  r.use(requireRole('admin'));
  r.get('/status', (_req, res) => {
    res.json(s.status());
  });
  r.get('/metrics', (_req, res) => {
    res.json({ latencyMs: s.metrics.snapshot(), memory: process.memoryUsage(), cpu: process.cpuUsage(), uptimeSec: process.uptime(), status: s.status() });
  });
  r.post('/verify', async (_req, res) => {
    res.json({ permissions: await s.lifecycle.verify() });
  });
  r.post('/activate', async (_req, res) => {
    const permissions = await s.lifecycle.activate();
    res.json({ lifecycle: s.lifecycle.lifecycle, permissions });
  });
  r.post('/reactivate', async (_req, res) => {
    const permissions = await s.lifecycle.activate();
    res.json({ lifecycle: s.lifecycle.lifecycle, permissions });
  });
  r.post('/deactivate', (_req, res) => {
    s.lifecycle.deactivate();
    res.json({ lifecycle: s.lifecycle.lifecycle });
  });
  r.delete('/connector', async (_req, res) => {
    res.json(await s.lifecycle.remove());
  });
  r.get('/teams', (_req, res) => {
    res.json([...s.registry.teams.values()]);
  });
  r.put('/teams/:id/sync', (req, res) => {
    const body = parseOrThrow(teamSyncBody, req.body, 'team sync body');
    s.lifecycle.setTeamSync(req.params.id!, body.enabled);
    res.json(s.registry.teams.get(req.params.id!));
  });
  r.post('/directory/refresh', async (_req, res) => {
    res.json(await s.directory.refresh());
  });
  return r;
}
