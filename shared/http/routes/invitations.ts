import type { RouteDefinition } from '../route-definition';
import {
  acceptBodySchema,
  acceptResultSchema,
  createInvitationsBodySchema,
  createInvitationsResultSchema,
  declineBodySchema,
  invitationPageSchema,
  invitationPathSchema,
  invitationPreviewSchema,
  invitationSchema,
  invitationsProblemSchema,
  listInvitationsQuerySchema,
  lookupQuerySchema,
} from '../schemas/invitations';
import { tenantPathSchema } from '../schemas/tenants';

/**
 * Routes served by `functions/invitations/*`: the tenant's invitations and the invitee's side (lookup, accept, decline). Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; a handler imports only its own
 * resource's module, so that its bundle builds only these schemas.
 */
export const invitationRoutes = {
  createInvitations: {
    operationId: 'createInvitations',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/invitations',
    handler: 'functions/invitations/create-invitations.ts',
    summary: 'Invite up to 100 people by email with roles; each address succeeds or fails on its own',
    tags: ['invitations'],
    access: { kind: 'permission', permission: 'users:write' },
    grants: ['main:write', 'outboxKey:read'],
    request: { params: tenantPathSchema, body: createInvitationsBodySchema },
    responses: {
      201: {
        description: 'Invitations created (see `failed` for refused addresses)',
        schema: createInvitationsResultSchema,
      },
    },
    problems: {
      400: {
        description:
          'Invalid input, or `invitations_invalid`: no address is a valid email, nobody was invited (`failed` says why for each)',
        schema: invitationsProblemSchema,
      },
      409: {
        description:
          '`invitations_refused`: nobody was invited, every address is invalid, already a member, already invited or beyond the seat limit (`failed` says which)',
        schema: invitationsProblemSchema,
      },
    },
  },

  listInvitations: {
    operationId: 'listInvitations',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/invitations',
    handler: 'functions/invitations/list-invitations.ts',
    summary: 'Pending or expired (not yet purged) invitations, by expiry',
    tags: ['invitations'],
    access: { kind: 'permission', permission: 'users:read' },
    grants: ['main:read', 'main:recordSignIn'],
    request: { params: tenantPathSchema, query: listInvitationsQuerySchema },
    responses: { 200: { description: 'A page of invitations', schema: invitationPageSchema } },
  },

  resendInvitation: {
    operationId: 'resendInvitation',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/invitations/{invitationId}/resend',
    handler: 'functions/invitations/resend-invitation.ts',
    summary: 'New link and email; the old link dies and the expiry is reset. Only by someone who may grant its roles',
    tags: ['invitations'],
    access: { kind: 'permission', permission: 'users:write' },
    grants: ['main:write', 'outboxKey:read'],
    request: { params: invitationPathSchema },
    responses: { 200: { description: 'The invitation with its new expiry', schema: invitationSchema } },
  },

  revokeInvitation: {
    operationId: 'revokeInvitation',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/invitations/{invitationId}',
    handler: 'functions/invitations/revoke-invitation.ts',
    summary: 'Revoke an invitation; its seat is freed. Only by someone who may grant its roles',
    tags: ['invitations'],
    access: { kind: 'permission', permission: 'users:write' },
    grants: ['main:write'],
    request: { params: invitationPathSchema },
    responses: { 204: { description: 'Revoked' } },
  },

  lookupInvitation: {
    operationId: 'lookupInvitation',
    method: 'GET',
    path: '/v1/invitations/lookup',
    handler: 'functions/invitations/lookup-invitation.ts',
    summary: 'What an invitation link offers (does not consume the token)',
    tags: ['invitee'],
    access: { kind: 'public' },
    grants: ['main:read'],
    request: { query: lookupQuerySchema },
    responses: { 200: { description: 'The invitation', schema: invitationPreviewSchema } },
  },

  acceptInvitation: {
    operationId: 'acceptInvitation',
    method: 'POST',
    path: '/v1/invitations/accept',
    handler: 'functions/invitations/accept-invitation.ts',
    summary: 'Accept: with a password for a new account, or with a bearer token of the invited address',
    tags: ['invitee'],
    access: { kind: 'public' },
    grants: ['main:write', 'userPool:manageUsers'],
    request: { body: acceptBodySchema },
    responses: { 200: { description: 'Joined', schema: acceptResultSchema } },
    problems: {
      403: {
        description:
          "`email_mismatch`, or `admin_requires_owner`: the invitation's roles were changed since it was sent so that they give Admin-level power, which only the Owner gives; it stays pending until the Owner resends (or revokes) it",
      },
    },
  },

  declineInvitation: {
    operationId: 'declineInvitation',
    method: 'POST',
    path: '/v1/invitations/decline',
    handler: 'functions/invitations/decline-invitation.ts',
    summary: 'Decline an invitation; its seat is freed',
    tags: ['invitee'],
    access: { kind: 'public' },
    grants: ['main:write'],
    request: { body: declineBodySchema },
    responses: { 204: { description: 'Declined' } },
  },
} as const satisfies Record<string, RouteDefinition>;
