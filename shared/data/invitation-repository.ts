import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { expiredPage } from './expiry-index';
import { keys } from './keys';
import { queryAllByPrefix } from './query-all';
import type { InvitationRecord } from './records';
import type { TransactItem } from './transactions';

export function invitationItem(invitation: InvitationRecord): Record<string, unknown> {
  return {
    ...keys.invitation(invitation.tenantId, invitation.invitationId),
    ...keys.invitationIndexes(
      invitation.tenantId,
      invitation.invitationId,
      invitation.email,
      invitation.expiresAt,
      invitation.createdAt,
    ),
    entity: 'invitation',
    ...invitation,
  };
}

/** The invitation and the item that resolves its token's hash to it; both only if absent. */
export function putNewInvitation(deps: DataDeps, invitation: InvitationRecord): TransactItem[] {
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: invitationItem(invitation),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    putToken(deps, invitation),
  ];
}

function putToken(deps: DataDeps, invitation: InvitationRecord): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: {
        ...keys.invitationToken(invitation.tokenHash),
        entity: 'invitationToken',
        tenantId: invitation.tenantId,
        invitationId: invitation.invitationId,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** Replaces the invitation (same id) at `expectedVersion` and swaps its token: the old one dies in the same write. */
export function replaceInvitationAndToken(
  deps: DataDeps,
  previous: InvitationRecord,
  next: InvitationRecord,
): TransactItem[] {
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: invitationItem(next),
        ConditionExpression: 'attribute_exists(PK) AND version = :expectedVersion',
        ExpressionAttributeValues: { ':expectedVersion': previous.version },
      },
    },
    deleteToken(deps, previous.tokenHash),
    putToken(deps, next),
  ];
}

/** Deletes the invitation if it is still the version that was read (not resent, revoked or accepted meanwhile). */
export function deleteInvitation(deps: DataDeps, invitation: InvitationRecord): TransactItem {
  return {
    Delete: {
      TableName: deps.tableName,
      Key: keys.invitation(invitation.tenantId, invitation.invitationId),
      ConditionExpression: 'version = :expectedVersion',
      ExpressionAttributeValues: { ':expectedVersion': invitation.version },
    },
  };
}

/** Consumes a token: the condition makes it single use, whoever gets there first. */
export function deleteToken(deps: DataDeps, tokenHash: string): TransactItem {
  return {
    Delete: {
      TableName: deps.tableName,
      Key: keys.invitationToken(tokenHash),
      ConditionExpression: 'attribute_exists(PK)',
    },
  };
}

export async function getInvitation(
  deps: DataDeps,
  tenantId: string,
  invitationId: string,
): Promise<InvitationRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.invitation(tenantId, invitationId), ConsistentRead: true }),
  );
  return Item ? stripKeys<InvitationRecord>(Item) : undefined;
}

/** The invitation a token belongs to, if the token is still live (not consumed, not replaced by a resend). */
export async function getInvitationByTokenHash(
  deps: DataDeps,
  tokenHash: string,
): Promise<InvitationRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.invitationToken(tokenHash), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const invitation = await getInvitation(deps, Item.tenantId as string, Item.invitationId as string);
  return invitation?.tokenHash === tokenHash ? invitation : undefined;
}

/**
 * A page of a tenant's invitations, pending (expiry after `now`) or expired (at or before `now`, not yet
 * purged), in order of expiry. One key-condition query on GSI1 either way.
 */
export async function listInvitations(
  deps: DataDeps,
  tenantId: string,
  status: 'pending' | 'expired',
  now: Date,
  page: { limit: number; cursor?: string },
): Promise<{ items: InvitationRecord[]; nextCursor: string | null }> {
  const { GSI1PK } = keys.invitationsOfTenant(tenantId);
  const scope = `invitations|${tenantId}|status=${status}`;
  const startKey = decodeCursor(page.cursor, scope, {
    GSI1PK,
    GSI1SK: undefined,
    PK: keys.tenant(tenantId).PK,
    SK: undefined,
  });
  const bound = `${now.toISOString()}#\uffff`;
  // DynamoDB refuses (ValidationException, a 500) a start key outside the key condition; so does a cursor
  // whose invitation expired between two pages of the pending list. Either is a 400 here.
  if (startKey && (status === 'pending' ? String(startKey.GSI1SK) <= bound : String(startKey.GSI1SK) > bound))
    throw new InvalidCursor();
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'GSI1',
      KeyConditionExpression:
        status === 'pending' ? 'GSI1PK = :pk AND GSI1SK > :bound' : 'GSI1PK = :pk AND GSI1SK <= :bound',
      ExpressionAttributeValues: { ':pk': GSI1PK, ':bound': bound },
      Limit: page.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    items: (response.Items ?? []).map((item) => stripKeys<InvitationRecord>(item)),
    nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
  };
}

/** Unexpired invitations addressed to an email, across tenants (`/v1/me/invitations`); few per person. */
export async function listInvitationsForEmail(deps: DataDeps, email: string, now: Date): Promise<InvitationRecord[]> {
  const { GSI3PK, skPrefix } = keys.invitationsForEmail(email);
  const items = await queryAllByPrefix(deps, { index: 'GSI3', partition: GSI3PK, prefix: skPrefix });
  return items
    .map((item) => stripKeys<InvitationRecord>(item))
    .filter((invitation) => Date.parse(invitation.expiresAt) > now.getTime());
}

/** One page of invitations, of every tenant, that expired at or before `now`, from one expiry shard. */
export function expiredInvitationsPage(
  deps: DataDeps,
  shard: { GSI2PK: string },
  now: Date,
  startKey?: Record<string, unknown>,
) {
  return expiredPage(deps, shard, now, ['tenantId', 'invitationId'] as const, startKey);
}
