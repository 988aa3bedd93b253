import * as z from 'zod/mini';
import { notificationTypes } from '../../data/records';
import { pageOf, paginationQuerySchema, ulidSchema } from './common';
import { effectivePermissionSchema, memberStatusSchema } from './members';

export const meSchema = /* @__PURE__ */ (() =>
  z
    .object({
      userId: z.string(),
      email: z.nullable(z.string()),
      platformAdmin: z.boolean(),
      memberships: z.array(
        z.object({
          tenantId: z.string(),
          tenantName: z.string(),
          memberId: z.string(),
          status: memberStatusSchema,
          effectivePermissions: z.array(effectivePermissionSchema),
        }),
      ),
    })
    .check(z.meta({ id: 'Me' })))();

export type MeView = z.infer<typeof meSchema>;

export const notificationSchema = /* @__PURE__ */ (() =>
  z
    .object({
      notificationId: z.string(),
      type: z.enum(notificationTypes),
      tenantId: z.string(),
      createdAt: z.string().check(z.meta({ description: 'ISO 8601 instant' })),
      readAt: z.optional(z.string()),
      data: z.record(z.string(), z.unknown()).check(
        z.meta({
          description:
            'What it is about: tenantName, and by type requestId, botId, botName, requesterId, requesterEmail, roles, reason (access requests); memberId, email, invitationId (invitations)',
        }),
      ),
    })
    .check(z.meta({ id: 'Notification' })))();

export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationPageSchema = /* @__PURE__ */ (() => pageOf(notificationSchema, 'NotificationPage'))();

export const listNotificationsQuerySchema = /* @__PURE__ */ (() =>
  z.extend(paginationQuerySchema, {
    unread: z.optional(z.enum(['true', 'false'])).check(z.meta({ description: 'true: only unread notifications' })),
  }))();

export const notificationPathSchema = /* @__PURE__ */ (() => z.object({ notificationId: ulidSchema }))();
