import type { RouteDefinition } from '../route-definition';
import { permissionCatalogSchema } from '../schemas/permissions';
import {
  createRoleBodySchema,
  deleteRoleQuerySchema,
  listRolesQuerySchema,
  roleListSchema,
  rolePathSchema,
  roleSchema,
  updateRoleBodySchema,
} from '../schemas/roles';
import { tenantPathSchema } from '../schemas/tenants';

/*
 * Routes served by `functions/roles/*`: the permission catalog and roles. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; every route is its own
 * export, and a handler imports the module as a namespace (`memberRoutes.getMember`): esbuild keeps only
 * that route and the schemas it names (their constructions are pure, shared/http/schemas/common.ts), not
 * the module's other routes (docs/PERFORMANCE.md, figure 1).
 */
export const listPermissions = {
  operationId: 'listPermissions',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/permissions',
  handler: 'functions/roles/list-permissions.ts',
  summary: 'Permission catalog grouped by module, each permission with its scope (tenant or bot) and implications',
  tags: ['roles'],
  access: { kind: 'member' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: tenantPathSchema },
  responses: { 200: { description: 'The catalog', schema: permissionCatalogSchema } },
} as const satisfies RouteDefinition;

export const listRoles = {
  operationId: 'listRoles',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/roles',
  handler: 'functions/roles/list-roles.ts',
  summary: 'Built-in and custom roles of the tenant, tenant and bot roles (?scope= keeps one)',
  tags: ['roles'],
  access: { kind: 'permission', permission: 'users:read' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: tenantPathSchema, query: listRolesQuerySchema },
  responses: { 200: { description: 'Roles', schema: roleListSchema } },
} as const satisfies RouteDefinition;

export const getRole = {
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
} as const satisfies RouteDefinition;

export const createRole = {
  operationId: 'createRole',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/roles',
  handler: 'functions/roles/create-role.ts',
  summary:
    'Create a custom tenant or bot role (scope), optionally from a copy of another of the same scope; one with every permission of Admin only by the Owner',
  tags: ['roles'],
  access: { kind: 'permission', permission: 'roles:manage' },
  grants: ['main:write'],
  request: { params: tenantPathSchema, body: createRoleBodySchema },
  responses: { 201: { description: 'The role', schema: roleSchema } },
} as const satisfies RouteDefinition;

export const updateRole = {
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
  problems: {
    409: {
      description:
        '`role_name_taken`, `role_immutable`, or `concurrent_change`: a role involved was given to someone or edited at the same moment, and the request lost that race each time it was judged again; nothing was written, retry',
    },
  },
} as const satisfies RouteDefinition;

export const deleteRole = {
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
  problems: {
    409: {
      description:
        '`role_in_use` (with `count`), `role_immutable`, `invalid_reassignment`, or `concurrent_change`: a holder, the role or the replacement changed while holders were being moved; repeat the DELETE (it is judged again and resumes)',
    },
  },
} as const satisfies RouteDefinition;
