import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { repoRoot } from '../infra/paths';
import type { Identity } from '../shared/domain/actor';
import type { RouteDefinition } from '../shared/http/route-definition';
import { httpEvent, lambdaContext } from '../test/support/http-event';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
/**
 * Imported on first use, not at the top: the fixtures load shared/ modules, which must see the stack's environment.
 * Kept once imported: under tsx every `import()` resolves through the loader's hooks thread (about 0.4 ms of this
 * thread's CPU and a cross-thread round trip per call, measured), which would be timed as the handler's.
 */
let fixtures: Promise<typeof import('../test/support/fixtures')> | undefined;
const handlers = new Map<string, Promise<Handler>>();

/** A route's Lambda handler, imported once, in this process (the module the local stack runs too). */
export function handlerOf(route: RouteDefinition): Promise<Handler> {
  let loaded = handlers.get(route.handler);
  if (!loaded) {
    loaded = import(pathToFileURL(join(repoRoot, route.handler)).href).then(
      (module: { handler: Handler }) => module.handler,
    );
    handlers.set(route.handler, loaded);
  }
  return loaded;
}

export interface Request {
  readonly identity: Identity;
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** API Gateway's request id (default: a fresh UUID); the audit entries of the request carry it. */
  readonly requestId?: string;
}

/**
 * Calls the handler with the event API Gateway sends after its JWT authorizer (test/support/http-event),
 * as the integration tests do, and checks the status. The body is returned unparsed: parsing it is the
 * client's work, not the function's.
 */
export async function call(
  route: RouteDefinition,
  request: Request,
  expectStatus: number,
): Promise<APIGatewayProxyStructuredResultV2> {
  const handler = await handlerOf(route);
  fixtures ??= import('../test/support/fixtures');
  const { claimsOf } = await fixtures;
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
  const event = httpEvent({
    method: route.method,
    path,
    routeKey: `${route.method} ${route.path}`,
    pathParameters: request.params,
    query: request.query,
    headers: request.headers,
    body: request.body as object | undefined,
    claims: claimsOf(request.identity),
    requestId: request.requestId ?? randomUUID(),
  });
  const result = await handler(event, lambdaContext(route.operationId));
  if (result.statusCode !== expectStatus) {
    throw new Error(
      `${route.operationId}: expected ${expectStatus}, got ${result.statusCode}: ${String(result.body).slice(0, 500)}`,
    );
  }
  return result;
}
