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

/*
 * Routes served by `functions/invitations/*`: the tenant's invitations and the invitee's side (lookup, accept, decline). Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; every route is its own
 * export, and a handler imports the module as a namespace (`memberRoutes.getMember`): esbuild keeps only
 * that route and the schemas it names (their constructions are pure, shared/http/schemas/common.ts), not
 * the module's other routes (docs/PERFORMANCE.md, figure 1).
 */
export const createInvitations = {
  operationId: 'createInvitations',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/invitations',
  handler: 'functions/invitations/create-invitations.ts',
  summary:
    'Invite up to 100 people by email with tenant roles and bots shared with them (botAccess); each address succeeds or fails on its own',
  description: [
    'Tenant roles follow the escalation rules of granting them (only permissions the caller holds; Admin-level',
    'power only from the Owner). `botAccess` shares up to 20 bots, each judged for the caller as',
    '`PUT /bots/{botId}/access` judges a grant: `collaborators:manage` on the bot, only permissions the caller',
    'holds there in the environments the assignment covers, `bot-owner` never, `bot-admin` only from the Bot',
    'Owner or a tenant Owner or Admin, prerequisites met. Without `roles`, an invitation with `botAccess` gives',
    'the tenant role Member. Any refusal refuses the whole request: nothing is created. Accepting grants the',
    'tenant roles and every bot grant in one transaction (a bot deleted meanwhile is left out, and the',
    '`member.joined` event says so).',
  ].join(' '),
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
        'Invalid input (`unknown_role`, `role_scope_mismatch`: a bot role in `roles` or a tenant role in `botAccess`; `unknown_bot`: no such bot in this tenant, at `body.botAccess.<i>.botId`; `environment_not_on_bot`), or `invitations_invalid`: no address is a valid email, nobody was invited (`failed` says why for each)',
      schema: invitationsProblemSchema,
    },
    403: {
      description:
        'The caller may not grant a role: `escalation_denied`, `admin_requires_owner`, `owner_not_grantable`; on a bot of `botAccess`: `forbidden` (no `collaborators:manage` on it), `escalation_denied` (a permission the caller lacks on that bot), `bot_owner_not_grantable`, `bot_admin_requires_owner`',
    },
    409: {
      description:
        '`role_prerequisite_missing` (a bot role without the role it requires on that bot, e.g. Approver without Developer); `invitations_refused`: nobody was invited, every address is invalid, already a member, already invited or beyond the seat limit (`failed` says which)',
      schema: invitationsProblemSchema,
    },
  },
} as const satisfies RouteDefinition;

export const listInvitations = {
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
} as const satisfies RouteDefinition;

export const resendInvitation = {
  operationId: 'resendInvitation',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/invitations/{invitationId}/resend',
  handler: 'functions/invitations/resend-invitation.ts',
  summary:
    'New link and email; the old link dies and the expiry is reset. Only by someone who may grant its roles, tenant and bot (403 otherwise)',
  tags: ['invitations'],
  access: { kind: 'permission', permission: 'users:write' },
  grants: ['main:write', 'outboxKey:read'],
  request: { params: invitationPathSchema },
  responses: { 200: { description: 'The invitation with its new expiry', schema: invitationSchema } },
} as const satisfies RouteDefinition;

export const revokeInvitation = {
  operationId: 'revokeInvitation',
  method: 'DELETE',
  path: '/v1/tenants/{tenantId}/invitations/{invitationId}',
  handler: 'functions/invitations/revoke-invitation.ts',
  summary:
    'Revoke an invitation; its seat is freed. Only by someone who may grant its roles, tenant and bot (403 otherwise)',
  tags: ['invitations'],
  access: { kind: 'permission', permission: 'users:write' },
  grants: ['main:write'],
  request: { params: invitationPathSchema },
  responses: { 204: { description: 'Revoked' } },
} as const satisfies RouteDefinition;

export const lookupInvitation = {
  operationId: 'lookupInvitation',
  method: 'GET',
  path: '/v1/invitations/lookup',
  handler: 'functions/invitations/lookup-invitation.ts',
  summary: 'What an invitation link offers: tenant, inviter, roles and the bots it shares (does not consume the token)',
  tags: ['invitee'],
  access: { kind: 'public' },
  grants: ['main:read'],
  request: { query: lookupQuerySchema },
  responses: { 200: { description: 'The invitation', schema: invitationPreviewSchema } },
} as const satisfies RouteDefinition;

export const acceptInvitation = {
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
} as const satisfies RouteDefinition;

export const declineInvitation = {
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
} as const satisfies RouteDefinition;
