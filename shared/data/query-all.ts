import { QueryCommand } from '@aws-sdk/lib-dynamodb';
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
