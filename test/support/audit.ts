import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ulid } from 'ulidx';
import { chainEntries } from '../../shared/audit/chain';
import type { AuditContent, AuditEntry } from '../../shared/data/audit-entry';
import { auditKeys } from '../../shared/data/audit-keys';
import {
  type AuditDataDeps,
  auditEntryItem,
  entryOfItem,
  getChainHead,
  readChainItems,
} from '../../shared/data/audit-repository';
import { keys } from '../../shared/data/keys';
import type { AuditAction, OutboxEvent } from '../../shared/data/outbox';
import { deps } from './fixtures';

/** The audit table of the stack under test. */
export const auditDeps = (): AuditDataDeps => ({ db: deps().db, auditTableName: deps().auditTableName });

/** Every entry of a tenant's chain in seq order, read consistently from the base table (the test oracle). */
export async function chainOf(tenantId: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const item of readChainItems(auditDeps(), tenantId, 1)) entries.push(entryOfItem(item));
  return entries;
}

/** Every raw item of a tenant's audit partition plus the guards of `eventIds`: a snapshot to compare. */
export async function auditSnapshot(tenantId: string, eventIds: readonly string[]) {
  const items: Record<string, unknown>[] = [];
  for await (const item of readChainItems(auditDeps(), tenantId, 1)) items.push(item);
  const head = await getChainHead(auditDeps(), tenantId);
  const guards = await Promise.all(
    eventIds.map(
      async (id) =>
        (
          await deps().db.send(
            new GetCommand({ TableName: deps().auditTableName, Key: auditKeys.eventGuard(id), ConsistentRead: true }),
          )
        ).Item,
    ),
  );
  return { items, head, guards };
}

/** An outbox event as a service would write it, for a tenant that may exist only in the audit table. */
export function outboxEvent(
  tenantId: string,
  overrides: Partial<OutboxEvent> & { action?: AuditAction } = {},
): OutboxEvent {
  const id = ulid();
  return {
    eventId: id,
    tenantId,
    occurredAt: new Date().toISOString(),
    action: 'member.suspended',
    actor: { id: 'sub-actor', email: 'actor@example.com', ip: '203.0.113.7', userAgent: 'vitest' },
    target: { type: 'member', id: ulid(), label: 'target@example.com' },
    changes: { before: { status: 'active' }, after: { status: 'suspended' } },
    requestId: `req-${id}`,
    ...overrides,
  };
}

let sequence = 1_000_000;

/** The stream record of a new outbox item, in the Lambda event shape (what the event source delivers). */
export function outboxRecord(event: OutboxEvent): DynamoDBRecord {
  const item = {
    ...keys.outboxEvent(event.eventId),
    entity: 'outbox',
    event,
    ttl: Math.floor(Date.now() / 1000) + 3600,
  };
  return {
    eventID: ulid(),
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: marshall(keys.outboxEvent(event.eventId)) as never,
      NewImage: marshall(item, { removeUndefinedValues: true }) as never,
      SequenceNumber: String(sequence++).padStart(21, '0'),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/local-Main/stream/test',
  };
}

/** A member update's stream record: not an outbox item, so every consumer must ignore it. */
export function memberModifyRecord(tenantId: string): DynamoDBRecord {
  const image = { ...keys.member(tenantId, ulid()), entity: 'member', status: 'active' };
  return {
    eventID: ulid(),
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: marshall({ PK: image.PK, SK: image.SK }) as never,
      NewImage: marshall(image) as never,
      OldImage: marshall({ ...image, status: 'suspended' }) as never,
      SequenceNumber: String(sequence++).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/local-Main/stream/test',
  };
}

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/**
 * Test-only bulk load: chains `contents` after the tenant's current head and writes the entries with
 * BatchWriteItem (25 per request, `concurrency` requests at a time), then moves the head with a
 * conditional Put. Fast (no transaction per entry) and still a valid chain. Nobody else may append to
 * the tenant meanwhile; guards are not written (only the writer's idempotency needs them).
 */
export async function bulkAppend(
  tenantId: string,
  contents: readonly AuditContent[],
  concurrency = 8,
): Promise<AuditEntry[]> {
  const d = auditDeps();
  const head = await getChainHead(d, tenantId);
  const entries = chainEntries(contents, head);
  const batches: AuditEntry[][] = [];
  for (let i = 0; i < entries.length; i += 25) batches.push(entries.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      let requests: Record<string, unknown>[] = batch.map((entry) => ({ PutRequest: { Item: auditEntryItem(entry) } }));
      while (requests.length > 0) {
        const result = await d.db.send(
          new BatchWriteCommand({ RequestItems: { [d.auditTableName]: requests as never } }),
        );
        requests = (result.UnprocessedItems?.[d.auditTableName] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const last = entries[entries.length - 1];
  if (last) {
    await d.db.send(
      new PutCommand({
        TableName: d.auditTableName,
        Item: { ...auditKeys.head(tenantId), entity: 'auditHead', seq: last.seq, hash: last.hash, eventId: last.id },
        ...(head
          ? {
              ConditionExpression: '#seq = :seq',
              ExpressionAttributeNames: { '#seq': 'seq' },
              ExpressionAttributeValues: { ':seq': head.seq },
            }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      }),
    );
  }
  return entries;
}

/** Audit content for bulk loads (what `auditContentOf` would make of an event). */
export function content(tenantId: string, overrides: Partial<AuditContent> = {}): AuditContent {
  const id = ulid();
  return {
    id,
    tenantId,
    occurredAt: new Date().toISOString(),
    actor: { id: 'sub-bulk', email: 'bulk@example.com', ip: '198.51.100.1', userAgent: 'vitest' },
    action: 'member.roles_changed',
    target: { type: 'member', id: ulid(), label: 'member@example.com' },
    changes: { before: { roles: ['viewer'] }, after: { roles: ['agent'] } },
    requestId: `req-${id}`,
    ...overrides,
  };
}

/**
 * RFC 4180 CSV parser (quotes, doubled quotes, commas and newlines inside quotes), enough to read what
 * csv-stringify writes. Returns the records; a final record delimiter does not make an empty record.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  return records;
}
