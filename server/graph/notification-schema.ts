import { z } from 'zod';

/**
 * Shapes of what Microsoft Graph POSTs to the webhook: change notifications (basic or with encrypted
 * resource data) and lifecycle notifications. Unknown fields are kept; limits bound what a flood can make
 * the connector store.
 */

const b64 = z.string().min(1).max(200_000);

export const encryptedContentSchema = z
  .object({
    data: b64,
    dataSignature: z.string().min(1).max(1_000),
    dataKey: z.string().min(1).max(4_000),
    encryptionCertificateId: z.string().max(256).optional(),
    encryptionCertificateThumbprint: z.string().max(256).optional(),
  })
  .passthrough();

export const changeNotificationSchema = z
  .object({
    id: z.string().max(256).nullish(),
    subscriptionId: z.string().min(1).max(256),
    clientState: z.string().max(255).nullish(),
    changeType: z.string().max(64).optional(),
    resource: z.string().max(2_048).optional(),
    subscriptionExpirationDateTime: z.string().max(64).optional(),
    tenantId: z.string().max(256).optional(),
    resourceData: z.object({ id: z.string().max(256).optional() }).passthrough().nullish(),
    encryptedContent: encryptedContentSchema.nullish(),
  })
  .passthrough();

export const lifecycleNotificationSchema = z
  .object({
    subscriptionId: z.string().min(1).max(256),
    clientState: z.string().max(255).nullish(),
    lifecycleEvent: z.string().min(1).max(64),
    subscriptionExpirationDateTime: z.string().max(64).optional(),
    tenantId: z.string().max(256).optional(),
  })
  .passthrough();

export const notificationBodySchema = z.object({
  value: z.array(changeNotificationSchema).min(1).max(1_000),
  validationTokens: z.array(z.string().max(16_000)).max(100).nullish(),
});

export const lifecycleBodySchema = z.object({
  value: z.array(lifecycleNotificationSchema).min(1).max(1_000),
  validationTokens: z.array(z.string()).nullish(),
});

export type ChangeNotification = z.infer<typeof changeNotificationSchema>;
export type LifecycleNotification = z.infer<typeof lifecycleNotificationSchema>;

/** The decrypted presence resource of a rich notification. */
export const presenceResourceSchema = z
  .object({
    id: z.string().min(1),
    availability: z.string().nullish(),
    activity: z.string().nullish(),
    outOfOfficeSettings: z.object({ isOutOfOffice: z.boolean().nullish() }).passthrough().nullish(),
  })
  .passthrough();

/** The user id a presence notification is about: resourceData.id, or the tail of `communications/presences/{id}`. */
export function notifiedUserId(item: ChangeNotification): string | null {
  if (item.resourceData?.id) return item.resourceData.id;
  const match = /presences\/([^/?]+)/i.exec(item.resource ?? '') ?? /users\/([^/?]+)\/presence/i.exec(item.resource ?? '');
  return match ? decodeURIComponent(match[1]!.replace(/^\('|'\)$/g, '')) : null;
}

export interface WebhookIntake {
  /**
   * Checks each item's clientState and durably queues the accepted ones together with the batch's
   * validation tokens; synchronous so the 202 follows the write. Signatures, tokens and replays are checked
   * by the inbox worker after the answer.
   */
  acceptNotifications(items: ChangeNotification[], validationTokens?: readonly string[] | null): IntakeResult;
  acceptLifecycle(items: LifecycleNotification[]): IntakeResult;
}

export interface IntakeResult {
  accepted: number;
  rejected: number;
}

/** One inbox row: the accepted items of one POST and the validation tokens that came with them. */
export interface InboxBatch {
  v: 2;
  kind: 'change' | 'lifecycle';
  items: Record<string, unknown>[];
  tokens: string[];
}
