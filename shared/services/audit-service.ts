import { type ExportStorage, exportObjectKey, writeAuditCsv } from '../audit/csv-export';
import { claimExport, finishExport, releaseExportSlot } from '../data/audit-export-repository';
import { logger } from '../observability';
import { auditDeps } from './audit-trail-service';
import type { ServiceDeps } from './service-deps';

// Listing, verifying, requesting and reading exports need no S3 client: they live in
// audit-trail-service.ts (lighter bundles for their functions) and are re-exported here, so this stays
// the audit trail's one service.
export {
  type AuditExportView,
  DOWNLOAD_URL_TTL_SECONDS,
  describeFilter,
  type ExportDownloads,
  getAuditExport,
  listAudit,
  requestAuditExport,
  verifyAudit,
} from './audit-trail-service';

/**
 * The export worker's job for one export request: claim it, stream its CSV to S3, mark it done and free
 * its export slot.
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
    // After the record: a crash in between leaves the slot to expire, never a finished export still running.
    await releaseExportSlot(deps, record);
    logger.info('audit export done', {
      exportId: record.exportId,
      tenantId: record.tenantId,
      rowCount,
      ms: Math.round(performance.now() - started),
    });
    return 'done';
  } catch (error) {
    if (record.attempts < maxAttempts) throw error;
    logger.error('audit export failed for good', {
      exportId: record.exportId,
      tenantId: record.tenantId,
      attempts: record.attempts,
      error: error as Error,
    });
    await finishExport(
      deps,
      record,
      { status: 'failed', error: 'The export could not be written; request a new one.' },
      deps.now(),
    );
    await releaseExportSlot(deps, record);
    return 'failed';
  }
}
