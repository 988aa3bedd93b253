import type { RouteDefinition } from '../route-definition';
import {
  botAccessEntrySchema,
  botAccessPageSchema,
  botAccessPathSchema,
  botPageSchema,
  botPathSchema,
  botSchema,
  createBotBodySchema,
  listBotAccessQuerySchema,
  listBotsQuerySchema,
  setBotAccessBodySchema,
  transferBotOwnershipBodySchema,
  updateBotBodySchema,
} from '../schemas/bots';
import { tenantPathSchema } from '../schemas/tenants';

const botNotFound = {
  description: '`bot_not_found`: no such bot in this tenant (a bot of another tenant is answered the same way)',
};

/*
 * Routes served by `functions/bots/*` (SPEC §7: bots as resources). Part of THE route table,
 * `shared/http/routes.ts`. Routes on one bot use `bot` access: the caller's membership, the bot and their
 * grant on it are read together (shared/services/caller-service.ts, resolveBotCaller).
 */
export const createBot = {
  operationId: 'createBot',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/bots',
  handler: 'functions/bots/create-bot.ts',
  summary: 'Register a bot; the caller becomes its Bot Owner (bot-owner) in the same transaction',
  tags: ['bots'],
  access: { kind: 'permission', permission: 'bots:create' },
  grants: ['main:write'],
  request: { params: tenantPathSchema, body: createBotBodySchema },
  responses: { 201: { description: 'The bot', schema: botSchema } },
  problems: { 409: { description: '`bot_exists`: a bot with this id is registered in the tenant already' } },
} as const satisfies RouteDefinition;

export const listBots = {
  operationId: 'listBots',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/bots',
  handler: 'functions/bots/list-bots.ts',
  summary: "The bot directory (any active member): bots by id, or by name or id prefix (q), with the caller's access",
  tags: ['bots'],
  access: { kind: 'member' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: tenantPathSchema, query: listBotsQuerySchema },
  responses: { 200: { description: 'A page of bots', schema: botPageSchema } },
} as const satisfies RouteDefinition;

export const getBot = {
  operationId: 'getBot',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/bots/{botId}',
  handler: 'functions/bots/get-bot.ts',
  summary: "One bot (any active member), with the caller's roles and effective permissions on it",
  tags: ['bots'],
  access: { kind: 'bot' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: botPathSchema },
  responses: { 200: { description: 'The bot', schema: botSchema } },
  problems: { 404: botNotFound },
} as const satisfies RouteDefinition;

export const updateBot = {
  operationId: 'updateBot',
  method: 'PATCH',
  path: '/v1/tenants/{tenantId}/bots/{botId}',
  handler: 'functions/bots/update-bot.ts',
  summary:
    'Rename a bot or change its environments (bots:configure on it, tenant-wide or through a bot role; If-Match: version)',
  tags: ['bots'],
  access: { kind: 'bot', permission: 'bots:configure' },
  grants: ['main:write'],
  request: { params: botPathSchema, body: updateBotBodySchema },
  responses: { 200: { description: 'The bot', schema: botSchema } },
  problems: {
    404: botNotFound,
    409: {
      description:
        '`environment_in_use`: an environment the request drops is one some access to the bot is limited to ' +
        '(`environments`: those, `principals`: up to 10 holders as `{type, id}`, `count`: all); change that ' +
        'access first. Nothing is changed.',
    },
  },
} as const satisfies RouteDefinition;

export const deleteBot = {
  operationId: 'deleteBot',
  method: 'DELETE',
  path: '/v1/tenants/{tenantId}/bots/{botId}',
  handler: 'functions/bots/delete-bot.ts',
  summary:
    'Delete a bot and every grant on it, with one audit event (bots:delete on it: the tenant Owner or the Bot Owner; Admins may not)',
  tags: ['bots'],
  access: { kind: 'bot', permission: 'bots:delete' },
  grants: ['main:write'],
  request: { params: botPathSchema },
  responses: { 204: { description: 'Deleted' } },
  problems: { 404: botNotFound },
} as const satisfies RouteDefinition;

