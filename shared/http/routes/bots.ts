import type { RouteDefinition } from '../route-definition';
import {
  botPageSchema,
  botPathSchema,
  botSchema,
  createBotBodySchema,
  listBotsQuerySchema,
  transferBotOwnershipBodySchema,
  updateBotBodySchema,
} from '../schemas/bots';
import { tenantPathSchema } from '../schemas/tenants';

const botNotFound = {
  description: '`bot_not_found`: no such bot in this tenant (a bot of another tenant is answered the same way)',
};

/**
 * Routes served by `functions/bots/*` (SPEC §7: bots as resources). Part of THE route table,
 * `shared/http/routes.ts`. Routes on one bot use `bot` access: the caller's membership, the bot and their
 * grant on it are read together (shared/services/caller-service.ts, resolveBotCaller).
 */
export const botRoutes = {
  createBot: {
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
  },

  listBots: {
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
  },

  getBot: {
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
  },

  updateBot: {
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
  },

  deleteBot: {
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
  },

  transferBotOwnership: {
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
  },
} as const satisfies Record<string, RouteDefinition>;
