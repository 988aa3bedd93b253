import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { stringify } from 'csv-stringify';
import type { AuditEntry } from '../data/audit-entry';
import type { AuditKeyFilter } from '../data/audit-keys';
import { type AuditDataDeps, queryAuditPage } from '../data/audit-repository';

/**
 * CSV exports of the audit trail: DynamoDB pages → csv-stringify → S3 multipart upload, as one stream
 * pipeline, so memory stays bounded whatever the number of rows: one page of entries, the stringifier's
 * and pipe buffers, and at most `queueSize + 1` upload parts of `partSize` bytes (about 15 MB).
 */

/** The S3 client at module scope; locally AWS_ENDPOINT_URL_S3 (an IP literal) points it at the emulator, path-style. */
export const s3 = new S3Client({});

export interface ExportStorage {
  readonly s3: S3Client;
  readonly bucket: string;
}

/** Columns in order: `key` reads the row built by `csvRowOf`, `header` is the first line. */
export const CSV_COLUMNS = [
  { key: 'occurredAt', header: 'occurredAt' },
  { key: 'actorEmail', header: 'actor email' },
  { key: 'actorId', header: 'actor id' },
  { key: 'action', header: 'action' },
  { key: 'targetType', header: 'target type' },
  { key: 'targetId', header: 'target id' },
  { key: 'targetLabel', header: 'target label' },
  { key: 'changes', header: 'changes' },
  { key: 'ip', header: 'ip' },
  { key: 'userAgent', header: 'user agent' },
  { key: 'requestId', header: 'request id' },
  { key: 'seq', header: 'seq' },
  { key: 'hash', header: 'hash' },
] as const;

type CsvRow = Record<(typeof CSV_COLUMNS)[number]['key'], string>;

/** Every cell a string: csv-stringify's `escape_formulas` then prefixes `'` to any cell starting with = + - @ (tab, CR). */
export function csvRowOf(entry: AuditEntry): CsvRow {
  return {
    occurredAt: entry.occurredAt,
    actorEmail: entry.actor.email ?? '',
    actorId: entry.actor.id,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    targetLabel: entry.target.label,
    changes: JSON.stringify(entry.changes ?? null),
    ip: entry.actor.ip ?? '',
    userAgent: entry.actor.userAgent ?? '',
    requestId: entry.requestId,
    seq: String(entry.seq),
    hash: entry.hash,
  };
}

/** Where an export's CSV lives in the bucket. */
export const exportObjectKey = (tenantId: string, exportId: string) => `exports/${tenantId}/${exportId}.csv`;

export const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;
/** Entries per DynamoDB page (a page is also capped at 1 MB by DynamoDB). */
const PAGE_SIZE = 500;

/** Every entry of `filter`, newest first (as `GET /audit` lists them), one DynamoDB page at a time. */
export async function* auditEntriesOf(
  deps: AuditDataDeps,
  tenantId: string,
  filter: AuditKeyFilter,
): AsyncGenerator<AuditEntry> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryAuditPage(deps, tenantId, filter, { limit: PAGE_SIZE, startKey });
    yield* page.items;
    startKey = page.lastKey;
  } while (startKey);
}

/**
 * Streams `entries` as CSV into `storage.bucket/objectKey`. Resolves with the number of data rows once S3
 * has the whole object; on any failure the multipart upload is aborted and the error is thrown.
 */
export async function uploadAuditCsv(
  storage: ExportStorage,
  entries: AsyncIterable<AuditEntry>,
  input: { objectKey: string; downloadName: string },
): Promise<{ rowCount: number }> {
  let rowCount = 0;
  async function* rows(): AsyncGenerator<CsvRow> {
    for await (const entry of entries) {
      rowCount++;
      yield csvRowOf(entry);
    }
  }

  const body = new PassThrough();
  const upload = new Upload({
    client: storage.s3,
    params: {
      Bucket: storage.bucket,
      Key: input.objectKey,
      Body: body,
      ContentType: 'text/csv; charset=utf-8',
      ContentDisposition: `attachment; filename="${input.downloadName}"`,
    },
    queueSize: QUEUE_SIZE,
    partSize: PART_SIZE,
    leavePartsOnError: false,
  });
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true });
  const piping = pipeline(Readable.from(rows()), csv, body);
  piping.catch(() => undefined); // observed below; avoid an unhandled rejection while the upload fails first
  try {
    await Promise.all([piping, upload.done()]);
  } catch (error) {
    body.destroy();
    await upload.abort().catch(() => undefined);
    throw error;
  }
  return { rowCount };
}

/** Streams every entry of `filter` for `tenantId` as CSV into the export bucket. */
export async function writeAuditCsv(
  deps: AuditDataDeps,
  storage: ExportStorage,
  input: { tenantId: string; filter: AuditKeyFilter; objectKey: string; downloadName: string },
): Promise<{ rowCount: number }> {
  return uploadAuditCsv(storage, auditEntriesOf(deps, input.tenantId, input.filter), input);
}
