import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithRequestContext,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE, problemType } from '../../shared/http/problem';
import { type RouteDefinition, requiresToken } from '../../shared/http/route-definition';
import { type CompiledRoute as CompiledRouteOf, compileRoutes, matchRoute } from '../../shared/http/route-matching';
import type { JwtAuthorizer } from './jwt-authorizer';
import { type LambdaRuntime, LambdaTimeoutError } from './lambda-runtime';
import { errorFields, type StackLogger } from './log';

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0) in front of the route table's Lambdas.
 *
 * - Serves exactly `routes`, matched as API Gateway matches them (shared/http/route-matching.ts); anything
 *   else (unknown path, or a known path with another method, HEAD and non-preflight OPTIONS included) goes
 *   to `fallback`, like API Gateway's `$default` route (it answers 404, or 405 with `Allow`).
 * - Routes that need a token go through the JWT authorizer first; failures are a 401 problem+json with
 *   `www-authenticate: Bearer`, and the handler is not called.
 * - CORS as API Gateway does it with a `corsPreflight` configuration (infra/constructs/api.ts): preflights
 *   (OPTIONS with Origin and Access-Control-Request-Method) are answered here with 204; on other responses
 *   CORS headers from the handler are dropped and ours are set when the Origin is allowed.
 * - Bodies above 10 MB (API Gateway's payload limit) are refused with 413; the API's own smaller limit is
 *   the handlers' business.
 * - A handler that throws, times out (30 s, API Gateway's integration timeout) or returns something API
 *   Gateway could not map becomes a 500/503 problem+json with no internal detail.
 * - One JSON log line per request: method, path, route, status, ms, request id. Never headers, bodies or
 *   query strings (invitation tokens travel in `?token=`).
 *
 * Local-only endpoints, not part of the route table and never deployed, live under `/__local/`:
 * `POST /__local/drain` waits until the stream consumer has processed every record written so far,
 * `POST /__local/jobs/{name}` runs a scheduled job once (a JSON body becomes the event's `detail`), and
 * `POST /__local/faults/ses` takes SES down or back up. They are registered only when `internal` is given.
 */
/** The payload 2.0 event; `authorizer` is present on routes with the JWT authorizer. */
export type HttpApiEvent = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & { authorizer?: APIGatewayEventRequestContextJWTAuthorizer }
>;

export interface ApiServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly routes: readonly RouteDefinition[];
  readonly fallback: { readonly operationId: string; readonly handler: string };
  readonly runtime: LambdaRuntime;
  readonly authorizer: JwtAuthorizer;
  readonly region: string;
  readonly accountId: string;
  readonly apiId?: string;
  readonly cors?: { readonly allowOrigins: readonly string[] };
  readonly internal?: {
    drain(timeoutMs: number): Promise<{ processed: number }>;
    /** `detail` is the request's JSON body, if any: the scheduled event's `detail`. */
    runJob(name: string, detail?: Record<string, unknown>): Promise<unknown>;
    /** Takes SES down (or back up), for everyone or for some recipients (scripts/local/ses-fault-proxy.ts). */
    sesFault?(fault: { down: boolean; recipientsContaining?: string }): unknown;
  };
  readonly log: StackLogger;
  /** Log each request (default true). */
  readonly logRequests?: boolean;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** API Gateway's request payload limit. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP API's maximum integration timeout. */
const INTEGRATION_TIMEOUT_MS = 30_000;
// Mirrors corsPreflight in infra/constructs/api.ts.
const CORS_ALLOW_HEADERS = 'authorization,content-type,if-match';
const CORS_EXPOSE_HEADERS = 'etag,location';
const CORS_MAX_AGE_SECONDS = '3600';

type CompiledRoute = CompiledRouteOf<RouteDefinition>;

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const compiled = compileRoutes(options.routes);
  const apiId = options.apiId ?? 'local';
  const logRequests = options.logRequests ?? true;

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const requestId = apigwRequestId();
    let routeName: string | undefined;
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const queryStart = rawUrl.indexOf('?');
    const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
    res.setHeader('apigw-requestid', requestId);
    res.once('finish', () => {
      if (!logRequests) return;
      options.log.info('request', {
        method,
        path: rawPath,
        route: routeName,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        requestId,
      });
    });

    const handle = async (): Promise<void> => {
      if (options.internal && rawPath.startsWith('/__local/')) {
        routeName = 'local-internal';
        await handleInternal(req, res, rawPath, options.internal);
        return;
      }

      if (method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
        routeName = 'cors-preflight';
        answerPreflight(req, res, compiled, options.cors);
        return;
      }

      const match = matchRoute(compiled, method, rawPath);
      const target = match
        ? {
            operationId: match.compiled.route.operationId,
            handler: match.compiled.route.handler,
            routeKey: match.compiled.routeKey,
          }
        : { operationId: options.fallback.operationId, handler: options.fallback.handler, routeKey: '$default' };
      routeName = target.operationId;

      const body = await readBody(req, MAX_REQUEST_BYTES);
      if (body === 'too-large') {
        res.setHeader('connection', 'close');
        sendProblem(
          res,
          413,
          'Payload too large',
          `Request bodies are limited to ${MAX_REQUEST_BYTES} bytes.`,
          'payload_too_large',
          requestId,
        );
        // Stop reading what is left of the upload.
        res.once('finish', () => req.destroy());
        return;
      }

      let authorizer: APIGatewayEventRequestContextJWTAuthorizer | undefined;
      if (match && requiresToken(match.compiled.route)) {
        const result = await options.authorizer.authorize(req.headers.authorization);
        if (!result.ok) {
          sendProblem(res, 401, 'Unauthorized', result.detail, 'unauthorized', requestId, {
            'www-authenticate': 'Bearer',
          });
          return;
        }
        authorizer = { jwt: { claims: result.claims, scopes: result.scopes } };
      }

      const event = buildEvent({
        req,
        rawUrl,
        rawPath,
        body,
        routeKey: target.routeKey,
        pathParameters: match?.pathParameters,
        requestId,
        apiId,
        accountId: options.accountId,
        authorizer,
      });

      let result: unknown;
      try {
        result = await options.runtime.invoke(target.handler, target.operationId, event, INTEGRATION_TIMEOUT_MS);
      } catch (error) {
        if (error instanceof LambdaTimeoutError) {
          options.log.error('handler timed out', { route: target.operationId, requestId });
          sendProblem(
            res,
            503,
            'Service unavailable',
            'The request took too long to process.',
            'service_unavailable',
            requestId,
          );
        } else {
          options.log.error('handler failed', { route: target.operationId, requestId, ...errorFields(error) });
          sendInternalError(res, requestId);
        }
        return;
      }
      const response = toHttpResponse(result);
      if (!response) {
        options.log.error('handler returned a response API Gateway cannot map', {
          route: target.operationId,
          requestId,
        });
        sendInternalError(res, requestId);
        return;
      }
      res.statusCode = response.statusCode;
      for (const [name, value] of Object.entries(response.headers)) {
        // With a CORS configuration API Gateway ignores the integration's CORS headers.
        if (options.cors && name.startsWith('access-control-')) continue;
        res.setHeader(name, value);
      }
      const origin = req.headers.origin;
      if (origin && options.cors && originAllowed(options.cors, origin)) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS);
        res.setHeader('vary', 'origin');
      }
      if (response.cookies.length > 0) res.setHeader('set-cookie', response.cookies);
      res.setHeader('content-length', response.body.length);
      res.end(response.body);
    };

    handle().catch((error: unknown) => {
      options.log.error('local API server failed', { path: rawPath, requestId, ...errorFields(error) });
      if (!res.headersSent) sendInternalError(res, requestId);
      else res.destroy();
    });
  });
  // Keep-alive sockets must not hold `close()` up (tests, Ctrl-C): see close() below.
  server.keepAliveTimeout = 5000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the caller answers 413 and closes the connection.
        req.pause();
        req.off('data', onData);
        req.off('end', onEnd);
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

