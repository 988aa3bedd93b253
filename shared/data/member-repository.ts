import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor';
import { batchGetItems } from './batch-get';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import type { MemberRecord, MemberStatus } from './records';
import type { TransactItem } from './transactions';

export function memberItem(member: MemberRecord): Record<string, unknown> {
  return {
    ...keys.member(member.tenantId, member.memberId),
    ...keys.memberStatusIndex(member.tenantId, member.status, member.email, member.memberId),
    entity: 'member',
    ...member,
  };
}

export async function getMember(deps: DataDeps, tenantId: string, memberId: string): Promise<MemberRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.member(tenantId, memberId), ConsistentRead: true }),
  );
  return Item ? stripKeys<MemberRecord>(Item) : undefined;
}

/** Members by (tenantId, memberId) pairs, consistently read; missing ones are absent. */
export async function getMembers(
  deps: DataDeps,
  refs: readonly { tenantId: string; memberId: string }[],
): Promise<MemberRecord[]> {
  const items = await batchGetItems(deps, refs.map((ref) => keys.member(ref.tenantId, ref.memberId)));
  return items.map((item) => stripKeys<MemberRecord>(item));
}

export interface MemberPage {
  readonly items: MemberRecord[];
  readonly nextCursor: string | null;
}

/**
 * One page of a tenant's members: all of them in member-id order from the base table, or those of one
 * status in email order from GSI1. Both are key-condition queries that read only what they return.
 */
export async function listMembers(
  deps: DataDeps,
  tenantId: string,
  filter: { status?: MemberStatus },
  page: { limit: number; cursor?: string },
): Promise<MemberPage> {
  const scope = `members|${tenantId}|status=${filter.status ?? '*'}`;
  if (filter.status) {
    const { GSI1PK } = keys.membersByStatus(tenantId, filter.status);
    const startKey = decodeCursor(page.cursor, scope, { GSI1PK, GSI1SK: undefined, PK: keys.tenant(tenantId).PK, SK: undefined });
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': GSI1PK },
        Limit: page.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: (response.Items ?? []).map((item) => stripKeys<MemberRecord>(item)),
      nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
    };
  }
  const { PK, skPrefix } = keys.membersOfTenant(tenantId);
  const startKey = decodeCursor(page.cursor, scope, { PK, SK: undefined });
  if (startKey && !String(startKey.SK).startsWith(skPrefix)) return { items: [], nextCursor: null };
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
      Limit: page.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    items: (response.Items ?? []).map((item) => stripKeys<MemberRecord>(item)),
    nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
  };
}

/** A new member, with its email guard: the database, not a prior read, enforces one member per email. */
export function putNewMember(deps: DataDeps, member: MemberRecord): TransactItem[] {
  return [
    { Put: { TableName: deps.tableName, Item: memberItem(member), ConditionExpression: 'attribute_not_exists(PK)' } },
    {
      Put: {
        TableName: deps.tableName,
        Item: { ...keys.emailGuard(member.tenantId, member.email), entity: 'emailGuard', memberId: member.memberId },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
}

/**
 * Replaces a member record whose current version is `expectedVersion` (optimistic concurrency):
 * the full item is rewritten so that the status index keys always follow the status.
 */
export function replaceMember(deps: DataDeps, member: MemberRecord, expectedVersion: number): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: memberItem(member),
      ConditionExpression: 'attribute_exists(PK) AND version = :expectedVersion',
      ExpressionAttributeValues: { ':expectedVersion': expectedVersion },
    },
  };
}

/** Removes a member and its email guard (freeing the address), if the member is still in `status` at `version`. */
export function deleteMember(deps: DataDeps, member: MemberRecord): TransactItem[] {
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.member(member.tenantId, member.memberId),
        ConditionExpression: '#status = :status AND version = :version',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': member.status, ':version': member.version },
      },
    },
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.emailGuard(member.tenantId, member.email),
        ConditionExpression: 'memberId = :memberId',
        ExpressionAttributeValues: { ':memberId': member.memberId },
      },
    },
  ];
}

/** The member id holding each of these emails in a tenant (one BatchGetItem on the email guards). */
export async function memberIdsByEmail(deps: DataDeps, tenantId: string, emails: readonly string[]): Promise<Map<string, string>> {
  const items = await batchGetItems(deps, [...new Set(emails)].map((email) => keys.emailGuard(tenantId, email)));
  return new Map(items.map((item) => [String(item.SK).slice('EMAIL#'.length), item.memberId as string]));
}
