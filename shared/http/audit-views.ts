import type { AuditEntry } from '../data/audit-entry';
import type { AuditExportView } from '../services/audit-service';
import type { AuditEntryView, AuditExportResource } from './schemas/audit';

/** Audit records → API resource shapes (SPEC §4). Field names here are the contract. */

/** An audit entry exactly as it was hashed (SPEC §4 audit event), fields in contract order. */
export const auditEntryView = (entry: AuditEntry): AuditEntryView => ({
  id: entry.id,
  tenantId: entry.tenantId,
  seq: entry.seq,
  occurredAt: entry.occurredAt,
  actor: entry.actor,
  action: entry.action,
  target: entry.target,
  changes: entry.changes,
  requestId: entry.requestId,
  prevHash: entry.prevHash,
  hash: entry.hash,
});

export const auditExportView = ({
  record,
  downloadUrl,
  downloadUrlExpiresAt,
}: AuditExportView): AuditExportResource => ({
  exportId: record.exportId,
  status: record.status,
  rowCount: record.rowCount ?? null,
  ...(downloadUrl ? { downloadUrl, downloadUrlExpiresAt } : {}),
  filter: record.filter,
  createdAt: record.createdAt,
  ...(record.completedAt ? { completedAt: record.completedAt } : {}),
  ...(record.error ? { error: record.error } : {}),
});
