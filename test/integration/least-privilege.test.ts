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
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { grantActions } from '../../infra/constructs/grants';
import { dynamoDb } from '../../shared/clients';
import type { Identity } from '../../shared/domain/actor';
import type { ResourceGrant } from '../../shared/grants';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { deps, platformAdmin } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { buildWorld, sampleFor, type World } from '../support/route-samples';

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
async function recording<T>(run: () => Promise<T>): Promise<{ result: T; calls: Call[] }> {
  const calls: Call[] = [];
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
      return (sendThrough as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as never),
    spy(CognitoIdentityProviderClient, serviceCalls('cognito-idp', 'userPool')),
    spy(S3Client, serviceCalls('s3', 'exports')),
    spy(SecretsManagerClient, serviceCalls('secretsmanager', 'outboxKey')),
    spy(SESv2Client, serviceCalls('ses', 'ses')),
  ];
  try {
    return { result: await run(), calls };
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
  const identity = route.access.kind === 'platform-admin' ? platformAdmin : world.owner.identity;
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
