import { RequestStats } from '../kit/stats.js';

/**
 * Counters for `GET /_emulator/stats`: requests by route template and status (the shared emulator kit's
 * RequestStats), throttling, notification delivery. The last `recentLimit` requests are kept in a ring (method, path, status, at) for inspection;
 * older ones only live on in the counters, so memory stays flat under a benchmark.
 */
export interface RequestRecord {
  method: string;
  path: string;
  route: string;
  status: number;
  at: string;
  /** The query parameters as the emulator decoded them, in order ([name, value] pairs). */
  query?: [string, string][];
}

export class EmulatorStats extends RequestStats {
  private recent: RequestRecord[] = [];
  private recentHead = 0;
  throttled = 0;
  graphRequests = 0;
  presenceIdsRequested = 0;
  notificationsDelivered = 0;
  notificationsDropped = 0;
  notificationPosts = 0;
  notificationPostFailures = 0;
  lifecycleDelivered = 0;
  validationRequests = 0;

  constructor(private readonly recentLimit = 2000) {
    super();
  }

  record(method: string, path: string, route: string, status: number, at: number, query?: URLSearchParams): void {
    this.countRequest(`${method} ${route}`, status);
    if (status === 429) this.throttled++;
    if (route.startsWith('/v1.0')) this.graphRequests++;
    const rec: RequestRecord = { method, path, route, status, at: new Date(at).toISOString(), ...(query && query.size > 0 ? { query: [...query] } : {}) };
    if (this.recent.length < this.recentLimit) this.recent.push(rec);
    else {
      this.recent[this.recentHead] = rec;
      this.recentHead = (this.recentHead + 1) % this.recentLimit;
    }
  }

  recentRequests(limit = this.recentLimit): RequestRecord[] {
    const ordered = this.recent.length < this.recentLimit ? this.recent : [...this.recent.slice(this.recentHead), ...this.recent.slice(0, this.recentHead)];
    return ordered.slice(-limit);
  }

  reset(): void {
    this.requests.clear();
    this.recent = [];
    this.recentHead = 0;
    this.throttled = this.graphRequests = this.presenceIdsRequested = 0;
    this.notificationsDelivered = this.notificationsDropped = this.notificationPosts = 0;
    this.notificationPostFailures = this.lifecycleDelivered = this.validationRequests = 0;
  }

  snapshot(extra: Record<string, unknown>): Record<string, unknown> {
    const routes: Record<string, Record<string, number>> = {};
    for (const [route, statuses] of this.requests) routes[route] = Object.fromEntries([...statuses].map(([s, n]) => [String(s), n]));
    return {
      graphRequests: this.graphRequests,
      throttled: this.throttled,
      presenceIdsRequested: this.presenceIdsRequested,
      routes,
      notifications: {
        delivered: this.notificationsDelivered,
        dropped: this.notificationsDropped,
        posts: this.notificationPosts,
        failedPosts: this.notificationPostFailures,
        lifecycleDelivered: this.lifecycleDelivered,
        validationRequests: this.validationRequests,
      },
      ...extra,
    };
  }
}
