import type { RouteDefinition } from '../route-definition';
import { myInvitationsSchema } from '../schemas/invitations';
import {
  listNotificationsQuerySchema,
  meSchema,
  notificationPageSchema,
  notificationPathSchema,
  notificationSchema,
} from '../schemas/me';

/**
 * Routes served by `functions/me/*`: the caller's own view, across tenants. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; a handler imports only its own
 * resource's module, so that its bundle builds only these schemas.
 */
export const meRoutes = {
  getMe: {
    operationId: 'getMe',
    method: 'GET',
    path: '/v1/me',
    handler: 'functions/me/get-me.ts',
    summary: 'The caller: identity and memberships with effective permissions',
    tags: ['me'],
    access: { kind: 'authenticated' },
    grants: ['main:read'],
    responses: { 200: { description: 'The caller', schema: meSchema } },
  },

  listMyInvitations: {
    operationId: 'listMyInvitations',
    method: 'GET',
    path: '/v1/me/invitations',
    handler: 'functions/me/list-my-invitations.ts',
    summary: "Pending invitations to the caller's verified email, in every tenant",
    tags: ['me'],
    access: { kind: 'authenticated' },
    grants: ['main:read'],
    responses: { 200: { description: 'Invitations', schema: myInvitationsSchema } },
  },
  listMyNotifications: {
    operationId: 'listMyNotifications',
    method: 'GET',
    path: '/v1/me/notifications',
    handler: 'functions/me/list-my-notifications.ts',
    summary:
      "The caller's notifications from every tenant, newest first (access requests to decide, decisions on theirs, invitations they sent answered); unread=true for the unread ones",
    tags: ['me'],
    access: { kind: 'authenticated' },
    grants: ['main:read'],
    request: { query: listNotificationsQuerySchema },
    responses: { 200: { description: 'A page of notifications', schema: notificationPageSchema } },
    problems: { 400: { description: '`invalid_cursor`: a cursor of another person or of the other filter' } },
  },

  markNotificationRead: {
    operationId: 'markNotificationRead',
    method: 'POST',
    path: '/v1/me/notifications/{notificationId}/read',
    handler: 'functions/me/mark-notification-read.ts',
    summary: "Mark one of the caller's notifications read (again: unchanged, the first readAt kept)",
    tags: ['me'],
    access: { kind: 'authenticated' },
    grants: ['main:write'],
    request: { params: notificationPathSchema },
    responses: { 200: { description: 'The notification', schema: notificationSchema } },
    problems: {
      404: { description: '`notification_not_found`: none such among the caller’s (someone else’s id too)' },
    },
  },
} as const satisfies Record<string, RouteDefinition>;
