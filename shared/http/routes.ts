import type { RouteDefinition } from './route-definition';
import { tenantPathSchema, tenantSchema, createTenantBodySchema, updateTenantBodySchema } from './schemas/tenants';
import { permissionCatalogSchema } from './schemas/permissions';
import { roleListSchema, rolePathSchema, roleSchema } from './schemas/roles';
import { listMembersQuerySchema, memberPageSchema, memberPathSchema, memberSchema } from './schemas/members';
import { meSchema } from './schemas/me';
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
  listInvitationsQuerySchema,
  lookupQuerySchema,
  myInvitationsSchema,
} from './schemas/invitations';

/**
 * THE route table. CDK creates one Lambda and one API Gateway route per entry, the local server
 * serves exactly these, the OpenAPI document is generated from them, and the route-matrix tests
 * (isolation, authentication, authorization, fuzzing) iterate over them.
 *
 * To find a route's code: its `handler` is the Lambda entry file.
 */
export const routes = {
  getOpenApi: {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    handler: 'functions/meta/get-openapi.ts',
    summary: 'The OpenAPI 3.1 document of this API',
    tags: ['meta'],
    access: { kind: 'public' },
    grants: [],
    responses: { 200: { description: 'OpenAPI document' } },
  },

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

  createTenant: {
    operationId: 'createTenant',
    method: 'POST',
    path: '/v1/tenants',
    handler: 'functions/tenants/create-tenant.ts',
    summary: 'Create a tenant with a seat limit; its owner is invited with the Owner role',
    tags: ['platform'],
    access: { kind: 'platform-admin' },
    grants: ['main:write', 'outboxKey:read'],
    request: { body: createTenantBodySchema },
    responses: { 201: { description: 'Tenant created', schema: tenantSchema } },
  },

  updateTenant: {
    operationId: 'updateTenant',
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}',
    handler: 'functions/tenants/update-tenant.ts',
    summary: "Rename a tenant or change its seat limit",
    tags: ['platform'],
    access: { kind: 'platform-admin' },
    grants: ['main:write'],
    request: { params: tenantPathSchema, body: updateTenantBodySchema },
    responses: { 200: { description: 'Tenant updated', schema: tenantSchema } },
  },

  getTenant: {
    operationId: 'getTenant',
    method: 'GET',
    path: '/v1/tenants/{tenantId}',
    handler: 'functions/tenants/get-tenant.ts',
    summary: 'Tenant summary with seat usage',
    tags: ['tenants'],
    access: { kind: 'member' },
    grants: ['main:read'],
    request: { params: tenantPathSchema },
    responses: { 200: { description: 'The tenant', schema: tenantSchema } },
  },

  listPermissions: {
    operationId: 'listPermissions',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/permissions',
    handler: 'functions/roles/list-permissions.ts',
    summary: 'Permission catalog grouped by module, with implications',
    tags: ['roles'],
    access: { kind: 'member' },
    grants: ['main:read'],
    request: { params: tenantPathSchema },
    responses: { 200: { description: 'The catalog', schema: permissionCatalogSchema } },
  },

  listRoles: {
    operationId: 'listRoles',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/roles',
    handler: 'functions/roles/list-roles.ts',
    summary: 'Built-in and custom roles of the tenant',
    tags: ['roles'],
    access: { kind: 'permission', permission: 'users:read' },
    grants: ['main:read'],
    request: { params: tenantPathSchema },
    responses: { 200: { description: 'Roles', schema: roleListSchema } },
  },

  getRole: {
    operationId: 'getRole',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/roles/{roleId}',
    handler: 'functions/roles/get-role.ts',
    summary: 'One role',
    tags: ['roles'],
    access: { kind: 'permission', permission: 'users:read' },
    grants: ['main:read'],
    request: { params: rolePathSchema },
    responses: { 200: { description: 'The role', schema: roleSchema } },
  },

  listMembers: {
    operationId: 'listMembers',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/members',
    handler: 'functions/members/list-members.ts',
    summary: 'Members of the tenant, optionally by status, with cursor pagination',
    tags: ['members'],
    access: { kind: 'permission', permission: 'users:read' },
    grants: ['main:read'],
    request: { params: tenantPathSchema, query: listMembersQuerySchema },
    responses: { 200: { description: 'A page of members', schema: memberPageSchema } },
  },

  getMember: {
    operationId: 'getMember',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/members/{memberId}',
    handler: 'functions/members/get-member.ts',
    summary: 'One member with effective permissions and the source of each',
    tags: ['members'],
    access: { kind: 'permission-or-self', permission: 'users:read' },
    grants: ['main:read'],
    request: { params: memberPathSchema },
    responses: { 200: { description: 'The member', schema: memberSchema } },
  },

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
    responses: { 201: { description: 'Invitations created (see `failed` for refused addresses)', schema: createInvitationsResultSchema } },
  },

  listInvitations: {
    operationId: 'listInvitations',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/invitations',
    handler: 'functions/invitations/list-invitations.ts',
    summary: 'Pending or expired (not yet purged) invitations, by expiry',
    tags: ['invitations'],
    access: { kind: 'permission', permission: 'users:read' },
    grants: ['main:read'],
    request: { params: tenantPathSchema, query: listInvitationsQuerySchema },
    responses: { 200: { description: 'A page of invitations', schema: invitationPageSchema } },
  },

  resendInvitation: {
    operationId: 'resendInvitation',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/invitations/{invitationId}/resend',
    handler: 'functions/invitations/resend-invitation.ts',
    summary: 'New link and email; the old link dies and the expiry is reset',
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
    summary: 'Revoke an invitation; its seat is freed',
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
} as const satisfies Record<string, RouteDefinition>;

export type RouteName = keyof typeof routes;

export const routeList: readonly RouteDefinition[] = Object.values(routes);

/**
 * Requests that match no route get a problem+json 404 from this function (API Gateway `$default`),
 * rather than API Gateway's own plain body. It is not in `routeList`: it serves no path of its own.
 */
export const fallbackRoute = {
  operationId: 'notFound',
  method: 'GET',
  path: '$default',
  handler: 'functions/meta/not-found.ts',
  summary: 'Problem+json 404 for every unmatched request',
  tags: ['meta'],
  access: { kind: 'public' },
  grants: [],
  responses: {},
} as const satisfies RouteDefinition;
