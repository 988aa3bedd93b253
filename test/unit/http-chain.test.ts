import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { httpEvent, lambdaContext, parseResult } from '../support/http-event';

/**
 * The middy chain as a client meets it, on routes whose outcome is decided before (or without) a
 * DynamoDB round trip. DynamoDB is mocked only to inject faults (STYLE: aws-sdk-client-mock for faults).
 */
beforeAll(() => {
  vi.stubEnv('TABLE_NAME', 'unit-Main');
  vi.stubEnv('AUDIT_TABLE_NAME', 'unit-Audit');
  vi.stubEnv('USER_POOL_ID', 'pool');
  vi.stubEnv('USER_POOL_CLIENT_ID', 'client');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('OUTBOX_SEALING_KEY', 'unit-test-key');
});

const platformAdmin = {
  sub: 'admin-sub',
  email: 'admin@example.com',
  email_verified: 'true',
  'cognito:groups': '[platform-admin]',
};

async function createTenant(
  body: string | object | undefined,
  headers: Record<string, string> = {},
  claims: Record<string, string> | null = platformAdmin,
) {
  const { handler } = await import('../../functions/tenants/create-tenant');
  return parseResult(
    (await handler(
      httpEvent({ method: 'POST', path: '/v1/tenants', body, headers, claims }),
      lambdaContext(),
    )) as never,
  );
}

describe('HTTP chain', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const result = await createTenant('{"name": ');
    expect(result.status).toBe(400);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.body.code).toBe('malformed_json');
  });

  it('answers a non-JSON content type with 415', async () => {
    const result = await createTenant('name=x', { 'content-type': 'text/plain' });
    expect(result.status).toBe(415);
    expect(result.body.code).toBe('unsupported_media_type');
  });

  it('answers wrong types with 400 and the offending fields', async () => {
    const result = await createTenant({ name: 42, ownerEmail: 'not-an-email', seatLimit: '10', extra: true });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('validation_failed');
    const paths = result.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.ownerEmail', 'body.seatLimit']));
    expect(result.body.errors.some((e: { code: string }) => e.code === 'unrecognized_keys')).toBe(true);
  });

  it('answers an oversize body with 413 before parsing it', async () => {
    const result = await createTenant(JSON.stringify({ name: 'x'.repeat(70 * 1024) }));
    expect(result.status).toBe(413);
    expect(result.body.code).toBe('payload_too_large');
  });

  it('refuses a token route without verified claims with 401', async () => {
    const result = await createTenant({ name: 'A', ownerEmail: 'a@example.com', seatLimit: 3 }, {}, null);
    expect(result.status).toBe(401);
    expect(result.body.code).toBe('unauthorized');
    expect(result.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses platform routes to callers outside the platform-admin group', async () => {
    const result = await createTenant(
      { name: 'A', ownerEmail: 'a@example.com', seatLimit: 3 },
      {},
      { sub: 'u', 'cognito:groups': '[other]' },
    );
    expect(result.status).toBe(403);
    expect(result.body.code).toBe('platform_admin_required');
  });

  it('turns DynamoDB throttling into 503 with Retry-After, and other faults into a bare 500', async () => {
    const dynamo = mockClient(DynamoDBDocumentClient);
    try {
      dynamo.on(TransactWriteCommand).rejects(
        Object.assign(new Error('Throughput exceeds the current capacity'), {
          name: 'ProvisionedThroughputExceededException',
        }),
      );
      const throttled = await createTenant({ name: 'A', ownerEmail: 'a@example.com', seatLimit: 3 });
      expect(throttled.status).toBe(503);
      expect(throttled.headers['retry-after']).toBe('1');

      dynamo.on(TransactWriteCommand).rejects(new Error('Requested resource not found: Table: unit-Main not found'));
      const broken = await createTenant({ name: 'A', ownerEmail: 'a@example.com', seatLimit: 3 });
      expect(broken.status).toBe(500);
      expect(JSON.stringify(broken.body)).not.toContain('unit-Main');
      expect(broken.body.code).toBe('internal_error');
    } finally {
      dynamo.restore();
    }
  });

  it('sets security headers and no-store on every response, errors included', async () => {
    const result = await createTenant('{');
    expect(result.headers['x-content-type-options']).toBe('nosniff');
    expect(result.headers['strict-transport-security']).toBeDefined();
    expect(result.headers['cache-control']).toBe('no-store');
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const { handler } = await import('../../functions/meta/not-found');
    const result = parseResult(
      (await handler(httpEvent({ method: 'GET', path: '/v1/nope', routeKey: '$default' }), lambdaContext())) as never,
    );
    expect(result.status).toBe(404);
    expect(result.body.code).toBe('route_not_found');
  });

  it('answers a known path with a method it does not serve with 405 and Allow, from the route table', async () => {
    const { handler } = await import('../../functions/meta/not-found');
    const call = async (method: string, path: string) =>
      parseResult(
        (await handler(httpEvent({ method, path, routeKey: '$default' }), lambdaContext('notFound'))) as never,
      );
    const wrong = await call('DELETE', '/v1/openapi.json');
    expect(wrong.status).toBe(405);
    expect(wrong.headers['content-type']).toBe('application/problem+json');
    expect(wrong.headers.allow).toBe('GET');
    expect(wrong.body).toMatchObject({ status: 405, code: 'method_not_allowed', title: expect.any(String) });
    const role = await call('PUT', '/v1/tenants/01JD2Q3V4W5X6Y7Z8A9B0C1D2E/roles/viewer');
    expect(role.status).toBe(405);
    expect(role.headers.allow).toBe('GET, PATCH, DELETE');
    expect(role.headers['x-content-type-options']).toBe('nosniff');
    expect((await call('POST', '/v1/tenants/01JD2Q3V4W5X6Y7Z8A9B0C1D2E/roles/viewer/x')).status).toBe(404);
  });

  it('serves an OpenAPI 3.1 document describing every route', async () => {
    const { handler } = await import('../../functions/meta/get-openapi');
    const { routeList } = await import('../../shared/http/routes');
    const result = parseResult(
      (await handler(httpEvent({ method: 'GET', path: '/v1/openapi.json' }), lambdaContext())) as never,
    );
    expect(result.status).toBe(200);
    expect(result.body.openapi).toBe('3.1.0');
    for (const route of routeList) {
      expect(result.body.paths[route.path]?.[route.method.toLowerCase()]?.operationId, route.operationId).toBe(
        route.operationId,
      );
    }
    expect(result.body.components.schemas.Member.properties.effectivePermissions).toBeDefined();
  });
});
