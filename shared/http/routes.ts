import type { RouteDefinition } from './route-definition';
import { tenantPathSchema, tenantSchema, createTenantBodySchema, updateTenantBodySchema } from './schemas/tenants';
import { permissionCatalogSchema } from './schemas/permissions';
import { roleListSchema, rolePathSchema, roleSchema } from './schemas/roles';
import { listMembersQuerySchema, memberPageSchema, memberPathSchema, memberSchema } from './schemas/members';
import { meSchema } from './schemas/me';

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
    grants: ['main:write'],
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
