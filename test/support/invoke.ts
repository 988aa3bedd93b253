import type { Identity } from '../../shared/domain/actor';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { claimsOf } from './fixtures';
import { httpEvent, lambdaContext, type ParsedResult, parseResult } from './http-event';

const modules = new Map<string, Promise<{ handler: (event: unknown, context: unknown) => Promise<unknown> }>>();

/**
 * Invokes a route's Lambda handler in-process with the event API Gateway would send after its JWT
 * authorizer accepted `identity`'s token. Integration tests use this; e2e tests go through HTTP.
 */
export async function invoke(
  route: RouteDefinition,
  input: {
    identity?: Identity;
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
    /** API Gateway's request id, to find the audit entries the request caused. */
    requestId?: string;
  } = {},
): Promise<ParsedResult> {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(input.params?.[name] ?? `missing-${name}`),
  );
  let loaded = modules.get(route.handler);
  if (!loaded) {
    loaded = import(/* @vite-ignore */ `../../${route.handler}`);
    modules.set(route.handler, loaded);
  }
  const { handler } = await loaded;
  const event = httpEvent({
    method: route.method,
    path,
    routeKey: `${route.method} ${route.path}`,
    pathParameters: input.params,
    query: input.query,
    headers: input.headers,
    body: input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : (input.body as object),
    claims: input.identity ? claimsOf(input.identity) : null,
    requestId: input.requestId,
  });
  return parseResult((await handler(event, lambdaContext(route.operationId))) as never);
}
