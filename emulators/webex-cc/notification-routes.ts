/**
 * `POST /v1/notification/subscribe` (scope `cjp:user`): a one-off WebSocket URL for the caller's own events.
 * Body `{isKeepAliveEnabled, clientType ≤20, allowMultiLogin (default false), force}` (OAS NotificationRequest).
 */
import type { EventHub } from './event-hub.js';
import { type Router, isRecord, sendError, sendJson } from './http-kit.js';
import type { WebexInventions } from './options.js';
import { SCOPES } from './token-book.js';

export function registerNotificationRoutes(router: Router, hub: EventHub, inv: WebexInventions, wsBase: () => string): void {
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
    if (p.role === 'service-app') return sendError(ctx, 403, 'notifications are delivered to a user; a service app has none');
    const result = hub.subscribe({
      userId: p.id,
      isAgent: p.role === 'agent',
      orgWide: inv.orgWideSocket === true && p.role !== 'agent',
      keepalive: isKeepAliveEnabled === true,
      clientType: (clientType as string | undefined) ?? 'DefaultClient',
      allowMultiLogin: allowMultiLogin === true,
      force: force === true,
    });
    if ('error' in result) return sendError(ctx, 409, result.error, 'allowMultiLogin');
    sendJson(ctx, 200, { webSocketUrl: `${wsBase()}/v1/notification/subscription/${result.subscriptionId}`, subscriptionId: result.subscriptionId });
  }, { scope: SCOPES.user });
}
