/**
 * Event delivery setup: `POST /v1/notification/subscribe` (WebSocket URL for the caller) and webhook
 * subscriptions `/v1/subscriptions` + `/v1/event-types` (administrator/integration token only).
 */
import type { EventHub } from './event-hub.js';
import { type Ctx, type Router, isRecord, sendError, sendJson } from './http-kit.js';
import { WEBHOOK_EVENT_TYPES, WebhookDispatcher } from './webhook-dispatcher.js';

function adminOnly(ctx: Ctx): boolean {
  if (ctx.principal.role === 'integration') return true;
  sendError(ctx, 403, 'requires an administrator token (cjp:config_write)');
  return false;
}

export function registerNotificationRoutes(router: Router, hub: EventHub, webhooks: WebhookDispatcher, wsBase: () => string): void {
  router.add('POST', '/v1/notification/subscribe', (ctx) => {
    const b = ctx.body === undefined ? {} : ctx.body;
    if (!isRecord(b)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    const { isKeepAliveEnabled, clientType, allowMultiLogin, force } = b;
    for (const [field, v] of [['isKeepAliveEnabled', isKeepAliveEnabled], ['allowMultiLogin', allowMultiLogin], ['force', force]] as const) {
      if (v !== undefined && typeof v !== 'boolean') return sendError(ctx, 400, `${field} must be a boolean`, field);
    }
    if (clientType !== undefined && (typeof clientType !== 'string' || !/^[A-Za-z0-9_-]{1,20}$/.test(clientType))) {
      return sendError(ctx, 400, 'clientType must be 1–20 letters, digits, "-" or "_"', 'clientType');
    }
    const p = ctx.principal;
    const result = hub.subscribe({
      userId: p.id,
      orgWide: p.role !== 'agent',
      keepalive: isKeepAliveEnabled === true,
      clientType: (clientType as string | undefined) ?? 'DefaultClient',
      allowMultiLogin: allowMultiLogin === true,
      force: force === true,
    });
    if ('error' in result) return sendError(ctx, 409, result.error, 'allowMultiLogin');
    sendJson(ctx, 200, { webSocketUrl: `${wsBase()}/v1/notification/subscription/${result.subscriptionId}`, subscriptionId: result.subscriptionId });
  });

  router.add('GET', '/v1/event-types', (ctx) => {
    sendJson(ctx, 200, { data: WEBHOOK_EVENT_TYPES.map((t) => ({ ...t })) });
  });

  router.add('POST', '/v1/subscriptions', (ctx) => {
    if (!adminOnly(ctx)) return;
    if (!isRecord(ctx.body)) return sendError(ctx, 400, 'body must be a JSON object', 'body');
    const created = webhooks.create(ctx.body, ctx.principal.id);
    if ('field' in created) return sendError(ctx, 400, created.message, created.field);
    sendJson(ctx, 201, WebhookDispatcher.view(created));
  });

  router.add('GET', '/v1/subscriptions', (ctx) => {
    if (!adminOnly(ctx)) return;
    sendJson(ctx, 200, { data: webhooks.list().map(WebhookDispatcher.view) });
  });

  router.add('GET', '/v1/subscriptions/:id', (ctx) => {
    if (!adminOnly(ctx)) return;
    const sub = webhooks.get(ctx.params.id);
    if (!sub) return sendError(ctx, 404, `subscription ${ctx.params.id} not found`, 'id');
    sendJson(ctx, 200, WebhookDispatcher.view(sub));
  });

  router.add('DELETE', '/v1/subscriptions/:id', (ctx) => {
    if (!adminOnly(ctx)) return;
    if (!webhooks.delete(ctx.params.id)) return sendError(ctx, 404, `subscription ${ctx.params.id} not found`, 'id');
    sendJson(ctx, 204, undefined);
  });
}
