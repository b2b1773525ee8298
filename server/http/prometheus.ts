import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ContactCenter } from '../ports.js';
import type { Services } from '../services/index.js';
import type { ReadinessProbe } from './readiness.js';

/**
 * Optional figures an adapter's health() may add; read when present, so each adapter exposes its own budget and
 * queue without the exposition knowing its insides.
 */
interface ExtraHealth {
  /** Share of the upstream's request budget used over its window (0–1). */
  budgetUse?: number;
  /** Requests waiting for budget. */
  queued?: number | Record<string, number>;
  throttled?: number;
  retries?: number;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const LATENCY_TO_METRIC: Record<string, string> = {
  'presence-observed-to-command-accepted': 'freshness',
  'presence-observed-to-command-sent': 'decision',
};

export interface PrometheusExposition {
  registry: Registry;
  /** Times one webhook delivery (for the router that received it). */
  webhookHandled(source: string, status: number, seconds: number): void;
  /** State commands sent and not yet answered by the contact center (shutdown waits for them). */
  commandsInFlight(): number;
}

const sumQueued = (q: ExtraHealth['queued']): number | undefined => (typeof q === 'number' ? q : q ? Object.values(q).reduce((a, b) => a + b, 0) : undefined);

/**
 * The Prometheus exposition of one connector: histograms fed as things happen (freshness, commands, webhooks),
 * counters of decisions and command results fed by the audit trail's writes, and gauges read at scrape time from
 * the services (agents by state and owner, budgets, subscriptions, token age, readiness).
 */
export function createPrometheus(s: Services, readiness: ReadinessProbe): PrometheusExposition {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tpc_process_' });
  const registers = [registry];

  const freshness = new Histogram({ name: 'tpc_freshness_seconds', help: 'Teams presence change observed → contact-center state change accepted', buckets: SECONDS, registers });
  const decision = new Histogram({ name: 'tpc_decision_seconds', help: 'Teams presence change observed → state command sent', buckets: SECONDS, registers });
  const byName: Record<string, Histogram> = { freshness, decision };
  s.metrics.onRecord((name, ms) => {
    const metric = LATENCY_TO_METRIC[name];
    if (metric) byName[metric]!.observe(ms / 1000);
  });
  const command = new Histogram({ name: 'tpc_command_duration_seconds', help: 'State command sent → accepted by the contact center', labelNames: ['outcome'], buckets: SECONDS, registers });
  let sending = 0;
  instrumentCommands(s.cc, {
    started: () => sending++,
    finished: (outcome, seconds) => {
      sending--;
      command.observe({ outcome }, seconds);
    },
  });
  const webhook = new Histogram({ name: 'tpc_webhook_duration_seconds', help: 'Time to handle one webhook delivery', labelNames: ['source', 'status'], buckets: SECONDS, registers });

  const decisions = new Counter({ name: 'tpc_decisions_total', help: 'Sync decisions by action and reason', labelNames: ['action', 'reason'], registers });
  const results = new Counter({ name: 'tpc_command_results_total', help: 'Command results recorded in the audit trail (failed = failures)', labelNames: ['result'], registers });
  s.reads.observeAudit((action, reason) => decisions.inc({ action, reason }), (result) => results.inc({ result }));

  new Gauge({
    name: 'tpc_agents',
    help: 'Agents by contact-center state and by who set it (connector, agent, system)',
    labelNames: ['state', 'owner'],
    registers,
    collect() {
      this.reset();
      for (const a of s.reads.agentStates()) this.inc({ state: a.state, owner: a.owner });
    },
  });
  new Gauge({
    name: 'tpc_commands_in_flight',
    help: 'State commands sent and not yet confirmed (the engine’s queue toward the contact center)',
    registers,
    collect() {
      this.set(s.reads.agentStates().filter((a) => a.inFlight).length);
    },
  });
  const perUpstream = (name: string, help: string, pick: (h: ExtraHealth & Record<string, unknown>) => number | undefined, kind: 'gauge' | 'counter') => {
    const collect = function (this: Gauge | Counter) {
      this.reset();
      const graph = s.presence.health() as unknown as ExtraHealth & Record<string, unknown>;
      // The contact center reports its request budget (use, queue per priority, 429s) through details().
      const cc = { ...s.cc.health(), ...(s.cc.details?.().budget ?? {}) } as unknown as ExtraHealth & Record<string, unknown>;
      for (const [label, h] of [['graph', graph], ['contact_center', cc]] as const) {
        const v = pick(h);
        if (v === undefined || !Number.isFinite(v)) continue;
        if (this instanceof Gauge) this.set({ upstream: label }, v);
        else this.inc({ upstream: label }, v);
      }
    };
    return kind === 'gauge'
      ? new Gauge({ name, help, labelNames: ['upstream'], registers, collect })
      : new Counter({ name, help, labelNames: ['upstream'], registers, collect });
  };
  perUpstream('tpc_upstream_budget_use_ratio', 'Share of the upstream request budget used over its window', (h) => h.budgetUse, 'gauge');
  perUpstream('tpc_upstream_queue_depth', 'Requests waiting for upstream budget', (h) => sumQueued(h.queued), 'gauge');
  perUpstream('tpc_upstream_throttled_total', 'HTTP 429 answers from the upstream', (h) => (typeof h.throttledCount === 'number' ? h.throttledCount : h.throttled), 'counter');
  perUpstream('tpc_upstream_retries_total', 'Requests to the upstream that were retried', (h) => h.retries, 'counter');
  perUpstream('tpc_graph_calls_total', 'Calls made to Microsoft Graph for presence', (h) => (typeof h.graphCalls === 'number' ? h.graphCalls : undefined), 'counter');

  new Gauge({
    name: 'tpc_upstream_up',
    help: 'Readiness probe result per dependency (1 reachable within its health budget, 0 not)',
    labelNames: ['upstream'],
    registers,
    collect() {
      for (const [name, c] of Object.entries(readiness.state().checks)) this.set({ upstream: name }, c.ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tpc_store_pending_writes',
    help: 'Decisions and outcomes kept in memory because the database cannot take them (full disk, read-only, lock held elsewhere); written when it can',
    registers,
    collect() {
      this.set(s.reads.pendingWrites());
    },
  });
  new Gauge({
    name: 'tpc_contact_center_oldest_wait_seconds',
    help: 'Longest wait of a request queued for the contact-center budget',
    registers,
    collect() {
      const b = s.cc.details?.().budget;
      if (b) this.set(b.oldestWaitMs / 1000);
    },
  });
  new Gauge({
    name: 'tpc_contact_center_token_expiry_seconds',
    help: 'Seconds until the contact-center access token expires (OAuth)',
    registers,
    collect() {
      const at = s.cc.details?.().tokenExpiresAt;
      if (at != null) this.set((at - Date.now()) / 1000);
    },
  });
  new Gauge({
    name: 'tpc_graph_subscriptions',
    help: 'Live Graph presence subscriptions (subscribe mode)',
    registers,
    collect() {
      this.set(s.presence.health().subscriptions ?? 0);
    },
  });
  new Gauge({
    name: 'tpc_graph_subscription_expiry_seconds',
    help: 'Seconds until the earliest Graph subscription expires (negative when expired)',
    registers,
    collect() {
      const at = s.presence.health().subscriptionExpiresAt;
      if (at != null) this.set((at - Date.now()) / 1000);
    },
  });
  new Gauge({
    name: 'tpc_graph_token_age_seconds',
    help: 'Age of the Microsoft Graph access token in use',
    registers,
    collect() {
      const at = s.status().health.tokenAcquiredAt;
      if (at != null) this.set((Date.now() - at) / 1000);
    },
  });
  new Gauge({
    name: 'tpc_presence_poll_interval_seconds',
    help: 'Current presence poll interval (poll mode)',
    registers,
    collect() {
      const ms = s.presence.health().pollIntervalMs;
      if (ms != null) this.set(ms / 1000);
    },
  });

  return {
    registry,
    webhookHandled(source, status, seconds) {
      webhook.observe({ source, status: String(status) }, seconds);
    },
    commandsInFlight: () => sending,
  };
}

/**
 * Measures every state command at the port: the contact-center object is decorated in place, so the sync engine,
 * which already holds it, is measured without knowing.
 */
function instrumentCommands(cc: ContactCenter, on: { started(): void; finished(outcome: 'accepted' | 'failed', seconds: number): void }): void {
  const send = cc.setState.bind(cc);
  cc.setState = async (cmd) => {
    const started = performance.now();
    on.started();
    try {
      const out = await send(cmd);
      on.finished('accepted', (performance.now() - started) / 1000);
      return out;
    } catch (err) {
      on.finished('failed', (performance.now() - started) / 1000);
      throw err;
    }
  };
}
