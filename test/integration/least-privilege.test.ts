import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { grantActions, REDRIVE_POLICY_ATTRIBUTES } from '../../infra/constructs/grants';
import { dynamoDb } from '../../shared/clients';
import { putGrant } from '../../shared/data/bot-repository';
import { keys, OUTBOX_PREFIX } from '../../shared/data/keys';
import type { ResourceGrantRecord } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import type { Grant, ResourceGrant } from '../../shared/grants';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { scheduledJobs } from '../../shared/jobs/schedules';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { inviteMembers } from '../../shared/services/invitation-service';
import { deps, meta, tenantWithOwner } from '../support/fixtures';
import { lambdaContext } from '../support/http-event';
import { invoke } from '../support/invoke';
import { drainStream, sesFault } from '../support/local-stack';
import { buildWorld, sampleCaller, sampleFor, type World } from '../support/route-samples';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/**
 * Least privilege, from the other side of test/infra/stack.test.ts (which checks that every function's
 * synthesized IAM policy is exactly what its route's `grants` map to): here every route of the route table
 * runs its success path against the emulators, as a caller who just signed in, while every AWS call it
 * makes is recorded; each call must be covered by the route's grants (an uncovered call is an
 * AccessDenied in AWS that no emulator shows), and each grant must be used (an unused one is a privilege
 * the function does not need). Emulator stand-ins that make no AWS call locally are named below.
 */
type Resource = 'main' | 'audit' | 'userPool' | 'exports' | 'outboxKey' | 'ses';
interface Call {
  readonly action: string;
  readonly resource: Resource;
}

/** What each grant lets a function do, on what (infra/constructs/grants.ts maps the same grants to IAM). */
const grantResource: Record<ResourceGrant, Resource> = {
  'main:read': 'main',
  'main:write': 'main',
  'main:recordSignIn': 'main',
  'audit:read': 'audit',
  'userPool:manageUsers': 'userPool',
  'userPool:signOut': 'userPool',
  'exports:read': 'exports',
  'outboxKey:read': 'outboxKey',
};
/** Grants whose calls the local stack does not make: the sealing key comes from the environment, presigning calls nothing. */
const unobservableLocally = new Set<ResourceGrant>(['outboxKey:read', 'exports:read']);

function callsOf(command: unknown): Call[] {
  const table = (name: unknown): Resource => (name === deps().auditTableName ? 'audit' : 'main');
  const input = (
    command as { input: { TableName?: string; RequestItems?: Record<string, unknown>; TransactItems?: unknown } }
  ).input;
  if (command instanceof GetCommand) return [{ action: 'dynamodb:GetItem', resource: table(input.TableName) }];
  if (command instanceof QueryCommand) return [{ action: 'dynamodb:Query', resource: table(input.TableName) }];
  if (command instanceof PutCommand) return [{ action: 'dynamodb:PutItem', resource: table(input.TableName) }];
  if (command instanceof UpdateCommand) return [{ action: 'dynamodb:UpdateItem', resource: table(input.TableName) }];
  if (command instanceof DeleteCommand) return [{ action: 'dynamodb:DeleteItem', resource: table(input.TableName) }];
  if (command instanceof BatchGetCommand)
    return Object.keys(input.RequestItems ?? {}).map((name) => ({
      action: 'dynamodb:BatchGetItem',
      resource: table(name),
    }));
  if (command instanceof BatchWriteCommand)
    return Object.keys(input.RequestItems ?? {}).map((name) => ({
      action: 'dynamodb:BatchWriteItem',
      resource: table(name),
    }));
  if (command instanceof TransactWriteCommand) {
    // TransactWriteItems has no IAM action of its own: each item is authorized as its Put/Update/Delete/ConditionCheck.
    const kinds = {
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      ConditionCheck: 'ConditionCheckItem',
    } as const;
    return (input.TransactItems as Record<string, { TableName: string }>[]).flatMap((item) =>
      Object.entries(kinds)
        .filter(([kind]) => item[kind])
        .map(([kind, action]) => ({ action: `dynamodb:${action}`, resource: table(item[kind]!.TableName) })),
    );
  }
  throw new Error(`unmapped DynamoDB command ${(command as object).constructor.name}`);
}

const serviceCalls = (prefix: string, resource: Resource) => (command: unknown) => [
  { action: `${prefix}:${(command as object).constructor.name.replace(/Command$/, '')}`, resource },
];

