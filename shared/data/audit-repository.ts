import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../domain/errors';
import type { AuditEntry, ChainHead } from './audit-entry';
import { AUDIT_ENTRY_PREFIX, type AuditIndexQuery, type AuditKeyFilter, auditKeys } from './audit-keys';
import { decodeCursor, encodeCursor } from './cursor';
import { auditTable } from './table-definitions';
import type { TransactItem } from './transactions';

/** What the audit repository needs: the document client and the audit table's name. */
export interface AuditDataDeps {
  readonly db: DynamoDBDocumentClient;
  readonly auditTableName: string;
}

/** Attributes of an entry item that are keys, not part of the entry. */
const KEY_ATTRIBUTES = [
  'PK',
  'SK',
  'tenantKey',
  'timeKey',
  'actorKey',
  'targetKey',
  'actionGroupKey',
  'actionKey',
  'actorActionGroupKey',
  'actorActionKey',
  'targetActionGroupKey',
  'targetActionKey',
  'entity',
] as const;

export function auditEntryItem(entry: AuditEntry): Record<string, unknown> {
  return {
    ...auditKeys.entry(entry.tenantId, entry.seq),
    ...auditKeys.entryIndexes(entry),
    entity: 'auditEntry',
    ...entry,
  };
}

/** The entry an item holds (key attributes removed); exactly what was hashed, if nobody tampered with it. */
export function entryOfItem(item: Record<string, unknown>): AuditEntry {
  const entry: Record<string, unknown> = { ...item };
  for (const name of KEY_ATTRIBUTES) delete entry[name];
  return entry as unknown as AuditEntry;
}

/** The chain head of a tenant, read consistently (undefined before its first entry). */
export async function getChainHead(deps: AuditDataDeps, tenantId: string): Promise<ChainHead | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.auditTableName, Key: auditKeys.head(tenantId), ConsistentRead: true }),
  );
  return Item ? { seq: Item.seq as number, hash: Item.hash as string } : undefined;
}

/** Positions of the items `appendEntry` writes, for reading cancellation reasons. */
export const APPEND_ITEM = { guard: 0, entry: 1, head: 2 } as const;

/**
 * The one write path into the audit table: three conditional Puts in one TransactWriteItems (Puts only,
 * so `dynamodb:PutItem` is the only write permission the writer needs):
 * - the event's guard, only if absent: the event was not recorded before (idempotency);
 * - the entry at its seq, only if absent;
 * - the new chain head, only if the head is still the one the entry was chained to (optimistic lock:
 *   two writers racing for a tenant cannot both append after the same head).
 */
export function appendEntry(
  deps: AuditDataDeps,
  entry: AuditEntry,
  expectedHead: ChainHead | undefined,
): TransactItem[] {
  const absent = 'attribute_not_exists(PK)';
  return [
    {
      Put: {
        TableName: deps.auditTableName,
        Item: {
          ...auditKeys.eventGuard(entry.id),
          entity: 'auditEventGuard',
          tenantId: entry.tenantId,
          seq: entry.seq,
        },
        ConditionExpression: absent,
      },
    },
    { Put: { TableName: deps.auditTableName, Item: auditEntryItem(entry), ConditionExpression: absent } },
    {
      Put: {
        TableName: deps.auditTableName,
        Item: {
          ...auditKeys.head(entry.tenantId),
          entity: 'auditHead',
          seq: entry.seq,
          hash: entry.hash,
          eventId: entry.id,
        },
        ...(expectedHead
          ? {
              ConditionExpression: '#seq = :seq AND #hash = :hash',
              ExpressionAttributeNames: { '#seq': 'seq', '#hash': 'hash' },
              ExpressionAttributeValues: { ':seq': expectedHead.seq, ':hash': expectedHead.hash },
            }
          : { ConditionExpression: absent }),
      },
    },
  ];
}