/** Content types API Gateway passes as text; every other body (or one without a type) arrives base64. */
function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

interface EventInput {
  req: IncomingMessage;
  rawUrl: string;
  rawPath: string;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
  requestId: string;
  apiId: string;
  accountId: string;
  authorizer: APIGatewayEventRequestContextJWTAuthorizer | undefined;
}

/** The payload format 2.0 event API Gateway sends to a Lambda integration. */
export function buildEvent(input: EventInput): HttpApiEvent {
  const { req } = input;
  const queryStart = input.rawUrl.indexOf('?');
  const rawQueryString = queryStart === -1 ? '' : input.rawUrl.slice(queryStart + 1);

  // Header names lower-cased, repeated headers joined with commas; cookies move to `cookies`.
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((value) =>
        value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = values.join(',');
  }
  const sourceIp = normalizeIp(req.socket.remoteAddress);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString !== '') {
    queryStringParameters = {};
    for (const [key, value] of new URLSearchParams(rawQueryString)) {
      const existing = queryStringParameters[key];
      queryStringParameters[key] = existing === undefined ? value : `${existing},${value}`;
    }
  }

  const host = headers.host ?? '127.0.0.1';
  const now = new Date();
  const event: HttpApiEvent = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: input.accountId,
      apiId: input.apiId,
      ...(input.authorizer ? { authorizer: input.authorizer } : {}),
      domainName: host,
      domainPrefix: host.split('.')[0]!.split(':')[0]!,
      http: {
        method: req.method ?? 'GET',
        path: input.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(input.pathParameters && Object.keys(input.pathParameters).length > 0
      ? { pathParameters: input.pathParameters }
      : {}),
    isBase64Encoded: false,
  };
  if (input.body.length > 0) {
    if (isTextContentType(headers['content-type'])) {
      event.body = input.body.toString('utf8');
    } else {
      event.body = input.body.toString('base64');
      event.isBase64Encoded = true;
    }
  }
  return event;
}

