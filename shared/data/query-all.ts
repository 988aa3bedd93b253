import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import { decodeCursor, encodeCursor } from './cursor';
import type { DataDeps } from './data-deps';

/**
 * Every item whose sort key starts with `prefix` in one partition (of the table or of an index), all pages.
 * Only for lists that stay small by nature (a person's tenants, a tenant's custom roles, a role's holders);
 * user-facing lists page with cursors instead.
 */
export async function queryAllByPrefix(
  deps: DataDeps,
  query: {
    readonly index?: 'GSI1' | 'GSI2' | 'GSI3';
    readonly partition: string;
    readonly prefix: string;
    /** Strongly consistent reads; base table only. */
    readonly consistent?: boolean;
    readonly attributes?: readonly string[];
  },
): Promise<Record<string, unknown>[]> {
  const [pk, sk] = query.index ? [`${query.index}PK`, `${query.index}SK`] : ['PK', 'SK'];
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: query.index,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
        ExpressionAttributeValues: { ':pk': query.partition, ':prefix': query.prefix },
        ConsistentRead: query.consistent,
        ProjectionExpression: query.attributes?.join(', '),
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(response.Items ?? []));
    startKey = response.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * One page of the items whose sort key starts with `prefix` in one partition of the table, for user-facing
 * lists: from an opaque `cursor` (shared/data/cursor.ts: bound to `scope`, checked to name this partition and to
 * stay within the prefix, else 400 `invalid_cursor`) to the cursor of the next page (null at the end).
 */
export async function queryPageByPrefix(
  deps: DataDeps,
  query: {
    readonly partition: string;
    readonly prefix: string;
    /** What the cursor is bound to: the list's name, tenant and filter. */
    readonly scope: string;
    readonly cursor?: string;
    readonly limit: number;
    readonly consistent?: boolean;
    readonly attributes?: readonly string[];
  },
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null; scanned: number }> {
  const startKey = decodeCursor(query.cursor, query.scope, { PK: query.partition, SK: undefined });
  if (startKey && !String(startKey.SK).startsWith(query.prefix)) throw new InvalidCursor();
  const response = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': query.partition, ':prefix': query.prefix },
      ConsistentRead: query.consistent,
      ProjectionExpression: query.attributes?.join(', '),
      Limit: query.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    items: response.Items ?? [],
    nextCursor: encodeCursor(query.scope, response.LastEvaluatedKey),
    scanned: response.ScannedCount ?? 0,
  };
}
