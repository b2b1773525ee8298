/**
 * Subscriptions API (`/v1/subscriptions`, `/v1/event-types`): webhook registration by an administrator
 * (scope `cjp:config_write` to change, `cjp:config_read` to read). Validation follows the OAS: `name` 4–64,
 * `eventTypes` 1–32 known types, `destinationUrl` HTTPS on port 443 with a path, `secret` 32–256; an org holds at
 * most `maxSubscriptions`. Answers are `{meta:{orgId}, data}`. Loopback http(s) destinations on any port and
 * shorter secrets are accepted only with the `loopbackWebhooks` / `shortWebhookSecret` inventions.
 */
import { type Ctx, type Router, isRecord, sendError, sendJson } from './http-kit.js';
import type { WebexInventions } from './options.js';
import { SCOPES } from './token-book.js';
import { LOOPBACK_HOSTS, WEBHOOK_EVENT_TYPES, WebhookDispatcher, type WebhookEventType, type WebhookSubscription } from './webhook-dispatcher.js';

type Bad = { field: string; message: string };
type Fields = Partial<Pick<WebhookSubscription, 'name' | 'description' | 'eventTypes' | 'destinationUrl' | 'secret' | 'status'>>;

/** Validates the fields present in `body` (all required ones when `creating`); returns them or the bad field. */
export function validateSubscription(body: Record<string, unknown>, creating: boolean, inv: WebexInventions): Fields | Bad {
  const out: Fields = {};
  const has = (k: string): boolean => body[k] !== undefined;
  if (creating || has('name')) {
    const { name } = body;
    if (typeof name !== 'string' || name.length < 4 || name.length > 64) return { field: 'name', message: 'name is required: 4–64 characters' };
    out.name = name;
  }
  if (has('description')) {
    if (typeof body.description !== 'string' || body.description.length > 256) return { field: 'description', message: 'description must be a string of at most 256 characters' };
    out.description = body.description;
  }
  if (creating || has('eventTypes')) {
    const known = new Set<string>(WEBHOOK_EVENT_TYPES.map((t) => t.name));
    const types = body.eventTypes;
    if (!Array.isArray(types) || types.length < 1 || types.length > 32) return { field: 'eventTypes', message: 'eventTypes must list 1–32 event types' };
    const unknown = types.find((t) => typeof t !== 'string' || !known.has(t));
    if (unknown !== undefined) return { field: 'eventTypes', message: `unknown event type ${JSON.stringify(unknown)} (see GET /v1/event-types)` };
    out.eventTypes = [...new Set(types as WebhookEventType[])];
  }
  if (creating || has('destinationUrl')) {
    const problem = destinationProblem(body.destinationUrl, inv);
    if (problem) return { field: 'destinationUrl', message: problem };
    out.destinationUrl = body.destinationUrl as string;
  }
  if (creating || has('secret')) {
    const { secret } = body;
    const min = inv.shortWebhookSecret ? 1 : 32;
    if (typeof secret !== 'string' || secret.length < min || secret.length > 256) return { field: 'secret', message: `secret is required: ${min}–256 characters` };
    out.secret = secret;
  }
  if (has('status')) {
    if (body.status !== 'active' && body.status !== 'inactive') return { field: 'status', message: 'status must be "active" or "inactive"' };
    out.status = body.status;
  }
  return out;
}

function destinationProblem(value: unknown, inv: WebexInventions): string | null {
  if (typeof value !== 'string') return 'destinationUrl is required';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'destinationUrl must be an absolute URL';
  }
  if (inv.loopbackWebhooks && LOOPBACK_HOSTS.has(url.hostname) && (url.protocol === 'http:' || url.protocol === 'https:')) return null;
  if (url.protocol !== 'https:') return 'destinationUrl must use https';
  if (url.port !== '' && url.port !== '443') return 'destinationUrl must use port 443';
  if (url.pathname === '/' || url.pathname === '') return 'destinationUrl must have a path';
  return null;
}

function adminWith(ctx: Ctx): boolean {
  if (ctx.principal.role === 'admin' || ctx.principal.role === 'service-app') return true;
  sendError(ctx, 403, 'webhook subscriptions are managed by an administrator');
  return false;
}

export function registerSubscriptionRoutes(router: Router, webhooks: WebhookDispatcher, inv: WebexInventions, maxSubscriptions: number): void {
  const orgId = webhooks.orgId;
  const answer = (ctx: Ctx, status: number, data: unknown): void => sendJson(ctx, status, { meta: { orgId }, data });
  const read = { scope: SCOPES.configRead };
  const write = { scope: SCOPES.configWrite };
  const found = (ctx: Ctx): WebhookSubscription | null => {
    const sub = webhooks.get(ctx.params.id);
    if (!sub) sendError(ctx, 404, `subscription ${ctx.params.id} not found`, 'id');
    return sub ?? null;
  };

  router.add('GET', '/v1/event-types', (ctx) => answer(ctx, 200, WEBHOOK_EVENT_TYPES.map((t) => ({ ...t }))), read);

  router.add('POST', '/v1/subscriptions', (ctx) => {
    if (!adminWith(ctx)) return;
    if (!isRecord(ctx.body)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    const v = validateSubscription(ctx.body, true, inv);
    if ('field' in v && 'message' in v) return sendError(ctx, 400, (v as Bad).message, (v as Bad).field);
    if (webhooks.list().length >= maxSubscriptions) return sendError(ctx, 400, `the organization already has the maximum of ${maxSubscriptions} subscriptions`);
    const f = v as Fields;
    const sub = webhooks.add({ name: f.name!, description: f.description ?? '', eventTypes: f.eventTypes!, destinationUrl: f.destinationUrl!, secret: f.secret!, status: f.status ?? 'active', createdBy: ctx.principal.id });
    answer(ctx, 201, WebhookDispatcher.view(sub));
  }, write);

  router.add('GET', '/v1/subscriptions', (ctx) => {
    if (adminWith(ctx)) answer(ctx, 200, webhooks.list().map(WebhookDispatcher.view));
  }, read);

  router.add('GET', '/v1/subscriptions/:id', (ctx) => {
    if (!adminWith(ctx)) return;
    const sub = found(ctx);
    if (sub) answer(ctx, 200, WebhookDispatcher.view(sub));
  }, read);

  router.add('PATCH', '/v1/subscriptions/:id', (ctx) => {
    if (!adminWith(ctx)) return;
    const sub = found(ctx);
    if (!sub) return;
    if (!isRecord(ctx.body)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    const v = validateSubscription(ctx.body, false, inv);
    if ('field' in v && 'message' in v) return sendError(ctx, 400, (v as Bad).message, (v as Bad).field);
    answer(ctx, 200, WebhookDispatcher.view(webhooks.update(sub, v as Fields)));
  }, write);

  router.add('DELETE', '/v1/subscriptions/:id', (ctx) => {
    if (!adminWith(ctx)) return;
    if (!found(ctx)) return;
    webhooks.delete(ctx.params.id);
    sendJson(ctx, 204, undefined);
  }, write);
}
