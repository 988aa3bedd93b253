import type { TenantCaller } from '../domain/actor';
import { NotFound } from '../domain/errors';
import { exportObjectKey, presignExportDownload, writeAuditCsv, type ExportStorage } from '../audit/csv-export';
import { claimExport, finishExport, getExport, type AuditExportRecord } from '../data/audit-export-repository';
import { logger } from '../observability';
import { auditDeps, requirePermission } from './audit-trail-service';
import type { ServiceDeps } from './service-deps';

// Listing, verifying and requesting exports need no S3: they live in audit-trail-service.ts (lighter
// bundles for their functions) and are re-exported here, so this stays the audit trail's one service.
export { describeFilter, listAudit, requestAuditExport, verifyAudit } from './audit-trail-service';

/** Presigned download links live this long (SPEC §2 scenario 7: a short-lived link). */
export const DOWNLOAD_URL_TTL_SECONDS = 15 * 60;

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
