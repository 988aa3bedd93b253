import type { RouteDefinition } from '../route-definition';
import {
  listMemberBotsQuerySchema,
  listMembersQuerySchema,
  memberBotPageSchema,
  memberPageSchema,
  memberPathSchema,
  memberSchema,
  transferOwnershipBodySchema,
  updateMemberBodySchema,
} from '../schemas/members';
import { tenantPathSchema } from '../schemas/tenants';

/*
 * Routes served by `functions/members/*`. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; every route is its own
 * export, and a handler imports the module as a namespace (`memberRoutes.getMember`): esbuild keeps only
 * that route and the schemas it names (their constructions are pure, shared/http/schemas/common.ts), not
 * the module's other routes (docs/PERFORMANCE.md, figure 1).
 */
export const listMembers = {
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
} as const satisfies RouteDefinition;

export const getMember = {
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
} as const satisfies RouteDefinition;

export const listMemberBots = {
  operationId: 'listMemberBots',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/members/{memberId}/bots',
  handler: 'functions/members/list-member-bots.ts',
  summary:
    "The bots where a member holds a permission (or any access), each with the member's roles and effective permissions on it and their sources (users:read, or the member themself); cursor-paginated, pages never silently short",
  tags: ['members', 'bots'],
  access: { kind: 'permission-or-self', permission: 'users:read' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: memberPathSchema, query: listMemberBotsQuerySchema },
  responses: {
    200: {
      description:
        "A page of the member's bots in bot id order. A member holding the permission tenant-wide (without `permission`: any bot-scoped permission, e.g. the Owner or an Admin) has it on every bot of the tenant. A suspended member's bots are listed too (what they hold, though every decision denies them)",
      schema: memberBotPageSchema,
    },
  },
  problems: {
    400: {
      description:
        '`invalid_cursor`: the cursor belongs to another list or filter, or the member gained or lost permissions held tenant-wide since it was issued (start again); `validation_failed`',
    },
    404: { description: '`member_not_found`: no such member in this tenant' },
  },
} as const satisfies RouteDefinition;

export const updateMember = {
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
  problems: {
    409: {
      description:
        '`invalid_state`, or `concurrent_change`: a role involved was given to someone or edited at the same moment, and the request lost that race each time it was judged again; nothing was written, retry',
    },
  },
} as const satisfies RouteDefinition;

export const suspendMember = {
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
} as const satisfies RouteDefinition;

export const reactivateMember = {
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
} as const satisfies RouteDefinition;

export const removeMember = {
  operationId: 'removeMember',
  method: 'DELETE',
  path: '/v1/tenants/{tenantId}/members/{memberId}',
  handler: 'functions/members/remove-member.ts',
  summary: 'Remove a suspended member for good, with every bot grant they hold; the seat is freed',
  tags: ['members'],
  access: { kind: 'permission', permission: 'users:write' },
  grants: ['main:write'],
  request: { params: memberPathSchema },
  responses: { 204: { description: 'Removed' } },
  problems: {
    409: {
      description:
        '`invalid_state`: the member is not suspended; `member_owns_bots`: the member is the Bot Owner of bots ' +
        '(`botIds`: up to 10 of them, `count`: all), transfer their ownership first; `concurrent_change`: ' +
        "the member's access to a bot kept changing meanwhile, retry",
    },
  },
} as const satisfies RouteDefinition;

export const transferOwnership = {
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
} as const satisfies RouteDefinition;
