import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../shared/domain/actor';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { fallbackRoute, routeList } from '../../shared/http/routes';
import { platformAdmin } from '../support/fixtures';
import { describeRequest, expectWellFormedAnswer, fallbackRequests, fuzzRequestArbitrary, invokeRaw, type FuzzRequest } from '../support/fuzz';
import { expectProblem, expectSecurityHeaders, phantomWorld, sampleFor, type World } from '../support/route-samples';
import { serveItems, worldItems, type DocumentClientMock } from '../support/table-fake';

vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'unit-Main',
    AUDIT_TABLE_NAME: 'unit-Audit',
    USER_POOL_ID: 'unit-pool',
    USER_POOL_CLIENT_ID: 'unit-client',
    EXPORT_BUCKET: 'unit-exports',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'unit',
    AWS_SECRET_ACCESS_KEY: 'unit',
    OUTBOX_SEALING_KEY: 'unit-test-key',
    // Nothing here may reach the network: an unmocked client or a JWKS fetch fails at once.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    TOKEN_ISSUER: 'http://127.0.0.1:9/unit-pool',
    MAX_BODY_BYTES: String(64 * 1024),
  });
});

/**
 * Property-based fuzzing of every route of the route table through its real handler (middy chain, zod
 * schemas, body parser, authorization, service), with DynamoDB answered from an in-memory world
 * (test/support/table-fake.ts) and Cognito mocked: the fast bulk of the ≥ 10,000 requests a run sends
 * (test/integration/route-fuzz.test.ts adds deep requests against DynamoDB Local, test/e2e/route-fuzz-http.test.ts
 * HTTP requests through the local API server). Callers are the Owner (so input passes authorization and
 * reaches validation and services), a member with a custom role, or nobody.
 *
 * For every request: never a 5xx; every non-2xx an RFC 9457 problem+json with type, title, status, detail
 * and code; JSON otherwise; security headers always. Directed checks: a body over the size limit is 413
 * and a non-JSON content type is 415, on every route that takes a body.
 * FUZZ_UNIT_RUNS_PER_ROUTE overrides the per-route count; FUZZ_SEED replays a run.
 */
const TOTAL_REQUESTS = 8_200;
const routesUnderTest: readonly RouteDefinition[] = [...routeList, fallbackRoute];
const runsPerRoute = Number(process.env.FUZZ_UNIT_RUNS_PER_ROUTE ?? Math.ceil(TOTAL_REQUESTS / routesUnderTest.length));
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);

const world: World = phantomWorld();
let dynamo: DocumentClientMock;
const cognito = mockClient(CognitoIdentityProviderClient);
let sent = 0;

beforeAll(() => {
  dynamo = serveItems(worldItems(world));
  cognito.on(AdminCreateUserCommand).resolves({});
  cognito.on(AdminSetUserPasswordCommand).resolves({});
  cognito.on(AdminGetUserCommand).resolves({ Username: 'u', UserAttributes: [{ Name: 'sub', Value: 'sub-new-identity' }] });
  cognito.on(AdminUserGlobalSignOutCommand).resolves({});
});

afterAll(() => {
  dynamo.restore();
  cognito.restore();
});

function callersFor(route: RouteDefinition): fc.Arbitrary<Identity | undefined> {
  switch (route.access.kind) {
    case 'public':
      return fc.constant(undefined);
    case 'platform-admin':
      return fc.oneof({ weight: 8, arbitrary: fc.constant(platformAdmin) }, { weight: 1, arbitrary: fc.constant(world.owner.identity) }, { weight: 1, arbitrary: fc.constant(undefined) });
    default:
      return fc.oneof(
        { weight: 8, arbitrary: fc.constant(world.owner.identity) },
        { weight: 1, arbitrary: fc.constant(world.member.identity) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
  }
}

function requestsFor(route: RouteDefinition): fc.Arbitrary<FuzzRequest> {
  return route === fallbackRoute ? fallbackRequests : fuzzRequestArbitrary(route, sampleFor(route, world), world, callersFor(route));
}

describe(`fuzzing every route, in memory (seed ${seed}, ${runsPerRoute} requests per route)`, () => {
  for (const route of routesUnderTest) {
    it(`${route.operationId}: never a 5xx, always problem+json with a code, always security headers`, async () => {
      await fc.assert(
        fc.asyncProperty(requestsFor(route), async (request) => {
          sent++;
          expectWellFormedAnswer(await invokeRaw(route, request), describeRequest(route, request));
        }),
        { numRuns: runsPerRoute, seed },
      );
    }, 60_000);
  }

  it(`sent at least ${TOTAL_REQUESTS} requests`, () => {
    expect(sent).toBeGreaterThanOrEqual(process.env.FUZZ_UNIT_RUNS_PER_ROUTE === undefined ? TOTAL_REQUESTS : routesUnderTest.length);
  });
});

describe('bodies the chain refuses before parsing, on every route that takes one', () => {
  const withBody = routeList.filter((route) => route.request?.body !== undefined);
  const callerOf = (route: RouteDefinition) =>
    route.access.kind === 'public' ? undefined : route.access.kind === 'platform-admin' ? platformAdmin : world.owner.identity;
  const pathOf = (route: RouteDefinition) => sampleFor(route, world).params;

  it('there are such routes', () => expect(withBody.length).toBeGreaterThan(8));

  for (const route of withBody) {
    it(`${route.operationId}: over the size limit → 413 payload_too_large (also base64-encoded)`, async () => {
      const big = JSON.stringify({ ...(sampleFor(route, world).body as object), padding: 'x'.repeat(64 * 1024) });
      for (const isBase64Encoded of [false, true]) {
        const result = await invokeRaw(route, {
          identity: callerOf(route),
          pathParameters: pathOf(route),
          headers: { 'content-type': 'application/json' },
          body: big,
          isBase64Encoded,
        });
        expectProblem(result, [413], route.operationId);
        expect(result.body.code).toBe('payload_too_large');
        expectSecurityHeaders(result, route.operationId);
      }
    });

    it(`${route.operationId}: a valid body sent as text/plain → 415 unsupported_media_type`, async () => {
      const result = await invokeRaw(route, {
        identity: callerOf(route),
        pathParameters: pathOf(route),
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(sampleFor(route, world).body),
      });
      expectProblem(result, [415], route.operationId);
      expect(result.body.code).toBe('unsupported_media_type');
    });
  }
});