/**
 * API Gateway's reading of a payload 2.0 Lambda response: an object with `statusCode` is used as it is;
 * any other value is a 200 `application/json` whose body is the value as JSON. Returns undefined when
 * the response cannot be mapped (API Gateway answers 500 then).
 */
export function toHttpResponse(
  result: unknown,
): { statusCode: number; headers: Record<string, string>; cookies: string[]; body: Buffer } | undefined {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const status = structured.statusCode;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    const body =
      structured.body === undefined || structured.body === null
        ? Buffer.alloc(0)
        : structured.isBase64Encoded
          ? Buffer.from(structured.body, 'base64')
          : Buffer.from(String(structured.body), 'utf8');
    return { statusCode: status, headers, cookies: structured.cookies ?? [], body };
  }
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(text, 'utf8'),
  };
}

function answerPreflight(
  req: IncomingMessage,
  res: ServerResponse,
  compiled: readonly CompiledRoute[],
  cors: ApiServerOptions['cors'],
): void {
  const origin = req.headers.origin!;
  res.statusCode = 204;
  if (cors && originAllowed(cors, origin)) {
    const methods = [...new Set([...compiled.map((c) => c.route.method), 'OPTIONS'])].sort().join(',');
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-methods', methods);
    res.setHeader('access-control-allow-headers', CORS_ALLOW_HEADERS);
    res.setHeader('access-control-max-age', CORS_MAX_AGE_SECONDS);
    res.setHeader('vary', 'origin');
  }
  res.end();
}

function originAllowed(cors: NonNullable<ApiServerOptions['cors']>, origin: string): boolean {
  return cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin);
}

async function handleInternal(
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  internal: NonNullable<ApiServerOptions['internal']>,
): Promise<void> {
  // Read the whole body (keep-alive connections stay usable); a JSON object parameterises jobs and faults.
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let parameters: Record<string, unknown> | undefined;
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text !== '') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        parameters = parsed as Record<string, unknown>;
    } catch {
      // Handled below: the endpoints that take parameters say so.
    }
  }
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', Buffer.byteLength(text));
    res.end(text);
  };
  if (req.method !== 'POST') {
    send(405, { message: 'POST only' });
    return;
  }
  if (rawPath === '/__local/drain') {
    try {
      send(200, await internal.drain(30_000));
    } catch (error) {
      send(504, { message: (error as Error).message });
    }
    return;
  }
  const job = /^\/__local\/jobs\/([A-Za-z0-9_-]+)$/.exec(rawPath);
  if (job) {
    try {
      if (text !== '' && !parameters) {
        send(400, { message: 'the body, if any, must be a JSON object (the scheduled event detail)' });
        return;
      }
      const result = await internal.runJob(job[1]!, parameters);
      send(200, { job: job[1], result: result ?? null });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      send(status, { message: (error as Error).message });
    }
    return;
  }
  if (rawPath === '/__local/faults/ses' && internal.sesFault) {
    const { down, recipientsContaining } = parameters ?? {};
    if (
      typeof down !== 'boolean' ||
      !(recipientsContaining === undefined || typeof recipientsContaining === 'string')
    ) {
      send(400, { message: 'body: {"down": true|false, "recipientsContaining"?: "<part of an address>"}' });
      return;
    }
    send(200, internal.sesFault({ down, recipientsContaining }));
    return;
  }
  send(404, { message: 'unknown local endpoint' });
}

function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  code: string,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({
    type: problemType(code),
    title,
    status,
    detail,
    code,
    instance: `urn:request:${requestId}`,
  });
  res.statusCode = status;
  res.setHeader('content-type', PROBLEM_CONTENT_TYPE);
  res.setHeader('cache-control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Requests Node's parser refuses before any handler sees them (headers over the limit, a malformed request
 * line, a timeout) get a problem+json like every other refusal, instead of Node's empty default answer;
 * the connection is closed, as the rest of the request cannot be trusted.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title, code] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request header fields too large', 'request_header_fields_too_large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timeout', 'request_timeout']
        : [400, 'Bad request', 'bad_request'];
  const requestId = apigwRequestId();
  const body = JSON.stringify({
    type: problemType(code),
    title,
    status,
    detail:
      status === 431
        ? 'The request headers are larger than the server accepts; send fewer or smaller headers.'
        : 'The request could not be read as HTTP.',
    code,
    instance: `urn:request:${requestId}`,
  });
  socket.end(
    [
      `HTTP/1.1 ${status} ${title}`,
      `content-type: ${PROBLEM_CONTENT_TYPE}`,
      'cache-control: no-store',
      'x-content-type-options: nosniff',
      `apigw-requestid: ${requestId}`,
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

function sendInternalError(res: ServerResponse, requestId: string): void {
  sendProblem(
    res,
    500,
    'Internal server error',
    'An unexpected error occurred. Quote the request id when you contact support.',
    'internal_error',
    requestId,
  );
}

/** API Gateway's request ids look like `Ab1cDefGhIjKlMn=`; any unique string does locally. */
function apigwRequestId(): string {
  return randomUUID();
}

function normalizeIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** `22/Nov/2026:22:50:01 +0000`, the format of `requestContext.time`. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}
