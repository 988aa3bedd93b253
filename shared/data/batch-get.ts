import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { DataDeps } from './data-deps';
import type { ItemKey } from './keys';

const BATCH_GET_LIMIT = 100;

/**
 * Consistent BatchGetItem over any number of keys: chunks of 100, and unprocessed keys retried until
 * DynamoDB has answered them all (the SDK retries throttling; unprocessed keys are ours to resend).
 */
export async function batchGetItems(deps: DataDeps, itemKeys: readonly ItemKey[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < itemKeys.length; start += BATCH_GET_LIMIT) {
    let pending: ItemKey[] = itemKeys.slice(start, start + BATCH_GET_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const response = await deps.db.send(
        new BatchGetCommand({ RequestItems: { [deps.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      items.push(...(response.Responses?.[deps.tableName] ?? []));
      pending = (response.UnprocessedKeys?.[deps.tableName]?.Keys ?? []) as ItemKey[];
    }
  }
  return items;
}
