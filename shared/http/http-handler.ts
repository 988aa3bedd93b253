import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { config } from '../config';
import type { BotCaller, Identity, LinkedIdentity, RequestMeta, TenantCaller } from '../domain/actor';
import { DomainError, PayloadTooLarge, ServiceUnavailable } from '../domain/errors';
import { logger } from '../observability';
import { defaultServiceDeps, type ServiceDeps } from '../services/service-deps';
import { identityFromEvent } from './middleware/authentication';
import { authorize } from './middleware/authorization';
import { parseIfMatch, parseRequestPart } from './middleware/validation';
import { problemResponse } from './problem';
import type { RouteDefinition } from './route-definition';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : Record<string, never>;
type RequestPart<R extends RouteDefinition, P extends 'params' | 'query' | 'body'> = R extends {
  request: { [K in P]: infer S };
}
  ? Parsed<S>
  : P extends 'body'
    ? undefined
    : Record<string, never>;

type CallerFor<K extends RouteDefinition['access']['kind']> = K extends 'public'
  ? undefined
  : K extends 'authenticated' | 'platform-admin'
    ? Identity
    : K extends 'bot'
      ? BotCaller
      : K extends 'member-batched'
        ? LinkedIdentity
        : TenantCaller;

/** What a handler receives: validated input, the authorized caller, and request metadata for auditing. */
export interface HttpRequest<R extends RouteDefinition> {
  readonly params: RequestPart<R, 'params'>;
  readonly query: RequestPart<R, 'query'>;
  readonly body: RequestPart<R, 'body'>;
  readonly caller: CallerFor<R['access']['kind']>;
  readonly meta: RequestMeta;
  /** The version from `If-Match`, when the client sent one. */
  readonly ifMatch: number | undefined;
  /** The request's method and raw path, as API Gateway received them (the `$default` fallback answers from them). */
  readonly method: string;
  readonly path: string;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly deps: ServiceDeps;
}

export interface HttpResult {
  readonly status: number;
  readonly body?: unknown;
  /** Sets `ETag` to the resource version, the value clients echo in If-Match. */
  readonly version?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export const json = (status: number, body: unknown, version?: number): HttpResult => ({ status, body, version });

interface HttpState {
  identity?: Identity;
  caller?: Identity | TenantCaller | LinkedIdentity;
  params?: unknown;
}
/** The Lambda context, carrying what the middlewares established to the handler. */
type HandlerContext = Context & { http?: HttpState };

/** Bodies larger than the API's limit are refused before anything parses them. */
const bodySizeLimit = (): MiddlewareObj<Event, Result> => ({
  before: ({ event }) => {
    if (!event.body) return;
    const limit = config().MAX_BODY_BYTES;
    const size = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
    if (size > limit) throw new PayloadTooLarge(limit);
  },
});

/** Maps every error to problem+json (STYLE 4); 5xx are logged with their cause but answered generically. */
const problemErrorHandler = (): MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    const error = request.error;
    const response = problemResponse(error, request.event.requestContext?.requestId);
    if ((response.statusCode ?? 500) >= 500) logger.error('request failed', { error: error as Error });
    else
      logger.info('request refused', {
        status: response.statusCode,
        code: error instanceof DomainError ? error.code : undefined,
      });
    request.response = response;
  },
});

/**
 * Headers of every API response, errors included, on top of http-security-headers (which adds CSP and
 * X-Frame-Options to HTML only): per the OWASP REST Security Cheat Sheet, a JSON answer is never cached,
 * framed or run as a document, whatever a browser makes of it.
 */
export const API_RESPONSE_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
} as const;

const apiResponseHeaders = (): MiddlewareObj<Event, Result> => {
  const set = ({ response }: { response?: Result | null }) => {
    if (response && typeof response === 'object') response.headers = { ...API_RESPONSE_HEADERS, ...response.headers };
  };
  return { after: set, onError: set };
};

/** The answer goes out this long before the function's own timeout would cut it off. */
export const DEADLINE_MARGIN_MS = 1_000;

/**
 * Never a hang: a request still running (a DynamoDB or Cognito call that never answers) shortly before
 * the function times out is answered with a 503 problem and Retry-After, with the usual headers, instead
 * of the platform's bare 500 at the timeout. The work itself is abandoned with the invocation.
 */
