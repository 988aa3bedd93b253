import { MethodNotAllowed, NotFound } from '../../shared/domain/errors';
import { httpHandler } from '../../shared/http/http-handler';
import { allowedMethods, compileRoutes, type RouteKey } from '../../shared/http/route-matching';
import { fallbackRoute } from '../../shared/http/routes/meta';

/**
 * API Gateway's `$default` route: whatever no route of the table matched. A path the table serves with
 * other methods is a 405 with `Allow`; anything else a 404.
 *
 * The table's methods and paths are defined at build time as a JSON string (`functionBundling` in
 * infra/constructs/service-function.ts), so that the bundle carries neither the route modules nor their
 * schemas and esbuild drops the branch below. Run unbundled (local server, tests), it reads the table.
 */
declare const __ROUTE_KEYS_JSON__: string | undefined;

const routeKeys: readonly RouteKey[] =
  typeof __ROUTE_KEYS_JSON__ === 'string'
    ? (JSON.parse(__ROUTE_KEYS_JSON__) as RouteKey[])
    : (await import('../../shared/http/routes')).routeList;
const table = compileRoutes(routeKeys);

export const handler = httpHandler(fallbackRoute, ({ path }) => {
  const allow = allowedMethods(table, path);
  return Promise.reject(
    allow.length > 0
      ? new MethodNotAllowed(allow)
      : new NotFound('No route matches this method and path; see /v1/openapi.json. The resource', 'route_not_found'),
  );
});
