import type { RouteDefinition } from '../route-definition';

/*
 * Routes served by `functions/meta/*`: the OpenAPI document (and, apart, the 404 fallback). Part of THE route table,
 * `shared/http/routes.ts`, which assembles every resource's module; every route is its own
 * export, and a handler imports the module as a namespace (`memberRoutes.getMember`): esbuild keeps only
 * that route and the schemas it names (their constructions are pure, shared/http/schemas/common.ts), not
 * the module's other routes (docs/PERFORMANCE.md, figure 1).
 */
export const getOpenApi = {
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/v1/openapi.json',
  handler: 'functions/meta/get-openapi.ts',
  summary: 'The OpenAPI 3.1 document of this API',
  tags: ['meta'],
  access: { kind: 'public' },
  grants: [],
  responses: { 200: { description: 'OpenAPI document' } },
} as const satisfies RouteDefinition;

/**
 * Requests that match no route get a problem+json from this function (API Gateway `$default`) rather
 * than API Gateway's own plain body: 405 with `Allow` for a path the table serves with other methods,
 * 404 otherwise. It is not in `routeList`: it serves no path of its own.
 */
export const fallbackRoute = {
  operationId: 'notFound',
  method: 'GET',
  path: '$default',
  handler: 'functions/meta/not-found.ts',
  summary: 'Problem+json 404 (or 405 with Allow, for a known path) for every unmatched request',
  tags: ['meta'],
  access: { kind: 'public' },
  grants: [],
  responses: {},
} as const satisfies RouteDefinition;
