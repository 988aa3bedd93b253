import type { RouteDefinition } from '../route-definition';
import {
  accessRequestPageSchema,
  accessRequestPathSchema,
  accessRequestSchema,
  approveAccessRequestBodySchema,
  createAccessRequestBodySchema,
  denyAccessRequestBodySchema,
  listAccessRequestsQuerySchema,
} from '../schemas/access-requests';
import { tenantPathSchema } from '../schemas/tenants';

const requestNotFound = {
  description:
    '`access_request_not_found`: no such request in this tenant, or the caller is neither its requester nor an approver of its bot',
};
const invalidState = {
  description:
    '`invalid_state`: the request is not pending any more (approved, denied, cancelled, expired), also when another decision won meanwhile',
};

/*
 * Routes served by `functions/access-requests/*` (SPEC §9): members ask for roles on a bot, the bot's
 * approvers (`collaborators:manage` on it) decide. Part of THE route table, `shared/http/routes.ts`. The bot is
 * named in the body or the request, not the path, so access is `member` and the service judges the caller on
 * the request's bot (shared/services/access-request-service.ts).
 */
export const createAccessRequest = {
  operationId: 'createAccessRequest',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/access-requests',
  handler: 'functions/access-requests/create-access-request.ts',
  summary:
    "Ask for roles on a bot (any active member); pending for 14 days; the bot's approvers are notified (in-app and email)",
  tags: ['access-requests'],
  access: { kind: 'member' },
  grants: ['main:write'],
  request: { params: tenantPathSchema, body: createAccessRequestBodySchema },
  responses: { 201: { description: 'The pending request', schema: accessRequestSchema } },
  problems: {
    400: {
      description:
        '`unknown_role`, `role_scope_mismatch` (a tenant role), `bot_owner_not_requestable`, `environment_not_on_bot`',
    },
    404: {
      description: '`bot_not_found`: no such bot in this tenant (another tenant’s bot is answered the same way)',
    },
    409: {
      description:
        '`request_pending` (the caller has a pending request on this bot), `already_has_access` (the roles give nothing the caller lacks on the bot in the environments asked for), `role_prerequisite_missing` (judged on what the caller would hold once granted)',
    },
  },
} as const satisfies RouteDefinition;

export const listAccessRequests = {
  operationId: 'listAccessRequests',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/access-requests',
  handler: 'functions/access-requests/list-access-requests.ts',
  summary:
    "Access requests, newest first: with mine=true the caller's own; with botId that bot's (collaborators:manage on it); otherwise all of the tenant's (collaborators:manage tenant-wide)",
  description: [
    "Each filter is one key-condition query. A bot's or a requester's requests of every status are ordered by",
    'status (pending first), then newest first. An approver of single bots (not tenant-wide) names the bot.',
  ].join(' '),
  tags: ['access-requests'],
  access: { kind: 'member' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: tenantPathSchema, query: listAccessRequestsQuerySchema },
  responses: { 200: { description: 'A page of access requests', schema: accessRequestPageSchema } },
  problems: {
    400: {
      description: '`bot_id_required` (no botId, and collaborators:manage only on some bots); `invalid_cursor`',
    },
    403: { description: '`forbidden`: no collaborators:manage on the bot named' },
    404: { description: '`bot_not_found`' },
  },
} as const satisfies RouteDefinition;

export const getAccessRequest = {
  operationId: 'getAccessRequest',
  method: 'GET',
  path: '/v1/tenants/{tenantId}/access-requests/{requestId}',
  handler: 'functions/access-requests/get-access-request.ts',
  summary: 'One access request (its requester, or an approver of its bot)',
  tags: ['access-requests'],
  access: { kind: 'member' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: accessRequestPathSchema },
  responses: { 200: { description: 'The request', schema: accessRequestSchema } },
  problems: { 404: requestNotFound },
} as const satisfies RouteDefinition;

export const approveAccessRequest = {
  operationId: 'approveAccessRequest',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/access-requests/{requestId}/approve',
  handler: 'functions/access-requests/approve-access-request.ts',
  summary:
    "Approve a pending request (collaborators:manage on its bot), possibly narrowed: the roles join the requester's access to the bot; the requester is notified",
  description: [
    'The escalation rules of PUT /bots/{botId}/access apply: the approver grants only permissions they hold on',
    'the bot in the environments covered, Bot Admin only by the Bot Owner or a tenant Owner/Admin; role',
    "prerequisites hold afterwards. The roles are merged into the requester's grant on the bot, in one",
    'transaction with the request becoming approved: of concurrent approvals one grants, the others get 409.',
  ].join(' '),
  tags: ['access-requests'],
  access: { kind: 'member' },
  grants: ['main:write'],
  request: { params: accessRequestPathSchema, body: approveAccessRequestBodySchema },
  responses: { 200: { description: 'The approved request', schema: accessRequestSchema } },
  problems: {
    400: {
      description:
        '`roles_not_requested` (a role or environment beyond the request), `unknown_role` (a custom role deleted since), an `expiresAt` in the past',
    },
    403: {
      description:
        '`forbidden` (the requester, or someone without collaborators:manage on the bot), `escalation_denied`, `bot_admin_requires_owner`',
    },
    404: { description: `${requestNotFound.description}; \`bot_not_found\` (the bot was deleted)` },
    409: {
      description: `${invalidState.description}; or the requester is no longer an active member. \`role_prerequisite_missing\`; \`concurrent_change\``,
    },
  },
} as const satisfies RouteDefinition;

export const denyAccessRequest = {
  operationId: 'denyAccessRequest',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/access-requests/{requestId}/deny',
  handler: 'functions/access-requests/deny-access-request.ts',
  summary:
    'Deny a pending request (collaborators:manage on its bot), with an optional reason; the requester is notified',
  tags: ['access-requests'],
  access: { kind: 'member' },
  grants: ['main:write'],
  request: { params: accessRequestPathSchema, body: denyAccessRequestBodySchema },
  responses: { 200: { description: 'The denied request', schema: accessRequestSchema } },
  problems: {
    403: { description: '`forbidden`: the requester, or someone without collaborators:manage on the bot' },
    404: requestNotFound,
    409: invalidState,
  },
} as const satisfies RouteDefinition;

export const cancelAccessRequest = {
  operationId: 'cancelAccessRequest',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/access-requests/{requestId}/cancel',
  handler: 'functions/access-requests/cancel-access-request.ts',
  summary: 'Withdraw a pending request (its requester only)',
  tags: ['access-requests'],
  access: { kind: 'member' },
  grants: ['main:write'],
  request: { params: accessRequestPathSchema },
  responses: { 200: { description: 'The cancelled request', schema: accessRequestSchema } },
  problems: {
    403: { description: '`requester_only`: an approver may deny it, not cancel it' },
    404: requestNotFound,
    409: invalidState,
  },
} as const satisfies RouteDefinition;
