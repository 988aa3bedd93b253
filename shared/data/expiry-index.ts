import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DataDeps } from './data-deps';

/**
 * One page of an expiry shard of GSI2 (sort key `<expiresAt ISO>#...`): everything that expired at or
 * before `now`, oldest first, with just the attributes a purge needs to re-read the item consistently.
 */
export async function expiredPage<const A extends readonly string[]>(
  deps: DataDeps,
  shard: { GSI2PK: string },
  now: Date,
  attributes: A,
  startKey?: Record<string, unknown>,
): Promise<{ refs: Record<A[number], string>[]; nextKey?: Record<string, unknown> }> {
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :bound',
      // `#\uffff` sorts after every suffix, so items expiring exactly at `now` are included.
      ExpressionAttributeValues: { ':pk': shard.GSI2PK, ':bound': `${now.toISOString()}#\uffff` },
      ProjectionExpression: attributes.join(', '),
      Limit: 100,
      ExclusiveStartKey: startKey,
    }),
  );
  return { refs: (response.Items ?? []) as Record<A[number], string>[], nextKey: response.LastEvaluatedKey };
}