function withDeadline(
  securityHeaders: MiddlewareObj<Event, Result>,
  handler: (event: Event, context: HandlerContext) => Promise<Result>,
): (event: Event, context: Context) => Promise<Result> {
  return async (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    if (remaining === undefined || !(remaining > DEADLINE_MARGIN_MS)) return handler(event, context);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Result>((resolve) => {
      timer = setTimeout(() => {
        logger.error('request abandoned at the deadline', {
          route: event.routeKey,
          requestId: event.requestContext?.requestId,
        });
        const response = problemResponse(
          new ServiceUnavailable('The request took too long to process; retry later.'),
          event.requestContext?.requestId,
        );
        response.headers = { ...API_RESPONSE_HEADERS, ...response.headers };
        const request = { event, context, response, error: undefined, internal: {} };
        void Promise.resolve(securityHeaders.after?.(request as never)).then(() => resolve(request.response));
      }, remaining - DEADLINE_MARGIN_MS);
    });
    try {
      return await Promise.race([handler(event, context), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The one middy chain every API function is built with (STYLE 2), in a fixed order:
 * normalise → logger context → size limit → authenticate → validate path → authorize → parse and
 * validate query and body → handler; security headers and problem+json on the way out.
 * Input is validated only after authorization so that non-members cannot probe a tenant's routes.
 * The whole chain runs under a deadline (withDeadline).
 */
export function httpHandler<R extends RouteDefinition>(
  route: R,
  handle: (request: HttpRequest<R>) => Promise<HttpResult>,
): (event: Event, context: Context) => Promise<Result> {
  const needsToken = route.access.kind !== 'public';
  const parseBody = route.request?.body !== undefined;

  const authentication: MiddlewareObj<Event, Result, Error, HandlerContext> = {
    before: ({ event, context }) => {
      const state: HttpState = {};
      context.http = state;
      const tenantId = event.pathParameters?.tenantId;
      logger.appendKeys({ requestId: event.requestContext?.requestId, route: route.operationId, tenantId });
      if (needsToken) state.identity = identityFromEvent(event);
    },
  };
  const pathAndAuthorization: MiddlewareObj<Event, Result, Error, HandlerContext> = {
    before: async ({ event, context }) => {
      context.http ??= {};
      const state = context.http;
      const params = route.request?.params
        ? (parseRequestPart(route.request.params, event.pathParameters ?? {}, 'params') as Record<string, unknown>)
        : {};
      state.params = params;
      if (state.identity) {
        const tenantId = typeof params.tenantId === 'string' ? params.tenantId : undefined;
        const botId = typeof params.botId === 'string' ? params.botId : undefined;
        state.caller = await authorize(defaultServiceDeps(), route.access, state.identity, tenantId, botId);
      }
    },
  };

  const chain = middy<Event, Result, Error, HandlerContext>()
    .use(httpSecurityHeaders())
    // Before the problem handler, so that on errors its onError runs after the problem response exists.
    .use(apiResponseHeaders())
    .use(problemErrorHandler())
    .use(httpHeaderNormalizer())
    .use(httpEventNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(bodySizeLimit())
    .use(authentication)
    .use(pathAndAuthorization);
  // Routes without a body schema ignore whatever body is sent rather than parse it.
  if (parseBody) chain.use(httpJsonBodyParser());
  const securityHeaders = httpSecurityHeaders();
  return withDeadline(
    securityHeaders,
    chain.handler(async (event, context) => {
      const headers = event.headers ?? {};
      const request = {
        params: context.http?.params,
        query: route.request?.query
          ? parseRequestPart(route.request.query, event.queryStringParameters ?? {}, 'query')
          : {},
        body: route.request?.body ? parseRequestPart(route.request.body, event.body, 'body') : undefined,
        caller: context.http?.caller,
        meta: {
          requestId: event.requestContext.requestId,
          ip: event.requestContext.http?.sourceIp,
          userAgent: headers['user-agent']?.slice(0, 512),
        },
        ifMatch: parseIfMatch(headers['if-match']),
        method: event.requestContext.http?.method ?? '',
        path: event.rawPath ?? '',
        headers,
        deps: defaultServiceDeps(),
      } as HttpRequest<R>;
      const result = await handle(request);
      return {
        statusCode: result.status,
        headers: {
          ...(result.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(result.version !== undefined ? { etag: `"${result.version}"` } : {}),
          ...result.headers,
        },
        body: result.body === undefined ? '' : JSON.stringify(result.body),
      };
    }),
  );
}