export const transferBotOwnership = {
  operationId: 'transferBotOwnership',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/bots/{botId}/transfer-ownership',
  handler: 'functions/bots/transfer-bot-ownership.ts',
  summary:
    'Make another active member the Bot Owner (the Bot Owner or the tenant Owner); the former Bot Owner becomes Bot Admin of the bot',
  tags: ['bots'],
  access: { kind: 'bot' },
  grants: ['main:write'],
  request: { params: botPathSchema, body: transferBotOwnershipBodySchema },
  responses: { 200: { description: 'The bot', schema: botSchema } },
  problems: {
    403: { description: '`bot_owner_required`: only the Bot Owner or the tenant Owner may transfer the bot' },
    404: {
      description: '`bot_not_found` (no such bot in this tenant), or `member_not_found` (no such member)',
    },
    409: {
      description: '`invalid_state`: the member is not active; `invalid_transfer`: they own the bot already',
    },
  },
} as const satisfies RouteDefinition;

export const listBotAccess = {
  operationId: 'listBotAccess',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/bots/{botId}/access',
  handler: 'functions/bots/list-bot-access.ts',
  summary:
    "Who has access to a bot: every member and group with roles on it (groups labelled by name), with each role's environments and expiry; with `permission`, only those who hold that permission on it, with its sources (collaborators:read on the bot)",
  tags: ['bots'],
  access: { kind: 'bot', permission: 'collaborators:read' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: botPathSchema, query: listBotAccessQuerySchema },
  responses: { 200: { description: 'A page of the access list, in principal order', schema: botAccessPageSchema } },
  problems: { 404: botNotFound },
} as const satisfies RouteDefinition;

export const setBotAccess = {
  operationId: 'setBotAccess',
  method: 'PUT',
  path: '/v1/tenants/{tenantId}/bots/{botId}/access/{principalType}/{principalId}',
  handler: 'functions/bots/set-bot-access.ts',
  summary:
    "Set a member's (or group's) roles on a bot; `[]` removes their access (collaborators:manage on the bot). Applies on their next request; one `bot_access.changed` audit event",
  description: [
    'Escalation rules apply per bot: the caller may grant only permissions they hold on this bot (tenant-wide',
    'grants count), in every environment the assignment covers; `bot-owner` is never granted or taken away this',
    'way (registration sets it, transfer-ownership moves it); `bot-admin` only by the Bot Owner or a tenant',
    'Owner or Admin. A role that `requires` another (Approver requires Developer) must be held with it, the',
    'required one covering the same environments for at least as long. A group (principalType `group`) holds',
    'bot roles for its members: each active member of it holds them on their next request (source',
    "`group:<groupId>`), as long as they belong to the group; prerequisites are judged on the group's own grant.",
  ].join(' '),
  tags: ['bots'],
  access: { kind: 'bot', permission: 'collaborators:manage' },
  grants: ['main:write'],
  request: { params: botAccessPathSchema, body: setBotAccessBodySchema },
  responses: { 200: { description: "The principal's entry in the access list", schema: botAccessEntrySchema } },
  problems: {
    400: {
      description:
        '`unknown_role`; `role_scope_mismatch` (a tenant role on a bot); `environment_not_on_bot`; an `expiresAt` in the past',
    },
    403: {
      description:
        '`escalation_denied` (a permission the caller lacks on this bot), `bot_owner_not_grantable`, `bot_admin_requires_owner`',
    },
    404: {
      description:
        "`bot_not_found`, `member_not_found`, or `group_not_found` (an unknown group, another tenant's, or one being deleted)",
    },
    409: {
      description:
        '`role_prerequisite_missing` (names both roles); `invalid_state` (the member has not joined yet); `concurrent_change` (access changed meanwhile; retry)',
    },
  },
} as const satisfies RouteDefinition;
