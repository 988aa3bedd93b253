import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { DataDeps } from './data-deps';
import type { ItemKey } from './keys';

const BATCH_GET_LIMIT = 100;

const idOf = (key: { readonly PK?: unknown; readonly SK?: unknown }) => `${String(key.PK)}|${String(key.SK)}`;

/** Consistent BatchGetItem over up to 100 distinct keys, unprocessed keys resent until all are answered. */
async function batchGetChunk(deps: DataDeps, chunk: ItemKey[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let pending = chunk;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    const response = await deps.db.send(
      new BatchGetCommand({ RequestItems: { [deps.tableName]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(response.Responses?.[deps.tableName] ?? []));
    pending = (response.UnprocessedKeys?.[deps.tableName]?.Keys ?? []) as ItemKey[];
  }
  return items;
}

/**
 * Consistent BatchGetItem over any number of keys: duplicates dropped (DynamoDB refuses them), chunks of 100
 * sent at once (one round trip whatever the count), and unprocessed keys retried until DynamoDB has answered
 * them all (the SDK retries throttling; unprocessed keys are ours to resend). Items come in no given order.
 */
export async function batchGetItems(deps: DataDeps, itemKeys: readonly ItemKey[]): Promise<Record<string, unknown>[]> {
  const distinct = [...new Map(itemKeys.map((key) => [idOf(key), key])).values()];
  const chunks: ItemKey[][] = [];
  for (let start = 0; start < distinct.length; start += BATCH_GET_LIMIT)
    chunks.push(distinct.slice(start, start + BATCH_GET_LIMIT));
  return (await Promise.all(chunks.map((chunk) => batchGetChunk(deps, chunk)))).flat();
}

/** Items read together, found by their key. */
export interface FoundItems {
  get(key: ItemKey): Record<string, unknown> | undefined;
}

/** `batchGetItems`, answered as a lookup by key. */
export async function batchGetByKey(deps: DataDeps, itemKeys: readonly ItemKey[]): Promise<FoundItems> {
  const byId = new Map((await batchGetItems(deps, itemKeys)).map((item) => [idOf(item), item]));
  return { get: (key) => byId.get(idOf(key)) };
}
