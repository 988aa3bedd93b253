import type { PresignGet } from '../audit/export-link';
import { type VerifyResult, verifyAuditChain } from '../audit/verify';
import type { AuditEntry } from '../data/audit-entry';
import {
  type AuditExportRecord,
  getExport,
  putNewExport,
  transactWithExportSlot,
} from '../data/audit-export-repository';
import type { AuditKeyFilter } from '../data/audit-keys';
import { type AuditDataDeps, listAuditPage } from '../data/audit-repository';
import { outboxPut } from '../data/outbox';
import { canOn } from '../domain/ability';
import { auditActorOf, type RequestMeta, type TenantCaller } from '../domain/actor';
import { Forbidden, NotFound } from '../domain/errors';
import { EXPORT_RETRY_AFTER_SECONDS, EXPORT_SLOT_TTL_SECONDS, MAX_EXPORTS_IN_PROGRESS } from '../domain/export-limits';
import type { ServiceDeps } from './service-deps';

/*
 * The audit trail's use cases that need no S3 client: list, verify, request an export and read it
 * (its download link is presigned without a client, shared/audit/export-link.ts). The export itself
 * (CSV to S3) is in audit-service.ts, which re-exports these: a function that imports from here does
 * not bundle the S3 client, lib-storage and csv-stringify (about 150 KiB and 20-35 ms of module init;
 * docs/PERFORMANCE.md, figure 1).
 */

export const auditDeps = (deps: ServiceDeps): AuditDataDeps => ({ db: deps.db, auditTableName: deps.auditTableName });

export function requirePermission(caller: TenantCaller, permission: 'audit:read' | 'audit:export'): void {
  if (!canOn(caller.ability, permission, caller.tenantId))
    throw new Forbidden(`This action needs the permission ${permission}.`);
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
export async function verifyAudit(
  deps: ServiceDeps,
  caller: TenantCaller,
  range: { from?: string; to?: string },
): Promise<VerifyResult> {
  requirePermission(caller, 'audit:read');
  return await verifyAuditChain(auditDeps(deps), caller.tenantId, range);
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
 * `POST /audit/exports`: takes one of the tenant's export slots and records the export request with its
 * `audit.exported` event, all in one transaction (the export is audited whether or not it later
 * succeeds; a refused request, 429 export_limit_reached, writes nothing); the INSERT of the record on
 * the stream starts the export worker, which frees the slot when the export is done or failed.
 */
export async function requestAuditExport(
  deps: ServiceDeps,
  caller: TenantCaller,
  filter: AuditKeyFilter,
  meta: RequestMeta,
): Promise<AuditExportRecord> {
  requirePermission(caller, 'audit:export');
  const nowDate = deps.now();
  const now = nowDate.toISOString();
  const base: Omit<AuditExportRecord, 'slot'> = {
    tenantId: caller.tenantId,
    exportId: deps.newId(),
    status: 'pending',
    filter,
    requestedBy: { id: caller.userId, ...(caller.email ? { email: caller.email } : {}) },
    createdAt: now,
    attempts: 0,
    version: 1,
  };
  const eventId = deps.newId();
  const slot = await transactWithExportSlot(
    deps,
    {
      tenantId: caller.tenantId,
      exportId: base.exportId,
      limit: MAX_EXPORTS_IN_PROGRESS,
      now: nowDate,
      expiresAt: new Date(nowDate.getTime() + EXPORT_SLOT_TTL_SECONDS * 1000),
      retryAfterSeconds: EXPORT_RETRY_AFTER_SECONDS,
    },
    (slot) => [
      { item: putNewExport(deps, { ...base, slot }) },
      {
        item: outboxPut(deps.tableName, {
          eventId,
          tenantId: caller.tenantId,
          occurredAt: now,
          action: 'audit.exported',
          actor: auditActorOf(caller, meta),
          target: { type: 'audit_export', id: base.exportId, label: describeFilter(filter) },
          changes: { before: null, after: { filter } },
          requestId: meta.requestId,
        }),
      },
    ],
  );
  return { ...base, slot };
}

/** Presigned download links live this long (SPEC §2 scenario 7: a short-lived link). */
export const DOWNLOAD_URL_TTL_SECONDS = 15 * 60;

export interface AuditExportView {
  readonly record: AuditExportRecord;
  readonly downloadUrl?: string;
  readonly downloadUrlExpiresAt?: string;
}

/** Where finished exports are downloaded from: the export bucket and a signer of GET links. */
export interface ExportDownloads {
  readonly bucket: string;
  readonly presignGet: PresignGet;
}

/** `GET /audit/exports/{id}`: the export's state, with a fresh presigned link once it is done. */
export async function getAuditExport(
  deps: ServiceDeps,
  downloads: ExportDownloads,
  caller: TenantCaller,
  exportId: string,
): Promise<AuditExportView> {
  requirePermission(caller, 'audit:export');
  const record = await getExport(deps, caller.tenantId, exportId);
  if (!record) throw new NotFound('Export', 'export_not_found');
  if (record.status !== 'done' || !record.objectKey) return { record };
  const downloadUrl = await downloads.presignGet(downloads.bucket, record.objectKey, DOWNLOAD_URL_TTL_SECONDS);
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_URL_TTL_SECONDS * 1000).toISOString();
  return { record, downloadUrl, downloadUrlExpiresAt: expiresAt };
}