/** A key-condition Query for one page of an index query, newest first. */
function indexQueryInput(
  deps: AuditDataDeps,
  query: AuditIndexQuery,
  page: { limit: number; startKey?: Record<string, unknown>; newestFirst?: boolean },
): QueryCommandInput {
  const values: Record<string, unknown> = { ':pk': query.partitionValue };
  let range = '';
  if (query.lower !== undefined && query.upper !== undefined) {
    range = ' AND #sk BETWEEN :lower AND :upper';
    values[':lower'] = query.lower;
    values[':upper'] = query.upper;
  } else if (query.lower !== undefined) {
    range = ' AND #sk >= :lower';
    values[':lower'] = query.lower;
  } else if (query.upper !== undefined) {
    range = ' AND #sk <= :upper';
    values[':upper'] = query.upper;
  }
  return {
    TableName: deps.auditTableName,
    IndexName: query.indexName,
    KeyConditionExpression: `#pk = :pk${range}`,
    ExpressionAttributeNames: { '#pk': query.partitionAttribute, ...(range ? { '#sk': query.sortAttribute } : {}) },
    ExpressionAttributeValues: values,
    ScanIndexForward: page.newestFirst === false,
    Limit: page.limit,
    ExclusiveStartKey: page.startKey,
  };
}

export interface AuditQueryPage {
  readonly items: AuditEntry[];
  readonly lastKey?: Record<string, unknown>;
  /** DynamoDB's ScannedCount: equal to items.length for every filter (no FilterExpression). */
  readonly scannedCount: number;
}

/** One page of a filter's entries, newest first (or oldest first), from a raw start key. */
export async function queryAuditPage(
  deps: AuditDataDeps,
  tenantId: string,
  filter: AuditKeyFilter,
  page: { limit: number; startKey?: Record<string, unknown>; newestFirst?: boolean },
): Promise<AuditQueryPage> {
  const query = auditKeys.queryFor(tenantId, filter);
  const response = await deps.db.send(new QueryCommand(indexQueryInput(deps, query, page)));
  return {
    items: (response.Items ?? []).map(entryOfItem),
    lastKey: response.LastEvaluatedKey,
    scannedCount: response.ScannedCount ?? 0,
  };
}

/** The cursor scope of a filter: a cursor only works for the tenant, index, partition and range it came from. */
function cursorScope(tenantId: string, query: AuditIndexQuery): string {
  return `audit|${tenantId}|${query.indexName}|${query.partitionValue}|${query.lower ?? ''}|${query.upper ?? ''}`;
}

export interface AuditListPage {
  readonly items: AuditEntry[];
  readonly nextCursor: string | null;
  readonly scannedCount: number;
}

/** One page of `GET /audit`: newest first, with an opaque cursor bound to tenant and filter. */
export async function listAuditPage(
  deps: AuditDataDeps,
  tenantId: string,
  filter: AuditKeyFilter,
  page: { limit: number; cursor?: string },
): Promise<AuditListPage> {
  const query = auditKeys.queryFor(tenantId, filter);
  const scope = cursorScope(tenantId, query);
  const startKey = decodeCursor(page.cursor, scope, {
    [query.partitionAttribute]: query.partitionValue,
    [query.sortAttribute]: undefined,
    PK: auditKeys.tenantPartition(tenantId),
    SK: undefined,
  });
  if (startKey) {
    // A well-formed key of this partition, but it must also lie inside the filter's range.
    const sortValue = String(startKey[query.sortAttribute]);
    if (
      !String(startKey.SK).startsWith(AUDIT_ENTRY_PREFIX) ||
      (query.lower !== undefined && sortValue < query.lower) ||
      (query.upper !== undefined && sortValue > query.upper)
    ) {
      throw new InvalidCursor();
    }
  }
  const result = await queryAuditPage(deps, tenantId, filter, { limit: page.limit, startKey });
  return { items: result.items, nextCursor: encodeCursor(scope, result.lastKey), scannedCount: result.scannedCount };
}

/**
 * A tenant's chain in seq order from `fromSeq` (inclusive) to `toSeq` (inclusive, or the end), read
 * consistently from the base table, as raw items (verify checks their key attributes too).
 */
