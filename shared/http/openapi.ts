import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { RouteDefinition } from './route-definition';
import { routeList } from './routes';
import { problemSchema } from './schemas/common';

const errorResponses: Record<number, string> = {
  400: 'Invalid input (`validation_failed`, `malformed_json`, `invalid_cursor`, ...)',
  401: 'Missing or invalid bearer token',
  403: 'Not allowed (`forbidden`, `member_suspended`, ...)',
  404: 'Not found, or not visible to the caller',
  409: 'Conflict with the current state (`invalid_state`, `seat_limit_reached`, ...)',
  412: 'If-Match does not match the current version',
  413: 'Body larger than the limit',
  415: 'Body is not application/json',
  429: 'Throttled',
  500: 'Unexpected error (no internal detail is disclosed)',
  503: 'Temporarily unavailable; retry',
};

function operation(route: RouteDefinition): ZodOpenApiOperationObject {
  const problem = { 'application/problem+json': { schema: problemSchema } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    ...(route.access.kind === 'public' ? { security: [] } : {}),
    'x-access': route.access,
    ...(route.request?.params || route.request?.query
      ? {
          requestParams: {
            ...(route.request.params ? { path: route.request.params } : {}),
            ...(route.request.query ? { query: route.request.query } : {}),
          },
        }
      : {}),
    ...(route.request?.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: route.request.body } } } }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}),
          },
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(errorResponses).map(([status, description]) => [status, { description, content: problem }]),
      ),
      ...Object.fromEntries(
        Object.entries(route.problems ?? {}).map(([status, response]) => [
          status,
          {
            description: response.description,
            content: { 'application/problem+json': { schema: response.schema ?? problemSchema } },
          },
        ]),
      ),
    },
  } as ZodOpenApiOperationObject;
}

/** The OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers validate with. */
export function buildOpenApiDocument(serverUrl?: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routeList) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Users & Roles API',
      version: '1.0.0',
      description:
        'Tenants, members, roles, invitations and the audit trail. Errors are RFC 9457 problem+json with a stable `code`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ cognitoJwt: [] }],
    components: {
      securitySchemes: {
        cognitoJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID or access token' },
      },
    },
    paths,
  });
}
