import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../shared/domain/actor';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { fallbackRoute, routeList } from '../../shared/http/routes';
import { platformAdmin } from '../support/fixtures';
import {
  describeRequest,
  expectWellFormedAnswer,
  type FuzzRequest,
  fallbackRequests,
  fuzzRequestArbitrary,
  invokeRaw,
} from '../support/fuzz';
import { buildWorld, expectProblem, expectSecurityHeaders, sampleFor, type World } from '../support/route-samples';

// Hundreds of refusals, each logged at INFO by the handlers: keep the run's output readable.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/**
 * Property-based fuzzing of every route of the route table, in-process against DynamoDB Local and the
 * other emulators, at least 10,000 requests per run (test/e2e/route-fuzz-http.test.ts adds requests
 * through the local API server). Requests reach real conditional writes, real cursors and real DynamoDB
 * validation — no DynamoDB stand-in anywhere: path parameters,
 * query, headers and bodies from test/support/fuzz.ts, sent as the tenant's Owner (so that input gets past
 * authorization), a plain member or nobody. For every request: never a 5xx, every non-2xx a problem+json
 * with a code, the security headers always (expectWellFormedAnswer).
 * FUZZ_RUNS_PER_ROUTE overrides the per-route count; FUZZ_SEED replays a run.
 */
const TOTAL_REQUESTS = 10_000;
const routesUnderTest: readonly RouteDefinition[] = [...routeList, fallbackRoute];
const runsPerRoute = Number(process.env.FUZZ_RUNS_PER_ROUTE ?? Math.ceil(TOTAL_REQUESTS / routesUnderTest.length));
const PER_RUN = 4;
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);

let world: World;
/** A world of its own for the route that can take the Owner's powers away (the others keep theirs). */
let transferWorld: World;
let sent = 0;

beforeAll(async () => {
  [world, transferWorld] = await Promise.all([buildWorld('Fuzz'), buildWorld('Fuzz transfer')]);
}, 60_000);

const worldOf = (route: RouteDefinition) => (route.operationId === 'transferOwnership' ? transferWorld : world);

function callersFor(route: RouteDefinition): fc.Arbitrary<Identity | undefined> {
  const world = worldOf(route);
  switch (route.access.kind) {
    case 'public':
      return fc.constant(undefined);
    case 'platform-admin':
      return fc.oneof(
        { weight: 8, arbitrary: fc.constant(platformAdmin) },
        { weight: 1, arbitrary: fc.constant(world.owner.identity) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
    default:
      return fc.oneof(
        { weight: 8, arbitrary: fc.constant(world.owner.identity) },
        { weight: 1, arbitrary: fc.constant(world.member.identity) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      );
  }
}

async function check(route: RouteDefinition, request: FuzzRequest): Promise<void> {
  sent++;
  expectWellFormedAnswer(await invokeRaw(route, request), describeRequest(route, request));
}

function requestsFor(route: RouteDefinition): fc.Arbitrary<FuzzRequest> {
  if (route === fallbackRoute) return fallbackRequests;
  return fuzzRequestArbitrary(route, sampleFor(route, worldOf(route)), worldOf(route), callersFor(route));
}

describe.concurrent(`fuzzing every route (seed ${seed}, ${runsPerRoute} requests per route)`, () => {
  for (const route of routesUnderTest) {
    it(`${route.operationId}: never a 5xx, always problem+json with a code, always security headers`, async () => {
      // Each run sends a few requests at once: more work in flight per route, same properties per request.
      await fc.assert(
        fc.asyncProperty(fc.array(requestsFor(route), { minLength: PER_RUN, maxLength: PER_RUN }), async (requests) => {
          await Promise.all(requests.map((request) => check(route, request)));
        }),
        { numRuns: Math.ceil(runsPerRoute / PER_RUN), seed },
      );
    }, 300_000);
  }
});

describe('fuzzing volume', () => {
  it(`sent at least ${TOTAL_REQUESTS} requests in this run`, () => {
    expect(sent).toBeGreaterThanOrEqual(
      process.env.FUZZ_RUNS_PER_ROUTE === undefined ? TOTAL_REQUESTS : routesUnderTest.length,
    );
  });
});

describe('bodies the chain refuses before parsing, on every route that takes one', () => {
  const withBody = routeList.filter((route) => route.request?.body !== undefined);
  // A world of its own: the fuzzing above may have handed its Owner's tenant to someone else.
  let bodyWorld: World;
  beforeAll(async () => {
    bodyWorld = await buildWorld('Bodies');
  }, 60_000);
  const callerOf = (route: RouteDefinition) =>
    route.access.kind === 'public'
      ? undefined
      : route.access.kind === 'platform-admin'
        ? platformAdmin
        : bodyWorld.owner.identity;
  const pathOf = (route: RouteDefinition) => sampleFor(route, bodyWorld).params;

  it('there are such routes', () => expect(withBody.length).toBeGreaterThan(8));

  for (const route of withBody) {
    it(`${route.operationId}: over the size limit → 413 payload_too_large (also base64-encoded)`, async () => {
      const big = JSON.stringify({ ...(sampleFor(route, bodyWorld).body as object), padding: 'x'.repeat(64 * 1024) });
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
        body: JSON.stringify(sampleFor(route, bodyWorld).body),
      });
      expectProblem(result, [415], route.operationId);
      expect(result.body.code).toBe('unsupported_media_type');
    });
  }
});
