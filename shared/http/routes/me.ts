import type { RouteDefinition } from '../route-definition';
import { acceptResultSchema, invitationPathSchema, myInvitationsSchema } from '../schemas/invitations';
import {
  listNotificationsQuerySchema,
  meSchema,
  notificationPageSchema,
  notificationPathSchema,
  notificationSchema,
} from '../schemas/me';

/*
 * Routes served by `functions/me/*`: the caller's own view, across tenants. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; every route is its own
 * export, and a handler imports the module as a namespace (`memberRoutes.getMember`): esbuild keeps only
 * that route and the schemas it names (their constructions are pure, shared/http/schemas/common.ts), not
 * the module's other routes (docs/PERFORMANCE.md, figure 1).
 */
export const getMe = {
  operationId: 'getMe',
  method: 'GET',
  path: '/v1/me',
  handler: 'functions/me/get-me.ts',
  summary: 'The caller: identity and memberships with effective permissions',
  tags: ['me'],
  access: { kind: 'authenticated' },
  grants: ['main:read'],
  responses: { 200: { description: 'The caller', schema: meSchema } },
} as const satisfies RouteDefinition;

export const listMyInvitations = {
  operationId: 'listMyInvitations',
  method: 'GET',
  path: '/v1/me/invitations',
  handler: 'functions/me/list-my-invitations.ts',
  summary: "Pending invitations to the caller's verified email, in every tenant",
  tags: ['me'],
  access: { kind: 'authenticated' },
  grants: ['main:read'],
  responses: { 200: { description: 'Invitations', schema: myInvitationsSchema } },
} as const satisfies RouteDefinition;

export const acceptMyInvitation = {
  operationId: 'acceptMyInvitation',
  method: 'POST',
  path: '/v1/me/invitations/{tenantId}/{invitationId}/accept',
  handler: 'functions/me/accept-my-invitation.ts',
  summary:
    "Accept one of the caller's invitations (as `GET /v1/me/invitations` lists them, by tenant and id) without its link: as accepting its token with a session",
  description: [
    "The invitation must be addressed to the caller's verified email (case-insensitive), pending and unexpired;",
    'it is single use together with its link (accepting, declining or revoking either way ends both). The',
    'tenant in the path only locates the invitation: no membership of it is needed.',
  ].join(' '),
  tags: ['me'],
  access: { kind: 'authenticated' },
  grants: ['main:write'],
  request: { params: invitationPathSchema },
  responses: { 200: { description: 'Joined', schema: acceptResultSchema } },
  problems: {
    403: {
      description:
        "`admin_requires_owner`: the invitation's roles were changed since it was sent so that they give Admin-level power, which only the Owner gives; it stays pending until the Owner resends (or revokes) it",
    },
    404: {
      description:
        "`invitation_not_found`: no such pending invitation to the caller's verified email (another person's, another tenant's, or already used: as an unknown token)",
    },
    409: { description: '`invitation_not_pending`: used meanwhile; `already_member`' },
    410: { description: '`invitation_expired`' },
  },
} as const satisfies RouteDefinition;

export const declineMyInvitation = {
  operationId: 'declineMyInvitation',
  method: 'POST',
  path: '/v1/me/invitations/{tenantId}/{invitationId}/decline',
  handler: 'functions/me/decline-my-invitation.ts',
  summary:
    "Decline one of the caller's invitations by tenant and id, without its link: as declining its token; its seat is freed",
  tags: ['me'],
  access: { kind: 'authenticated' },
  grants: ['main:write'],
  request: { params: invitationPathSchema },
  responses: { 204: { description: 'Declined' } },
  problems: {
    404: {
      description:
        "`invitation_not_found`: no such pending invitation to the caller's verified email (another person's, another tenant's, or already used: as an unknown token)",
    },
    409: { description: '`invitation_not_pending`: used meanwhile' },
    410: { description: '`invitation_expired`' },
  },
} as const satisfies RouteDefinition;

export const listMyNotifications = {
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
} as const satisfies RouteDefinition;

export const markNotificationRead = {
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
} as const satisfies RouteDefinition;
