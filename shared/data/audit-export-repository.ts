import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ExportLimitReached } from '../domain/errors';
import type { AuditKeyFilter } from './audit-keys';
import type { DataDeps } from './data-deps';
import { stripKeys } from './data-deps';
import { keys } from './keys';
import { type TransactItem, type TransactionStep, transactWrite } from './transactions';

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
  /** The export slot the request holds while in progress (absent on exports requested before slots existed). */
  readonly slot?: number;
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

// ---------------------------------------------------------------------------------------------
// Export slots: at most `limit` exports of a tenant in progress at once.

/**
 * A tenant has `limit` slot items (`EXPORTSLOT#0..limit-1`). Requesting an export takes a free one with a
 * conditional Put in the same transaction as the export record and its audit event, so two racing
 * requests can never both take the same slot, and a refused request writes nothing. The worker deletes the
 * slot when the export is done or failed. A slot also frees itself at `expiresAt` (the worker's maximum
 * duration), so an export whose worker died without releasing it blocks the tenant for that long at most.
 */
export interface ExportSlot {
  readonly slot: number;
  readonly exportId: string;
  readonly expiresAt: string;
}

async function listExportSlots(deps: DataDeps, tenantId: string): Promise<ExportSlot[]> {
  const { PK, skPrefix } = keys.exportSlotsOfTenant(tenantId);
  const { Items } = await deps.db.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => ({
    slot: item.slot as number,
    exportId: item.exportId as string,
    expiresAt: item.expiresAt as string,
  }));
}

/** The slot conditions' failures and transaction conflicts on a slot: another request took it first. */
function lostSlotRace(error: unknown, slotIndex: number): boolean {
  if (error instanceof ExportLimitReached) return true; // the slot step's onConditionFailed
  if (!(error instanceof TransactionCanceledException)) return false;
  return error.CancellationReasons?.[slotIndex]?.Code === 'TransactionConflict';
}

/**
 * Runs `steps` (the export record and its audit event) in one transaction with taking a free export slot
 * of the tenant for `exportId`, and returns the slot taken. Throws ExportLimitReached when all `limit`
 * slots are held by unexpired exports (nothing written). A race lost to another request re-reads the
 * slots and tries another one.
 */
export async function transactWithExportSlot(
  deps: DataDeps,
  input: {
    readonly tenantId: string;
    readonly exportId: string;
    readonly limit: number;
    readonly now: Date;
    readonly expiresAt: Date;
    /** Upper bound of the Retry-After of a refusal. */
    readonly retryAfterSeconds: number;
  },
  steps: (slot: number) => readonly TransactionStep[],
): Promise<number> {
  const now = input.now.toISOString();
  const refusal = (held: readonly ExportSlot[]) => {
    // When the first slot frees itself by expiry, if that is sooner than the usual wait.
    const soonest = Math.min(...held.map((slot) => Date.parse(slot.expiresAt)));
    const untilExpiry = Math.ceil((soonest - input.now.getTime()) / 1000);
    return new ExportLimitReached(input.limit, Math.max(1, Math.min(input.retryAfterSeconds, untilExpiry)));
  };
  // Each lost race means another request took a slot: after `limit` of them, none can be free.
  for (let attempt = 0; ; attempt++) {
    const held = (await listExportSlots(deps, input.tenantId)).filter((slot) => slot.expiresAt > now);
    const taken = new Set(held.map((slot) => slot.slot));
    const free = Array.from({ length: input.limit }, (_, slot) => slot).filter((slot) => !taken.has(slot));
    if (free.length === 0 || attempt > input.limit) throw refusal(held);
    // A random free slot: concurrent requests that read the same free slots mostly pick different ones.
    const slot = free[Math.floor(Math.random() * free.length)] ?? 0;
    const claim: TransactionStep = {
      item: {
        Put: {
          TableName: deps.tableName,
          Item: {
            ...keys.exportSlot(input.tenantId, slot),
            entity: 'exportSlot',
            slot,
            exportId: input.exportId,
            expiresAt: input.expiresAt.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': now },
        },
      },
      onConditionFailed: () => refusal(held),
    };
    try {
      await transactWrite(deps, [claim, ...steps(slot)]);
      return slot;
    } catch (error) {
      if (!lostSlotRace(error, 0)) throw error;
    }
  }
}

/**
 * Frees the slot an export held (done or failed). Only if the export still holds it: after expiry another
 * request may have taken it, and that one's slot must stay.
 */
export async function releaseExportSlot(deps: DataDeps, record: AuditExportRecord): Promise<void> {
  if (record.slot === undefined) return;
  try {
    await deps.db.send(
      new DeleteCommand({
        TableName: deps.tableName,
        Key: keys.exportSlot(record.tenantId, record.slot),
        ConditionExpression: 'exportId = :exportId',
        ExpressionAttributeValues: { ':exportId': record.exportId },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return;
    throw error;
  }
}
