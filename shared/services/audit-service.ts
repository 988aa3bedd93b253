import { canOn } from '../domain/ability';
import { auditActorOf, type RequestMeta, type TenantCaller } from '../domain/actor';
import { Forbidden, NotFound } from '../domain/errors';
import type { AuditEntry } from '../audit/chain';
import { exportObjectKey, presignExportDownload, writeAuditCsv, type ExportStorage } from '../audit/csv-export';
import { verifyAuditChain, type VerifyResult } from '../audit/verify';
import type { AuditKeyFilter } from '../data/audit-keys';
import { listAuditPage, type AuditDataDeps } from '../data/audit-repository';
import { claimExport, finishExport, getExport, putNewExport, type AuditExportRecord } from '../data/audit-export-repository';
import { outboxPut } from '../data/outbox';
import { transactWrite } from '../data/transactions';
import { logger } from '../observability';
import type { ServiceDeps } from './service-deps';

/** Presigned download links live this long (SPEC §2 scenario 7: a short-lived link). */
export const DOWNLOAD_URL_TTL_SECONDS = 15 * 60;

const auditDeps = (deps: ServiceDeps): AuditDataDeps => ({ db: deps.db, auditTableName: deps.auditTableName });

function requirePermission(caller: TenantCaller, permission: 'audit:read' | 'audit:export'): void {
  if (!canOn(caller.ability, permission, caller.tenantId)) throw new Forbidden(`This action needs the permission ${permission}.`);
}

/** `GET /audit`: one page of the tenant's entries matching the filter, newest first. */
export async function listAudit(
  deps: ServiceDeps,
  caller: TenantCaller,
  filter: AuditKeyFilter,
  page: { limit: number; cursor?: string },
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  requirePermission(caller, 'audit:read');
  const result = await listAuditPage(auditDeps(deps), caller.tenantId, filter, page);
  return { items: result.items, nextCursor: result.nextCursor };
}

/** `GET /audit/verify`. */
export async function verifyAudit(deps: ServiceDeps, caller: TenantCaller, range: { from?: string; to?: string }): Promise<VerifyResult> {
  requirePermission(caller, 'audit:read');
  return verifyAuditChain(auditDeps(deps), caller.tenantId, range);
}

// ---------------------------------------------------------------------------------------------
// Exports

/** A short human description of a filter, the label of the export in the trail. */
export function describeFilter(filter: AuditKeyFilter): string {
  const parts = (['actorId', 'targetId', 'action', 'from', 'to'] as const)
    .filter((name) => filter[name] !== undefined)
    .map((name) => `${name}=${filter[name]}`);
  return parts.length > 0 ? parts.join(', ') : 'all entries';
}

/**
 * `POST /audit/exports`: records the export request with its `audit.exported` event in one
 * transaction (the export is audited whether or not it later succeeds); the INSERT of the record on
 * the stream starts the export worker.
 */
export async function requestAuditExport(
  deps: ServiceDeps,
  caller: TenantCaller,
  filter: AuditKeyFilter,
  meta: RequestMeta,
): Promise<AuditExportRecord> {
  requirePermission(caller, 'audit:export');
  const now = deps.now().toISOString();
  const record: AuditExportRecord = {
    tenantId: caller.tenantId,
    exportId: deps.newId(),
    status: 'pending',
    filter,
    requestedBy: { id: caller.userId, ...(caller.email ? { email: caller.email } : {}) },
    createdAt: now,
    attempts: 0,
    version: 1,
  };
  await transactWrite(deps, [
    { item: putNewExport(deps, record) },
    {
      item: outboxPut(deps.tableName, {
        eventId: deps.newId(),
        tenantId: caller.tenantId,
        occurredAt: now,
        action: 'audit.exported',
        actor: auditActorOf(caller, meta),
        target: { type: 'audit_export', id: record.exportId, label: describeFilter(filter) },
        changes: { before: null, after: { filter } },
        requestId: meta.requestId,
      }),
    },
  ]);
  return record;
}

export interface AuditExportView {
  readonly record: AuditExportRecord;
  readonly downloadUrl?: string;
  readonly downloadUrlExpiresAt?: string;
}

/** `GET /audit/exports/{id}`: the export's state, with a fresh presigned link once it is done. */
export async function getAuditExport(
  deps: ServiceDeps,
  storage: ExportStorage,
  caller: TenantCaller,
  exportId: string,
): Promise<AuditExportView> {
  requirePermission(caller, 'audit:export');
  const record = await getExport(deps, caller.tenantId, exportId);
  if (!record) throw new NotFound('Export', 'export_not_found');
  if (record.status !== 'done' || !record.objectKey) return { record };
  const downloadUrl = await presignExportDownload(storage, record.objectKey, DOWNLOAD_URL_TTL_SECONDS);
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_TTL_SECONDS * 1000).toISOString();
  return { record, downloadUrl, downloadUrlExpiresAt: expiresAt };
}

/**
 * The export worker's job for one export request: claim it, stream its CSV to S3, mark it done.
 * A failed run throws (the stream event source retries it) until `maxAttempts` runs have failed;
 * then the export is marked failed and the error is only logged. A request already done or failed
 * (a redelivered record) is skipped.
 */
export async function runAuditExport(
  deps: ServiceDeps,
  storage: ExportStorage,
  ref: { tenantId: string; exportId: string },
  maxAttempts: number,
): Promise<'done' | 'failed' | 'skipped'> {
  const record = await claimExport(deps, ref.tenantId, ref.exportId, deps.now());
  if (!record) return 'skipped';
  const objectKey = exportObjectKey(record.tenantId, record.exportId);
  const started = performance.now();
  try {
    const { rowCount } = await writeAuditCsv(auditDeps(deps), storage, {
      tenantId: record.tenantId,
      filter: record.filter,
      objectKey,
      downloadName: `audit-${record.tenantId}-${record.exportId}.csv`,
    });
    await finishExport(deps, record, { status: 'done', rowCount, objectKey }, deps.now());
    logger.info('audit export done', { exportId: record.exportId, tenantId: record.tenantId, rowCount, ms: Math.round(performance.now() - started) });
    return 'done';
  } catch (error) {
    if (record.attempts < maxAttempts) throw error;
    logger.error('audit export failed for good', { exportId: record.exportId, tenantId: record.tenantId, attempts: record.attempts, error: error as Error });
    await finishExport(deps, record, { status: 'failed', error: 'The export could not be written; request a new one.' }, deps.now());
    return 'failed';
  }
}
