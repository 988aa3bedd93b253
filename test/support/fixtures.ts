import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { keys } from '../../shared/data/keys';
import { putNewMember } from '../../shared/data/member-repository';
import type { OutboxEvent } from '../../shared/data/outbox';
import { customRoleIdsOf, putNewPrincipalLink } from '../../shared/data/principal-repository';
import type { MemberRecord, MemberStatus } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import { type Identity, PLATFORM_ADMIN_GROUP } from '../../shared/domain/actor';
import type { RoleAssignment } from '../../shared/domain/effective-permissions';
import type { IdentityDirectory } from '../../shared/identity/identity-directory';
import { unseal } from '../../shared/security/sealing';
import { acceptInvitation } from '../../shared/services/invitation-service';
import type { ServiceDeps } from '../../shared/services/service-deps';
import { defaultServiceDeps } from '../../shared/services/service-deps';
import { createTenant } from '../../shared/services/tenant-service';

/**
 * Test data written through the real repositories into DynamoDB Local. Every test makes its own
 * tenants (fresh ULIDs), so test files run in parallel against one emulator without interfering.
 */

export const deps = () => defaultServiceDeps();
export const meta = () => ({ requestId: randomUUID(), ip: '127.0.0.1', userAgent: 'vitest' });

export const platformAdmin: Identity = {
  userId: 'platform-admin-sub',
  email: 'platform@example.com',
  groups: [PLATFORM_ADMIN_GROUP],
};

export const uniqueEmail = (label = 'user') => `${label}-${ulid().toLowerCase()}@example.com`;

export interface TestMember {
  readonly identity: Identity;
  readonly member: MemberRecord;
}

/** Accepting with a signed-in identity needs no directory; a call to it would be a bug in the test. */
const noDirectory: IdentityDirectory = new Proxy({} as IdentityDirectory, {
  get: () => () => Promise.reject(new Error('unexpected identity directory call')),
});

/** A tenant whose Owner accepted the invitation; returns the tenant id and the owner's identity. */
export async function tenantWithOwner(seatLimit = 50, name = `Tenant ${ulid()}`) {
  const ownerEmail = uniqueEmail('owner');
  const { tenant, owner, ownerToken } = await createTenant(
    deps(),
    platformAdmin,
    { name, ownerEmail, seatLimit },
    meta(),
  );
  const identity: Identity = { userId: `sub-${ulid()}`, email: ownerEmail, groups: [] };
  await acceptInvitation(deps(), noDirectory, { token: ownerToken, identity }, meta());
  const joined = { ...owner, status: 'active' as const, userId: identity.userId, version: owner.version + 1 };
  return { tenantId: tenant.tenantId, tenant, owner: { identity, member: joined } satisfies TestMember };
}

/**
 * A member written straight to the table in any status (the invitation flow is tested on its own),
 * with a principal link when the member has joined. Takes a seat, like any member, without checking the limit.
 */