/** Records every AWS call made while `run` runs (and lets it through to the emulators). */
async function recording<T>(run: () => Promise<T>): Promise<{ result: T; calls: Call[]; dynamoDbCommands: unknown[] }> {
  const calls: Call[] = [];
  const dynamoDbCommands: unknown[] = [];
  const spy = <C extends { prototype: { send: (...args: never[]) => unknown } }>(
    client: C,
    map: (command: unknown) => Call[],
  ) => {
    const original = client.prototype.send;
    return vi.spyOn(client.prototype, 'send').mockImplementation(function (
      this: unknown,
      command: unknown,
      ...rest: unknown[]
    ) {
      calls.push(...map(command));
      return (original as (...args: unknown[]) => unknown).call(this, command, ...rest);
    } as never);
  };
  const spies = [
    vi.spyOn(dynamoDb, 'send').mockImplementation(((command: unknown, ...rest: unknown[]) => {
      calls.push(...callsOf(command));
      dynamoDbCommands.push(command);
      return (sendThrough as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as never),
    spy(CognitoIdentityProviderClient, serviceCalls('cognito-idp', 'userPool')),
    spy(S3Client, serviceCalls('s3', 'exports')),
    spy(SecretsManagerClient, serviceCalls('secretsmanager', 'outboxKey')),
    spy(SESv2Client, serviceCalls('ses', 'ses')),
  ];
  try {
    return { result: await run(), calls, dynamoDbCommands };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
const sendThrough = dynamoDb.send.bind(dynamoDb);

/** Routes that change things get a world of their own, so that each one's success path can run. */
const writes = (route: RouteDefinition) => route.grants.includes('main:write');
const worlds = new Map<string, World>();
let shared: World;

beforeAll(async () => {
  shared = await buildWorld('Least privilege');
  await Promise.all(
    routeList
      .filter(writes)
      .map(async (route) => worlds.set(route.operationId, await buildWorld(`LP ${route.operationId}`))),
  );
}, 120_000);

/** A caller who signed in a moment ago (newer than any sign-in recorded so far): their first request records it. */
let signedInAt = Math.floor(Date.now() / 1000);
function callerFor(route: RouteDefinition, world: World): Identity | undefined {
  if (route.access.kind === 'public') return undefined;
  const identity = sampleCaller(route, world) ?? world.owner.identity;
  return { ...identity, authTime: ++signedInAt };
}

describe('every AWS call a route makes is covered by its grants, and every grant is used', () => {
  for (const route of routeList) {
    it(`${route.operationId} (${route.grants.join(', ') || 'no grants'})`, async () => {
      const world = worlds.get(route.operationId) ?? shared;
      const { result, calls } = await recording(() =>
        invoke(route, { identity: callerFor(route, world), ...sampleFor(route, world) }),
      );
      expect(
        result.status,
        `${route.operationId} must succeed to show its needs: ${JSON.stringify(result.body)}`,
      ).toBeLessThan(300);

      const allowed = new Set(
        route.grants.flatMap((grant) => grantActions[grant].map((action) => `${action} ${grantResource[grant]}`)),
      );
      const uncovered = [...new Set(calls.map((call) => `${call.action} ${call.resource}`))].filter(
        (call) => !allowed.has(call),
      );
      expect(uncovered, `${route.operationId} makes calls its grants do not allow (AccessDenied in AWS)`).toEqual([]);

      for (const grant of route.grants) {
        if (unobservableLocally.has(grant)) continue;
        const used = calls.some(
          (call) =>
            call.resource === grantResource[grant] && (grantActions[grant] as readonly string[]).includes(call.action),
        );
        const writesSomething =
          grant !== 'main:write' ||
          calls.some((call) => call.resource === 'main' && !/GetItem|Query/.test(call.action));
        expect(used && writesSomething, `${route.operationId} does not use its grant ${grant}`).toBe(true);
      }
    });
  }
});

describe('the outbox redrive job: every AWS call covered by its grants and their IAM conditions, every grant used', () => {
  const jobGrantResource: Partial<Record<Grant, Resource>> = { 'main:read': 'main', 'outbox:redrive': 'main' };

  it('redrive (main:read, outbox:redrive)', async () => {
    const job = scheduledJobs.find((j) => j.name === 'redrive')!;
    // Something to redrive: an invitation whose email SES refuses until the consumer gives up on it.
    const marker = `lp-redrive-${Date.now()}`;
    const { tenantId, owner } = await tenantWithOwner();
    const caller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    await sesFault({ down: true, recipientsContaining: marker });
    try {
      await inviteMembers(deps(), caller, { emails: [`${marker}@example.com`], roles: [{ roleId: 'agent' }] }, meta());
      await drainStream();
    } finally {
      await sesFault({ down: false, recipientsContaining: marker });
    }

    const { handler } = await import('../../functions/jobs/redrive');
    const event = { detail: { olderThanSeconds: 0 } } as Parameters<typeof handler>[0];
    const { result, calls, dynamoDbCommands } = await recording(() => handler(event, lambdaContext(job.name)));
    await drainStream();
    expect(result.redriven).toBeGreaterThan(0);

    const allowed = new Set(
      job.grants.flatMap((grant) => grantActions[grant].map((action) => `${action} ${jobGrantResource[grant]}`)),
    );
    const uncovered = [...new Set(calls.map((call) => `${call.action} ${call.resource}`))].filter(
      (call) => !allowed.has(call),
    );
    expect(uncovered, 'calls its grants do not allow (AccessDenied in AWS)').toEqual([]);
    for (const grant of job.grants) {
      expect(
        calls.some((call) => (grantActions[grant] as readonly string[]).includes(call.action)),
        `unused grant ${grant}`,
      ).toBe(true);
    }
    // The IAM conditions of outbox:redrive (infra/constructs/grants.ts): outbox items only, its attributes only.
    const updates = dynamoDbCommands.filter((command): command is UpdateCommand => command instanceof UpdateCommand);
    expect(updates.length).toBeGreaterThan(0);
    for (const update of updates) {
      const input = update.input;
      expect(String(input.Key?.PK)).toMatch(new RegExp(`^${OUTBOX_PREFIX}`));
      expect(input.Key).toEqual(keys.outboxEvent(String(input.Key?.PK).slice(OUTBOX_PREFIX.length)));
      const named = [
        ...`${input.UpdateExpression} ${input.ConditionExpression ?? ''}`.matchAll(/[A-Za-z][A-Za-z0-9]*(?=\s*=)/g),
      ]
        .map((m) => m[0])
        .filter((name) => !['SET'].includes(name));
      for (const name of named) expect(REDRIVE_POLICY_ATTRIBUTES as readonly string[], name).toContain(name);
      expect(input.ExpressionAttributeNames ?? {}).toEqual({});
      expect(input.ReturnValues ?? 'NONE').toBe('NONE');
    }
  }, 60_000);
});

describe('the purge job: every AWS call covered by its grants, every grant used', () => {
  it('purge (main:write), with an expired bot role to remove', async () => {
    const job = scheduledJobs.find((j) => j.name === 'purge')!;
    const { tenantId, owner } = await tenantWithOwner();
    const expired: ResourceGrantRecord = {
      tenantId,
      resourceType: 'bot',
      resourceId: `lp-${ulid().toLowerCase()}`,
      principalType: 'member',
      principalId: owner.member.memberId,
      roles: [{ roleId: 'bot-tester', expiresAt: new Date(Date.now() - 60_000).toISOString() }],
      updatedAt: new Date().toISOString(),
      version: 1,
    };
    await transactWrite(deps(), [{ item: putGrant(deps(), expired, undefined) }]);

    const { handler } = await import('../../functions/jobs/purge');
    const event = {} as Parameters<typeof handler>[0];
    const { calls } = await recording(() => handler(event, lambdaContext(job.name)));
    await drainStream();
    const grantKey = keys.resourceGrant(tenantId, 'bot', expired.resourceId, 'member', owner.member.memberId);
    const left = await deps().db.send(
      new GetCommand({ TableName: deps().tableName, Key: grantKey, ConsistentRead: true }),
    );
    expect(left.Item).toBeUndefined();

    const allowed = new Set(job.grants.flatMap((grant) => grantActions[grant].map((action) => `${action} main`)));
    const uncovered = [...new Set(calls.map((call) => `${call.action} ${call.resource}`))].filter(
      (call) => !allowed.has(call),
    );
    expect(uncovered, 'calls its grants do not allow (AccessDenied in AWS)').toEqual([]);
    expect(job.grants).toEqual(['main:write']);
    expect(calls.some((call) => call.action === 'dynamodb:DeleteItem')).toBe(true);
  }, 60_000);
});
