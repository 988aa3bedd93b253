import type { RouteDefinition } from '../route-definition';
import { createTenantBodySchema, tenantPathSchema, tenantSchema, updateTenantBodySchema } from '../schemas/tenants';

/*
 * Routes served by `functions/tenants/*`. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; every route is its own
 * export, and a handler imports the module as a namespace (`memberRoutes.getMember`): esbuild keeps only
 * that route and the schemas it names (their constructions are pure, shared/http/schemas/common.ts), not
 * the module's other routes (docs/PERFORMANCE.md, figure 1).
 */
export const createTenant = {
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
} as const satisfies RouteDefinition;

export const updateTenant = {
  operationId: 'updateTenant',
  method: 'PATCH',
  path: '/v1/tenants/{tenantId}',
  handler: 'functions/tenants/update-tenant.ts',
  summary: 'Rename a tenant or change its seat limit',
  tags: ['platform'],
  access: { kind: 'platform-admin' },
  grants: ['main:write'],
  request: { params: tenantPathSchema, body: updateTenantBodySchema },
  responses: { 200: { description: 'Tenant updated', schema: tenantSchema } },
} as const satisfies RouteDefinition;

export const getTenant = {
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
} as const satisfies RouteDefinition;
