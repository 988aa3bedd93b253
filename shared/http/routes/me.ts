import type { RouteDefinition } from '../route-definition';
import { myInvitationsSchema } from '../schemas/invitations';
import { meSchema } from '../schemas/me';

/**
 * Routes served by `functions/me/*`: the caller's own view, across tenants. Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; a handler imports only its own
 * resource's module, so that its bundle builds only these schemas.
 */
export const meRoutes = {
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