export async function memberIn(
  tenantId: string,
  options: { roles?: RoleAssignment[]; permissions?: string[]; status?: MemberStatus; email?: string } = {},
): Promise<TestMember> {
  const status = options.status ?? 'active';
  const email = options.email ?? uniqueEmail();
  const userId = `sub-${ulid()}`;
  const now = new Date().toISOString();
  const member: MemberRecord = {
    tenantId,
    memberId: ulid(),
    email,
    displayName: null,
    status,
    roles: options.roles ?? [],
    permissions: options.permissions ?? [],
    ...(status === 'invited' ? {} : { userId, joinedAt: now }),
    invitedAt: now,
    version: 1,
  };
  const d = deps();
  await transactWrite(d, [
    {
      item: {
        Update: {
          TableName: d.tableName,
          Key: keys.tenant(tenantId),
          UpdateExpression: 'SET seatsUsed = seatsUsed + :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
    },
    ...putNewMember(d, member).map((item) => ({ item })),
    ...(status === 'invited'
      ? []
      : [
          {
            item: putNewPrincipalLink(d, {
              userId,
              tenantId,
              memberId: member.memberId,
              customRoleIds: customRoleIdsOf(member),
            }),
          },
        ]),
  ]);
  return { identity: { userId, email, groups: [] }, member };
}

/** JWT claims as API Gateway's authorizer passes them to Lambda for this identity. */
export function claimsOf(identity: Identity): Record<string, string> {
  return {
    sub: identity.userId,
    ...(identity.email ? { email: identity.email, email_verified: 'true' } : {}),
    ...(identity.groups.length ? { 'cognito:groups': `[${identity.groups.join(' ')}]` } : {}),
    ...(identity.authTime !== undefined ? { auth_time: String(identity.authTime) } : {}),
    token_use: 'id',
  };
}

/** A live invitation token nobody has used: the Owner invitation of a fresh tenant. */
export async function pendingOwnerInvitation(seatLimit = 10) {
  const ownerEmail = uniqueEmail('invitee');
  const created = await createTenant(
    deps(),
    platformAdmin,
    { name: `Pending ${ulid()}`, ownerEmail, seatLimit },
    meta(),
  );
  return {
    tenantId: created.tenant.tenantId,
    token: created.ownerToken,
    email: ownerEmail,
    invitation: created.invitation,
    member: created.owner,
  };
}

/** A password the user pool accepts. */
export const strongPassword = () => `Pw-${ulid()}-x9!`;

/**
 * Service deps that record the outbox events of every transaction that committed (the stream consumer
 * deletes outbox items once processed, so tests cannot read them back later), optionally on another clock.
 */
export function capturing(now?: () => Date) {
  const events: OutboxEvent[] = [];
  const base = deps();
  const db = new Proxy(base.db, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<typeof target.send>[0]) => {
        const result = await target.send(command as never);
        if (command instanceof TransactWriteCommand) {
          for (const item of command.input.TransactItems ?? []) {
            if (item.Put?.Item?.entity === 'outbox') events.push(item.Put.Item.event as OutboxEvent);
          }
        }
        return result;
      };
    },
  });
  const captured: ServiceDeps = { ...base, db, ...(now ? { now } : {}) };
  return { deps: captured, events };
}

/** The invitation tokens the committed events carry, unsealed as the mailer does. */
export function deliveredTokens(events: readonly OutboxEvent[]) {
  return Promise.all(
    events
      .filter((e) => e.delivery)
      .map(async (e) => ({ to: e.delivery!.to, token: await unseal(e.delivery!.sealedToken, e.eventId) })),
  );
}

/**
 * The DynamoDB commands `work` sends through the shared document client, in order, and grouped into round
 * trips: commands sent while no command sent before them had answered yet belong to one round (sent in
 * parallel), so `[GetItem] then [BatchGetItem, BatchGetItem]` is two rounds, and three if the two batches
 * went one after the other. A middleware on the client for the duration of `work`: run such a test file alone
 * in its worker, as vitest's forks pool does.
 */
export async function dynamoDbCalls<T>(
  work: () => Promise<T>,
): Promise<{ result: T; commands: string[]; rounds: string[][] }> {
  const commands: string[] = [];
  const rounds: string[][] = [];
  /** For each round, how many commands had answered when its first command was sent. */
  const roundStarts: number[] = [];
  let answered = 0;
  const name = `count-${Math.random()}`;
  deps().db.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      commands.push(command);
      // Its round: how many commands had answered when it was sent.
      const round = answered;
      const group = rounds.findIndex((_, i) => roundStarts[i] === round);
      if (group === -1) {
        roundStarts.push(round);
        rounds.push([command]);
      } else rounds[group]!.push(command);
      try {
        return await next(args);
      } finally {
        answered++;
      }
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await work(), commands, rounds };
  } finally {
    deps().db.middlewareStack.remove(name);
  }
}