export async function* readChainItems(
  deps: AuditDataDeps,
  tenantId: string,
  fromSeq: number,
  toSeq?: number,
  pageSize = 1000,
): AsyncGenerator<Record<string, unknown>> {
  const first = auditKeys.entry(tenantId, fromSeq);
  const last = toSeq === undefined ? `${AUDIT_ENTRY_PREFIX}\uffff` : auditKeys.entry(tenantId, toSeq).SK;
  let startKey: Record<string, unknown> | undefined;
  do {
    const response = await deps.db.send(
      new QueryCommand({
        TableName: deps.auditTableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
        ExpressionAttributeValues: { ':pk': first.PK, ':first': first.SK, ':last': last },
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of response.Items ?? []) yield item;
    startKey = response.LastEvaluatedKey;
  } while (startKey);
}

/** The seq in an entry item's sort key (`SEQ#000000000042` → 42), or NaN for anything else. */
export function seqOfKey(sk: unknown): number {
  return typeof sk === 'string' && sk.startsWith(AUDIT_ENTRY_PREFIX)
    ? Number(sk.slice(AUDIT_ENTRY_PREFIX.length))
    : Number.NaN;
}

/**
 * The seq of the first entry that occurred at or after `from`, and of the last that occurred at or
 * before `to` (time index, one item each way), or undefined when no entry lies in the range.
 */
export async function seqBoundsOfTimeRange(
  deps: AuditDataDeps,
  tenantId: string,
  range: { from?: string; to?: string },
): Promise<{ first: number; last: number } | undefined> {
  const edge = async (newestFirst: boolean) => {
    const page = await queryAuditPage(deps, tenantId, range, { limit: 1, newestFirst });
    return page.items[0]?.seq;
  };
  const [first, last] = await Promise.all([edge(false), edge(true)]);
  if (first === undefined || last === undefined) return undefined;
  return { first: Math.min(first, last), last: Math.max(first, last) };
}

/**
 * `npm run reindex-audit` (scripts/reindex-audit.ts), an operator's one-off, never run by a function:
 * gives entries written before an index existed (the combined-filter indexes) the index attributes they
 * lack. Only absent attributes are added, each derived from the entry's hashed content, on the condition
 * that the item still has the hash it was read with: the entry itself (what is hashed) is never changed,
 * and an index key that is present but wrong is left for `/audit/verify` to report. Idempotent.
 */
export async function reindexAuditEntries(
  deps: AuditDataDeps,
  options: { tenantId?: string } = {},
): Promise<{ scanned: number; updated: number }> {
  // Every attribute an audit index reads (partition and sort keys), as the table definition declares them.
  const indexNames = [
    ...new Set(auditTable.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey])),
  ];
  const names = Object.fromEntries(indexNames.map((name, i) => [`#k${i}`, name]));
  const lacksOne = Object.keys(names)
    .map((alias) => `attribute_not_exists(${alias})`)
    .join(' OR ');
  let scanned = 0;
  let updated = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      options.tenantId !== undefined
        ? new QueryCommand({
            TableName: deps.auditTableName,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :entries)',
            FilterExpression: lacksOne,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':pk': auditKeys.tenantPartition(options.tenantId),
              ':entries': AUDIT_ENTRY_PREFIX,
            },
            ExclusiveStartKey: startKey,
          })
        : new ScanCommand({
            TableName: deps.auditTableName,
            FilterExpression: `begins_with(SK, :entries) AND (${lacksOne})`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':entries': AUDIT_ENTRY_PREFIX },
            ExclusiveStartKey: startKey,
          }),
    );
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const missing = Object.entries(auditKeys.entryIndexes(entryOfItem(item))).filter(([name]) => !(name in item));
      if (missing.length === 0) continue;
      try {
        await deps.db.send(
          new UpdateCommand({
            TableName: deps.auditTableName,
            Key: { PK: item.PK, SK: item.SK },
            UpdateExpression: `SET ${missing.map((_, i) => `#m${i} = :m${i}`).join(', ')}`,
            ConditionExpression: `#hash = :hash AND ${missing.map((_, i) => `attribute_not_exists(#m${i})`).join(' AND ')}`,
            ExpressionAttributeNames: {
              '#hash': 'hash',
              ...Object.fromEntries(missing.map(([name], i) => [`#m${i}`, name])),
            },
            ExpressionAttributeValues: {
              ':hash': item.hash,
              ...Object.fromEntries(missing.map(([, value], i) => [`:m${i}`, value])),
            },
          }),
        );
        updated++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error; // changed meanwhile: left as found
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { scanned, updated };
}
