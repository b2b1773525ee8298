/**
 * Request counters shared by the emulators: requests by "METHOD /route/pattern" and status, plus whatever named
 * counters an emulator adds (plain numeric fields on a subclass). `toJSON` flattens both for `/_emulator/stats`.
 */
export class RequestStats {
  /** "METHOD /route/pattern" → status → count. */
  readonly requests = new Map<string, Map<number, number>>();

  countRequest(route: string, status: number): void {
    let byStatus = this.requests.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.requests.set(route, byStatus);
    }
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  /** How many answers with this status were counted, over all routes. */
  countStatus(status: number): number {
    let n = 0;
    for (const byStatus of this.requests.values()) n += byStatus.get(status) ?? 0;
    return n;
  }

  toJSON(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const requests: Record<string, Record<string, number>> = {};
    for (const [route, byStatus] of this.requests) requests[route] = Object.fromEntries([...byStatus].map(([s, n]) => [String(s), n]));
    const counters: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (typeof v === 'number') counters[k] = v;
    return { requests, ...counters, ...extra };
  }
}
