import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditKeyFilter } from './audit-keys';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import type { TransactItem } from './transactions';

export type AuditExportStatus = 'pending' | 'running' | 'done' | 'failed';

/**
 * An audit export request, in the main table next to the tenant (`TENANT#<t> / EXPORT#<id>`). It is
 * written with its `audit.exported` outbox event in one transaction; its INSERT on the stream starts the
 * export worker; the worker moves it to running, then done (row count, object key) or failed.
 */
export interface AuditExportRecord {
  readonly tenantId: string;
  readonly exportId: string;
  readonly status: AuditExportStatus;
  readonly filter: AuditKeyFilter;
  readonly requestedBy: { readonly id: string; readonly email?: string };
  readonly createdAt: string;
  /** Runs started so far (a failed run is retried by the stream event source until the limit). */
  readonly attempts: number;
  readonly rowCount?: number;
  /** Key of the CSV in the export bucket (status done). */
  readonly objectKey?: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly error?: string;
  readonly version: number;
}

export function putNewExport(deps: DataDeps, record: AuditExportRecord): TransactItem {
  return {
    Put: {
      TableName: deps.tableName,
      Item: { ...keys.auditExport(record.tenantId, record.exportId), entity: 'auditExport', ...record },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export async function getExport(
  deps: DataDeps,
  tenantId: string,
  exportId: string,
): Promise<AuditExportRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.auditExport(tenantId, exportId), ConsistentRead: true }),
  );
  return Item ? stripKeys<AuditExportRecord>(Item) : undefined;
}

/**
 * Starts a run: pending (or running, when a previous run died) → running, counting the attempt.
 * Undefined when the export is already done or failed (a redelivered stream record): nothing to do.
 */
export async function claimExport(
  deps: DataDeps,
  tenantId: string,
  exportId: string,
  now: Date,
): Promise<AuditExportRecord | undefined> {
  try {
    const { Attributes } = await deps.db.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.auditExport(tenantId, exportId),
        UpdateExpression: 'SET #status = :running, startedAt = :now ADD attempts :one, version :one',
        ConditionExpression: '#status IN (:pending, :running)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':running': 'running',
          ':pending': 'pending',
          ':now': now.toISOString(),
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? stripKeys<AuditExportRecord>(Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** Ends a run (only the running export it claimed: a late duplicate run cannot overwrite a finished one). */
export async function finishExport(
  deps: DataDeps,
  record: AuditExportRecord,
  outcome: { status: 'done'; rowCount: number; objectKey: string } | { status: 'failed'; error: string },
  now: Date,
): Promise<void> {
  const values: Record<string, unknown> = {
    ':status': outcome.status,
    ':now': now.toISOString(),
    ':running': 'running',
    ':one': 1,
  };
  let set = 'SET #status = :status, completedAt = :now';
  if (outcome.status === 'done') {
    set += ', rowCount = :rowCount, objectKey = :objectKey';
    values[':rowCount'] = outcome.rowCount;
    values[':objectKey'] = outcome.objectKey;
  } else {
    set += ', #error = :error';
    values[':error'] = outcome.error;
  }
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: keys.auditExport(record.tenantId, record.exportId),
      UpdateExpression: `${set} ADD version :one`,
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#status': 'status', ...(outcome.status === 'failed' ? { '#error': 'error' } : {}) },
      ExpressionAttributeValues: values,
    }),
  );
}
