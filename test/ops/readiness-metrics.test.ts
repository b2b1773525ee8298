import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../bench/processes.js';
import { call, openSocket } from '../security/security-helpers.js';
import { startOpsStack, type OpsStack } from './ops-stack.js';

/**
 * Prometheus exposition and readiness against both emulators, each behind a forwarder that the tests stop and
 * start again to take the upstream away and bring it back.
 */
let s: OpsStack;
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
beforeAll(async () => {
  s = await startOpsStack({ config: { 'ops.metricsToken': METRICS_TOKEN } });
});
afterAll(async () => {
  await s?.close();
});

const readyz = async () => {
  const res = await fetch(`${s.connector.url}/readyz`);
  return { status: res.status, body: (await res.json()) as any };
};
const scrape = async () => {
  const res = await fetch(`${s.connector.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await res.text());
};

describe('readiness', () => {
  it('is live at once and ready when the store, Graph and the contact center answer', async () => {
    expect((await fetch(`${s.connector.url}/livez`)).status).toBe(200);
    const ready = await waitFor('ready', async () => ((await readyz()).status === 200 ? readyz() : undefined), 10_000);
    expect(ready.body).toMatchObject({ ready: true, degraded: false, summary: null, checks: { store: { ok: true }, graph: { ok: true }, contactCenter: { ok: true } } });
  });

  it.each([
    ['graph', 'Microsoft Graph', () => s.graphProxy],
    ['contactCenter', 'contact center', () => s.webexProxy],
  ] as const)('turns 503 when %s is stopped, says why on the admin status, and returns to 200 when it is back', async (check, words, proxy) => {
    await waitFor('ready first', async () => (await readyz()).status === 200, 10_000);
    await proxy().stop();
    const down = await waitFor('not ready', async () => {
      const r = await readyz();
      return r.status === 503 ? r : undefined;
    }, 15_000);
    expect(down.body.ready).toBe(false);
    expect(down.body.checks[check]).toMatchObject({ ok: false, error: expect.any(String) });
    expect(down.body.checks[check].error.length).toBeGreaterThan(5);
    const status = await s.api('/api/admin/status');
    expect(status.status).toBe(200);
    expect(status.body.readiness.degraded).toBe(true);
    expect(status.body.readiness.summary).toContain(`${words}: `);
    // The admin page's socket reads the same status.
    const { socket, error } = await openSocket(s.connector.url, s.adminKey);
    expect(error).toBeNull();
    const ack = (await call(socket, 'admin:status')) as { ok: boolean; data: any };
    socket.disconnect();
    expect(ack.ok).toBe(true);
    expect(ack.data.readiness).toMatchObject({ degraded: true, summary: expect.stringContaining(`${words}: `) });
    const upMetric = (await scrape()).find((f) => f.name === 'tpc_upstream_up')!;
    expect(upMetric.metrics.find((m) => m.labels?.upstream === check)?.value).toBe('0');

    await proxy().start();
    const back = await waitFor('ready again', async () => {
      const r = await readyz();
      return r.status === 200 ? r : undefined;
    }, 20_000);
    expect(back.body.checks[check].ok).toBe(true);
    expect((await s.api('/api/admin/status')).body.readiness).toMatchObject({ ready: true, degraded: false, summary: null });
  });
});

describe('Prometheus /metrics', () => {
  it('needs the scrape token when one is configured, and says so with WWW-Authenticate', async () => {
    for (const headers of <Record<string, string>[]>[{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: `Bearer ${s.adminKey}` }]) {
      const res = await fetch(`${s.connector.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.text()).not.toContain('tpc_');
    }
  });

  it('parses as Prometheus text and counts what a Teams call causes: decisions, commands, freshness, agents by state and owner', async () => {
    const before = await scrape();
    const names = new Set(before.map((f) => f.name));
    for (const name of [
      'tpc_freshness_seconds',
      'tpc_command_duration_seconds',
      'tpc_webhook_duration_seconds',
      'tpc_decisions_total',
      'tpc_command_results_total',
      'tpc_agents',
      'tpc_commands_in_flight',
      'tpc_upstream_up',
      'tpc_upstream_throttled_total',
      'tpc_graph_calls_total',
      'tpc_graph_subscriptions',
      'tpc_graph_token_age_seconds',
    ]) expect(names, name).toContain(name);
    const type = (n: string) => before.find((f) => f.name === n)!.type;
    expect(type('tpc_freshness_seconds')).toBe('HISTOGRAM');
    expect(type('tpc_decisions_total')).toBe('COUNTER');
    expect(type('tpc_agents')).toBe('GAUGE');

    await waitFor('ready', async () => (await readyz()).status === 200, 20_000);
    await s.callStart(0);
    const agentId = [...s.connector.services.registry.agents.values()].find((a) => a.teamsUserId === s.teamsIds[0])!.id;
    await waitFor('agent idled by the connector', () => {
      const a = s.connector.services.registry.agents.get(agentId)!;
      return a.cc.state === 'Idle' && a.cc.origin === 'connector';
    }, 20_000);
    const after = await scrape();
    const family = (n: string) => after.find((f) => f.name === n)!;
    const freshness = family('tpc_freshness_seconds').metrics[0]!;
    expect(Number(freshness.count)).toBeGreaterThanOrEqual(1);
    expect(Number(freshness.buckets!['+Inf'])).toBe(Number(freshness.count));
    // The parser keeps a labelled histogram's buckets (not its labels): the +Inf bucket counts every command.
    const commands = family('tpc_command_duration_seconds').metrics.reduce((a, m) => a + Number(m.buckets?.['+Inf'] ?? 0), 0);
    expect(commands).toBeGreaterThanOrEqual(1);
    const setIdle = family('tpc_decisions_total').metrics.filter((m) => m.labels?.action === 'set-idle');
    expect(setIdle.reduce((a, m) => a + Number(m.value), 0)).toBeGreaterThanOrEqual(1);
    const idleByConnector = family('tpc_agents').metrics.find((m) => m.labels?.state === 'Idle' && m.labels?.owner === 'connector');
    expect(Number(idleByConnector?.value)).toBeGreaterThanOrEqual(1);
    const budget = family('tpc_upstream_budget_use_ratio').metrics.find((m) => m.labels?.upstream === 'contact_center');
    expect(Number(budget?.value)).toBeGreaterThan(0);
    expect(family('tpc_upstream_queue_depth').metrics.find((m) => m.labels?.upstream === 'contact_center')?.value).toBe('0');
    // Graph's presence budget too: the poll cycles that saw the call spent part of it, and no batch is left waiting.
    const graphBudget = family('tpc_upstream_budget_use_ratio').metrics.find((m) => m.labels?.upstream === 'graph');
    expect(Number(graphBudget?.value)).toBeGreaterThan(0);
    expect(Number(graphBudget?.value)).toBeLessThanOrEqual(1);
    expect(family('tpc_upstream_queue_depth').metrics.find((m) => m.labels?.upstream === 'graph')?.value).toBeDefined();
    const agentsTotal = family('tpc_agents').metrics.reduce((a, m) => a + Number(m.value), 0);
    expect(agentsTotal).toBe(s.connector.services.registry.agents.size);
    await s.callEnd(0);
  });

  it('the admin page reads percentiles from the same histograms', async () => {
    const m = await s.api('/api/admin/metrics');
    expect(m.status).toBe(200);
    const f = m.body.latencyMs['presence-observed-to-command-accepted'];
    expect(f.count).toBeGreaterThanOrEqual(1);
    expect(f.p50).toBeLessThanOrEqual(f.p99);
    expect(f.p99).toBeLessThanOrEqual(f.max);
  });
});
