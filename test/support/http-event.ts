import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/** An API Gateway HTTP API v2 event as the JWT authorizer hands it to Lambda, for direct handler invocation. */
export function httpEvent(input: {
  method: string;
  path: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | object;
  claims?: Record<string, string | number | boolean | string[]> | null;
  /** API Gateway's request id (default: a fresh UUID); every audit entry of the request carries it. */
  requestId?: string;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const body = typeof input.body === 'object' ? JSON.stringify(input.body) : input.body;
  const headers: Record<string, string> = {
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    'user-agent': 'vitest',
    ...input.headers,
  };
  return {
    version: '2.0',
    routeKey: input.routeKey ?? `${input.method} ${input.path}`,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers,
    queryStringParameters: input.query,
    pathParameters: input.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: input.method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: input.requestId ?? randomUUID(),
      routeKey: input.routeKey ?? `${input.method} ${input.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      authorizer:
        input.claims === null || input.claims === undefined
          ? (undefined as never)
          : {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: input.claims as Record<string, string>, scopes: [] },
            },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export function lambdaContext(functionName = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ParsedResult {
  status: number;
  headers: Record<string, string>;
  body: any;
}

export function parseResult(result: APIGatewayProxyStructuredResultV2): ParsedResult {
  const text = result.body ?? '';
  return {
    status: result.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
    body: text ? JSON.parse(text) : undefined,
  };
}
