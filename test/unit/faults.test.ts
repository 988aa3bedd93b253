import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ulid } from 'ulidx';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEADLINE_MARGIN_MS } from '../../shared/http/http-handler';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { claimsOf, platformAdmin } from '../support/fixtures';
import { httpEvent, parseResult } from '../support/http-event';
import { expectProblem, expectSecurityHeaders, sampleFor, type World } from '../support/route-samples';

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
    // Nothing here may reach the network: an unmocked client fails at once.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    TOKEN_ISSUER: 'http://127.0.0.1:9/unit-pool',
  });
});

/**
 * Faults injected into the AWS clients with aws-sdk-client-mock, on every route of the route table that
 * touches DynamoDB (SPEC §5, ASVS V8 "fail closed"): the API answers a 503 problem with Retry-After
 * where it cannot proceed, never a 500, and never hangs.
 * 1. DynamoDB throttling (ProvisionedThroughputExceeded, ThrottlingException, a throttled transaction)
 *    on every DynamoDB call → 503 + Retry-After.
 * 2. DynamoDB (and Cognito) never answering → with fake timers, the answer is a 503 problem exactly at
 *    the deadline (the function's remaining time minus DEADLINE_MARGIN_MS), not before, and it does come.
 * The requests themselves are valid (route samples over ids that exist nowhere: every read is mocked).
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => {
  dynamo.reset();
  cognito.reset();
  vi.useRealTimers();
});
afterAll(() => {
  dynamo.restore();
  cognito.restore();
});

function anyWorld(): World {
  const person = () => {
    const identity = { userId: `sub-${ulid()}`, email: `p-${ulid().toLowerCase()}@example.com`, groups: [] };
    return {
      identity,
      member: {
        tenantId: '',
        memberId: ulid(),
        email: identity.email,
        displayName: null,
        status: 'active' as const,
        roles: [],
        permissions: [],
        invitedAt: '',
        version: 1,
      },
    };
  };
  return {
    tenantId: ulid(),
    tenantName: 'Faults',
    owner: person(),
    admin: person(),
    member: person(),
    suspended: person(),
    customRole: { roleId: ulid(), name: 'Faults role' },
    bot: { botId: ulid(), name: 'Faults bot' },
    otherBot: { botId: ulid(), name: 'Faults other bot' },
    requester: person(),
    accessRequests: { approve: ulid(), deny: ulid(), cancel: ulid() },
    notificationId: ulid(),
    group: { groupId: ulid(), name: 'Faults group' },
    invitations: [0, 1].map(() => ({
      invitationId: ulid(),
      memberId: ulid(),
      email: `i-${ulid().toLowerCase()}@example.com`,
      token: 'A'.repeat(43),
    })),
    exportId: ulid(),
  };
}

const world = anyWorld();
const touchesDynamoDb = (route: RouteDefinition) => route.grants.some((grant) => grant.startsWith('main:'));
const dbRoutes = routeList.filter(touchesDynamoDb);

async function call(route: RouteDefinition, remainingMs = 10_000) {
  const { handler } = (await import(/* @vite-ignore */ `../../${route.handler}`)) as {
    handler: (e: unknown, c: unknown) => Promise<unknown>;
  };
  const sample = sampleFor(route, world);
  const identity =
    route.access.kind === 'public'
      ? undefined
      : route.access.kind === 'platform-admin'
        ? platformAdmin
        : world.owner.identity;
  const event = httpEvent({
    method: route.method,
    path: route.path,
    routeKey: `${route.method} ${route.path}`,
    pathParameters: sample.params,
    query: sample.query,
    body: sample.body as object | undefined,
    claims: identity ? claimsOf(identity) : null,
  });
  const context = {
    functionName: route.operationId,
    awsRequestId: ulid(),
    getRemainingTimeInMillis: () => remainingMs,
  };
  return handler(event, context).then((result) => parseResult(result as never));
}

describe('DynamoDB pushing back, on every route that uses it', () => {
  it('covers the routes of the route table that touch DynamoDB', () => expect(dbRoutes.length).toBeGreaterThan(25));

  const faults = {
    ProvisionedThroughputExceeded: () =>
      Object.assign(new Error('The level of configured provisioned throughput was exceeded'), {
        name: 'ProvisionedThroughputExceededException',
      }),
    Throttling: () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    'a throttled transaction': () =>
      Object.assign(new Error('Transaction cancelled'), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'ThrottlingError' }],
      }),
  };
  for (const [name, fault] of Object.entries(faults)) {
    it(`${name} → 503 problem with Retry-After on every route`, async () => {
      dynamo.onAnyCommand().callsFake(() => Promise.reject(fault()));
      for (const route of dbRoutes) {
        const result = await call(route);
        expectProblem(result, [503], `${route.operationId} (${name})`);
        expect(result.body.code).toBe('service_unavailable');
        expect(result.headers['retry-after'], route.operationId).toBe('1');
        expectSecurityHeaders(result, route.operationId);
        expect(JSON.stringify(result.body)).not.toMatch(/throughput|Rate exceeded|unit-Main/);
      }
    });
  }
});

describe('never a hang: DynamoDB or Cognito that never answers', () => {
  for (const route of dbRoutes) {
    it(`${route.operationId}: a 503 problem at the deadline, not before`, async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      dynamo.onAnyCommand().callsFake(() => new Promise(() => undefined));
      cognito.onAnyCommand().callsFake(() => new Promise(() => undefined));
      const remaining = 10_000;
      let settled = false;
      const answer = call(route, remaining).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(remaining - DEADLINE_MARGIN_MS - 1);
      expect(settled, 'answered before the deadline').toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const result = await answer;
      expectProblem(result, [503], route.operationId);
      expect(result.body.code).toBe('service_unavailable');
      expect(result.headers['retry-after']).toBe('1');
      expectSecurityHeaders(result, route.operationId);
    });
  }
});
