import type { Logger } from '../../logger.js';
import type { WebexHttpClient } from './webex-http-client.js';
import { obj, str, type Json } from './webex-payload.js';

/**
 * Registers the connector's webhook with the Subscriptions API (scope `cjp:config_write`; OAS: `name` 4–64,
 * `eventTypes` 1–32, `destinationUrl` https on 443 with a path, `secret` 32–256; an org-level limit denies
 * registrations past it). Idempotent: the connector's subscription is found by name and brought up to date;
 * a new one is created only when none exists, so restarts never pile up subscriptions. Duplicates left by an
 * older version (same name) are deleted.
 *
 * Updating in place is `PATCH /v1/subscriptions/{id}`; where that is refused (the method's availability is not
 * confirmed in the public reference), the old subscription is deleted and a new one created.
 */

export const WEBHOOK_EVENT_TYPES = ['agent:login', 'agent:logout', 'agent:state_change'];

export interface WebhookRegistration {
  destinationUrl: string;
  secret: string;
  name?: string;
}

/** `token`: an administrator's or Service App's token (supervisors may not manage subscriptions); default the connector's own. */
export async function registerWebhook(http: WebexHttpClient, orgId: string, hook: WebhookRegistration, logger: Logger, token?: string): Promise<string | null> {
  const as = token !== undefined ? { token } : {};
  const name = (hook.name ?? 'teams-presence-connector').slice(0, 64);
  const body = {
    name,
    description: 'Agent state for the Teams presence connector',
    eventTypes: WEBHOOK_EVENT_TYPES,
    destinationUrl: hook.destinationUrl,
    secret: hook.secret,
    orgId,
  };
  const listed = await http.request<unknown>('list webhook subscriptions', { method: 'GET', path: '/v1/subscriptions', params: { orgId }, ...as });
  const listBody = obj(listed.data);
  const rows: Json[] = (Array.isArray(listed.data) ? listed.data : Array.isArray(listBody.data) ? listBody.data : Array.isArray(listBody.items) ? listBody.items : []).map(obj);
  const mine = rows.filter((r) => str(r.name) === name && str(r.id));
  const [keep, ...extra] = mine;
  for (const dup of extra) {
    await http.request('delete duplicate webhook subscription', { method: 'DELETE', path: `/v1/subscriptions/${encodeURIComponent(str(dup.id)!)}`, acceptStatus: [404], ...as });
    logger.info({ subscription: str(dup.id) }, 'deleted a duplicate webhook subscription');
  }
  if (keep) {
    const id = str(keep.id)!;
    const res = await http.request('update webhook subscription', {
      method: 'PATCH',
      path: `/v1/subscriptions/${encodeURIComponent(id)}`,
      body,
      acceptStatus: [404, 405],
      ...as,
    });
    if (res.status !== 404 && res.status !== 405) return id;
    await http.request('replace webhook subscription', { method: 'DELETE', path: `/v1/subscriptions/${encodeURIComponent(id)}`, acceptStatus: [404], ...as });
  }
  const created = await http.request<unknown>('register webhook', { method: 'POST', path: '/v1/subscriptions', body, ...as });
  const c = obj(created.data);
  return str(c.id) ?? str(obj(c.data).id) ?? null;
}
