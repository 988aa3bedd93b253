import type { RouteDefinition } from './route-definition';
import { tenantPathSchema, tenantSchema, createTenantBodySchema, updateTenantBodySchema } from './schemas/tenants';
import { permissionCatalogSchema } from './schemas/permissions';
import { createRoleBodySchema, deleteRoleQuerySchema, roleListSchema, rolePathSchema, roleSchema, updateRoleBodySchema } from './schemas/roles';
import {
  listMembersQuerySchema,
  memberPageSchema,
  memberPathSchema,
  memberSchema,
  transferOwnershipBodySchema,
  updateMemberBodySchema,
} from './schemas/members';
import { meSchema } from './schemas/me';
import {
  auditExportCreatedSchema,
  auditExportPathSchema,
  auditExportSchema,
  auditPageSchema,
  createAuditExportBodySchema,
  listAuditQuerySchema,
  verifyAuditQuerySchema,
  verifyResultSchema,
} from './schemas/audit';
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
    grants: ['main:read', 'main:recordSignIn'],
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
    grants: ['main:read', 'main:recordSignIn'],
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
    grants: ['main:read', 'main:recordSignIn'],
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
    grants: ['main:read', 'main:recordSignIn'],
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
    grants: ['main:read', 'main:recordSignIn'],
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
    grants: ['main:read', 'main:recordSignIn'],
    request: { params: memberPathSchema },
    responses: { 200: { description: 'The member', schema: memberSchema } },
  },

  createRole: {
    operationId: 'createRole',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/roles',
    handler: 'functions/roles/create-role.ts',
    summary: 'Create a custom role, optionally starting from a copy of another role',
    tags: ['roles'],
    access: { kind: 'permission', permission: 'roles:manage' },
    grants: ['main:write'],
    request: { params: tenantPathSchema, body: createRoleBodySchema },
    responses: { 201: { description: 'The role', schema: roleSchema } },
  },

  updateRole: {
    operationId: 'updateRole',
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}/roles/{roleId}',
    handler: 'functions/roles/update-role.ts',
    summary: 'Rename a custom role or change its permissions (If-Match: version)',
    tags: ['roles'],
    access: { kind: 'permission', permission: 'roles:manage' },
    grants: ['main:write'],
    request: { params: rolePathSchema, body: updateRoleBodySchema },
    responses: { 200: { description: 'The role', schema: roleSchema } },
  },

  deleteRole: {
    operationId: 'deleteRole',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/roles/{roleId}',
    handler: 'functions/roles/delete-role.ts',
    summary: 'Delete a custom role; refused while held unless ?reassignTo= moves its holders',
    tags: ['roles'],
    access: { kind: 'permission', permission: 'roles:manage' },
    grants: ['main:write'],
    request: { params: rolePathSchema, query: deleteRoleQuerySchema },
    responses: { 204: { description: 'Deleted' } },
  },

  updateMember: {
    operationId: 'updateMember',
    method: 'PATCH',
    path: '/v1/tenants/{tenantId}/members/{memberId}',
    handler: 'functions/members/update-member.ts',
    summary: "Set a member's roles (optionally time-bound), direct permissions or display name (If-Match: version)",
    tags: ['members'],
    access: { kind: 'permission', permission: 'users:write' },
    grants: ['main:write'],
    request: { params: memberPathSchema, body: updateMemberBodySchema },
    responses: { 200: { description: 'The member', schema: memberSchema } },
  },

  suspendMember: {
    operationId: 'suspendMember',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/members/{memberId}/suspend',
    handler: 'functions/members/suspend-member.ts',
    summary: 'Suspend an active member: their next request is refused',
    tags: ['members'],
    access: { kind: 'permission', permission: 'users:write' },
    grants: ['main:write', 'userPool:signOut'],
    request: { params: memberPathSchema },
    responses: { 200: { description: 'The member', schema: memberSchema } },
  },

  reactivateMember: {
    operationId: 'reactivateMember',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/members/{memberId}/reactivate',
    handler: 'functions/members/reactivate-member.ts',
    summary: 'Reactivate a suspended member',
    tags: ['members'],
    access: { kind: 'permission', permission: 'users:write' },
    grants: ['main:write'],
    request: { params: memberPathSchema },
    responses: { 200: { description: 'The member', schema: memberSchema } },
  },

  removeMember: {
    operationId: 'removeMember',
    method: 'DELETE',
    path: '/v1/tenants/{tenantId}/members/{memberId}',
    handler: 'functions/members/remove-member.ts',
    summary: 'Remove a suspended member for good; the seat is freed',
    tags: ['members'],
    access: { kind: 'permission', permission: 'users:write' },
    grants: ['main:write'],
    request: { params: memberPathSchema },
    responses: { 204: { description: 'Removed' } },
  },

  transferOwnership: {
    operationId: 'transferOwnership',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/transfer-ownership',
    handler: 'functions/members/transfer-ownership.ts',
    summary: 'Make another active member Owner; the current Owner becomes Admin',
    tags: ['members'],
    access: { kind: 'owner' },
    grants: ['main:write'],
    request: { params: tenantPathSchema, body: transferOwnershipBodySchema },
    responses: { 204: { description: 'Transferred' } },
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
    grants: ['main:read', 'main:recordSignIn'],
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

  listAudit: {
    operationId: 'listAudit',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/audit',
    handler: 'functions/audit/list-audit.ts',
    summary: 'Audit entries newest first, by actor, target or action (or an action prefix such as `member.`), within a date range',
    tags: ['audit'],
    access: { kind: 'permission', permission: 'audit:read' },
    grants: ['main:read', 'main:recordSignIn', 'audit:read'],
    request: { params: tenantPathSchema, query: listAuditQuerySchema },
    responses: { 200: { description: 'A page of audit entries', schema: auditPageSchema } },
  },

  verifyAudit: {
    operationId: 'verifyAudit',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/audit/verify',
    handler: 'functions/audit/verify-audit.ts',
    summary: "Recompute the tenant's audit hash chain (optionally within a date range) and report the first broken entry",
    tags: ['audit'],
    access: { kind: 'permission', permission: 'audit:read' },
    grants: ['main:read', 'main:recordSignIn', 'audit:read'],
    request: { params: tenantPathSchema, query: verifyAuditQuerySchema },
    responses: { 200: { description: 'The verification result', schema: verifyResultSchema } },
  },

  createAuditExport: {
    operationId: 'createAuditExport',
    method: 'POST',
    path: '/v1/tenants/{tenantId}/audit/exports',
    handler: 'functions/audit/create-audit-export.ts',
    summary: 'Export the entries of a filter as CSV to S3, asynchronously; the export is itself audited',
    tags: ['audit'],
    access: { kind: 'permission', permission: 'audit:export' },
    grants: ['main:write'],
    request: { params: tenantPathSchema, body: createAuditExportBodySchema },
    responses: { 202: { description: 'Export accepted; poll its Location', schema: auditExportCreatedSchema } },
  },

  getAuditExport: {
    operationId: 'getAuditExport',
    method: 'GET',
    path: '/v1/tenants/{tenantId}/audit/exports/{exportId}',
    handler: 'functions/audit/get-audit-export.ts',
    summary: 'State of an export; once done, a download link valid for 15 minutes',
    tags: ['audit'],
    access: { kind: 'permission', permission: 'audit:export' },
    grants: ['main:read', 'main:recordSignIn', 'exports:read'],
    request: { params: auditExportPathSchema },
    responses: { 200: { description: 'The export', schema: auditExportSchema } },
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
