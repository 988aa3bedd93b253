import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import { batchGetItems } from './batch-get';
import { decodeCursor, encodeCursor } from './cursor';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { expiredPage } from './expiry-index';
import { keys } from './keys';
import type { AccessRequestRecord, AccessRequestStatus } from './records';
import type { TransactItem } from './transactions';

/** The request's item: its key and its three list keys (status, requester, bot), which follow its status. */
export function accessRequestItem(request: AccessRequestRecord): Record<string, unknown> {
  return {
    ...keys.accessRequest(request.tenantId, request.requestId),
    ...keys.accessRequestIndexes(
      request.tenantId,
      request.requestId,
      request.status,
      request.requesterId,
      request.botId,
    ),
    entity: 'accessRequest',
    ...request,
  };
}

/**
 * A new pending request: the guard of its member and bot first (it fails when that member has a pending
 * request on the bot already), then the request itself.
 */
export function putNewAccessRequest(deps: DataDeps, request: AccessRequestRecord): TransactItem[] {
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: {
          ...keys.pendingAccessRequestGuard(request.tenantId, request.botId, request.requesterId),
          ...keys.pendingAccessRequestExpiryIndex(request.tenantId, request.requestId, request.expiresAt),
          entity: 'pendingAccessRequest',
          tenantId: request.tenantId,
          requestId: request.requestId,
          expiresAt: request.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Put: {
        TableName: deps.tableName,
        Item: accessRequestItem(request),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
}

/**
 * A pending request leaving pending (`after`): the request rewritten, conditioned on it being still pending at
 * the version read (so two decisions never both apply), and its guard removed.
 */
export function closeAccessRequest(
  deps: DataDeps,
  before: AccessRequestRecord,
  after: AccessRequestRecord,
): TransactItem[] {
  return [
    {
      Put: {
        TableName: deps.tableName,
        Item: accessRequestItem(after),
        ConditionExpression: '#status = :pending AND version = :version',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':version': before.version },
      },
    },
    {
      Delete: {
        TableName: deps.tableName,
        Key: keys.pendingAccessRequestGuard(before.tenantId, before.botId, before.requesterId),
        ConditionExpression: 'requestId = :requestId',
        ExpressionAttributeValues: { ':requestId': before.requestId },
      },
    },
  ];
}

export async function getAccessRequest(
  deps: DataDeps,
  tenantId: string,
  requestId: string,
): Promise<AccessRequestRecord | undefined> {
  const [item] = await batchGetItems(deps, [keys.accessRequest(tenantId, requestId)]);
  return item ? stripKeys<AccessRequestRecord>(item) : undefined;
}

/** Which of a tenant's requests a list shows; each is one key-condition query. */
export type AccessRequestFilter =
  | { readonly by: 'tenant'; readonly status?: AccessRequestStatus }
  | { readonly by: 'bot'; readonly botId: string; readonly status?: AccessRequestStatus }
  | { readonly by: 'requester'; readonly requesterId: string; readonly status?: AccessRequestStatus };

function queryOf(tenantId: string, filter: AccessRequestFilter) {
  if (filter.by === 'bot') {
    const { GSI3PK, skPrefix } = keys.accessRequestsOfBot(tenantId, filter.botId, filter.status);
    return { index: 'GSI3' as const, pk: GSI3PK, prefix: skPrefix };
  }
  if (filter.by === 'requester') {
    const { GSI2PK, skPrefix } = keys.accessRequestsOfRequester(tenantId, filter.requesterId, filter.status);
    return { index: 'GSI2' as const, pk: GSI2PK, prefix: skPrefix };
  }
  if (filter.status !== undefined) {
    const { GSI1PK, skPrefix } = keys.accessRequestsWithStatus(tenantId, filter.status);
    return { index: 'GSI1' as const, pk: GSI1PK, prefix: skPrefix };
  }
  const { PK, skPrefix } = keys.accessRequestsOfTenant(tenantId);
  return { index: undefined, pk: PK, prefix: skPrefix };
}

/**
 * One page of a tenant's access requests, newest first (by status first, then newest, for a bot's or a
 * requester's requests of every status): a key-condition query on the table or one of its indexes, so every
 * item read is returned. The cursor is bound to the tenant and the filter.
 */
export async function listAccessRequestsPage(
  deps: DataDeps,
  tenantId: string,
  filter: AccessRequestFilter,
  page: { limit: number; cursor?: string },
): Promise<{ items: AccessRequestRecord[]; nextCursor: string | null }> {
  const query = queryOf(tenantId, filter);
  const [pkName, skName] = query.index ? [`${query.index}PK`, `${query.index}SK`] : ['PK', 'SK'];
  const scope = `access-requests|${tenantId}|${JSON.stringify(filter)}`;
  const expected: Record<string, string | undefined> = query.index
    ? { PK: `TENANT#${tenantId}`, SK: undefined, [pkName]: query.pk, [skName]: undefined }
    : { PK: query.pk, SK: undefined };
  const startKey = decodeCursor(page.cursor, scope, expected);
  if (
    startKey &&
    !(
      String(startKey[skName]).startsWith(query.prefix) &&
      String(startKey.SK).startsWith(keys.accessRequestsOfTenant(tenantId).skPrefix)
    )
  )
    throw new InvalidCursor();
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: query.index,
      // DynamoDB refuses an empty begins_with: a whole partition is the key condition on its own.
      ...(query.prefix === ''
        ? {
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': pkName },
            ExpressionAttributeValues: { ':pk': query.pk },
          }
        : {
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
            ExpressionAttributeValues: { ':pk': query.pk, ':prefix': query.prefix },
          }),
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: startKey,
      ...(query.index ? {} : { ConsistentRead: true }),
    }),
  );
  return {
    items: (response.Items ?? []).map((item) => stripKeys<AccessRequestRecord>(item)),
    nextCursor: encodeCursor(scope, response.LastEvaluatedKey),
  };
}

/** One page of pending requests, of every tenant, due at or before `now`, from one expiry shard. */
export function expiredAccessRequestsPage(
  deps: DataDeps,
  shard: { GSI2PK: string },
  now: Date,
  startKey?: Record<string, unknown>,
): Promise<{ refs: { tenantId: string; requestId: string }[]; nextKey?: Record<string, unknown> }> {
  return expiredPage(deps, shard, now, ['tenantId', 'requestId'] as const, startKey);
}
