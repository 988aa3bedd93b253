import type { RouteDefinition } from '../route-definition';
import { authorizeBodySchema, authorizeResponseSchema } from '../schemas/authorization';
import { tenantPathSchema } from '../schemas/tenants';

/*
 * Routes served by `functions/authorization/*` (SPEC §10: decisions for other services). Part of THE route
 * table, `shared/http/routes.ts`. `authorize` uses `member-batched` access: the caller's membership is read
 * in the same BatchGetItem as the subject, the bots and the grants its checks name
 * (shared/services/authorization-service.ts), two round trips in all.
 */
export const authorize = {
  operationId: 'authorize',
  method: 'POST',
  path: '/v1/tenants/{tenantId}/authorize',
  handler: 'functions/authorization/authorize.ts',
  summary:
    "Decide 1-50 checks (permission, optionally on a bot and in one of its environments) for the caller or, with users:read, another member; read fresh every time, answered in the order asked with each decision's sources",
  tags: ['authorization'],
  access: { kind: 'member-batched' },
  grants: ['main:read', 'main:recordSignIn'],
  request: { params: tenantPathSchema, body: authorizeBodySchema },
  responses: {
    200: {
      description:
        'The subject and one decision per check. A suspended (or invited) subject is denied every check; a bot that does not exist in the tenant is `allowed: false`',
      schema: authorizeResponseSchema,
    },
  },
  problems: {
    400: {
      description:
        '`unknown_permission`: a permission outside the catalog; `permission_not_bot_scoped`: a tenant permission asked with a botId; `validation_failed`: no check or more than 50, or an environment without a botId. `errors` names each offending check (`body.checks.<i>.permission`)',
    },
    403: {
      description:
        "`forbidden`: another member's decisions need users:read; `member_suspended`: the caller's membership is suspended",
    },
    404: {
      description:
        '`member_not_found`: the subject is not a member of this tenant; `tenant_not_found`: the caller is not a member of it',
    },
  },
} as const satisfies RouteDefinition;
