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

/**
 * Characters that make a spreadsheet read a field as a formula (OWASP CSV injection), with the full-width
 * forms some spreadsheets normalise (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠).
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);
/** Where a spreadsheet may start a new field or row when it guesses the separator (`;` and tab are common). */
const FIELD_SEPARATORS = new Set([',', ';', '\t', '\r', '\n']);

/**
 * Neutralises formula injection whatever separator the spreadsheet splits on: every piece of `value` that
 * starts a field when split on `,` `;` tab or a line break (the value's start too) and begins, after
 * spaces a spreadsheet may trim, with a trigger (= + - @ tab CR, or a full-width form) gets a `'` before
 * that trigger, which spreadsheets read as "text". Prefixing only the cell (csv-stringify's
 * `escape_formulas`) left `x;=HYPERLINK(...)` a formula for a `;`-splitting reader. Tab and CR are both
 * triggers and separators, so each of them at a piece's start is quoted too and starts a new piece.
 * The original is the output without the inserted quotes; csv-stringify still does the CSV quoting.
 */
export function neutraliseFormulas(value: string): string {
  let out = '';
  let atPieceStart = true;
  for (const char of value) {
    if (atPieceStart && FORMULA_TRIGGERS.has(char)) out += "'";
    out += char;
    if (FIELD_SEPARATORS.has(char)) atPieceStart = true;
    else if (char !== ' ') atPieceStart = false;
  }
  return out;
}

/** Every cell a string, each through `neutraliseFormulas` (the JSON of `changes` too: its strings may be anything). */
export function csvRowOf(entry: AuditEntry): CsvRow {
  const row: CsvRow = {
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
  for (const { key } of CSV_COLUMNS) row[key] = neutraliseFormulas(row[key]);
  return row;
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
  // Formulas are neutralised per piece in csvRowOf; csv-stringify's own `escape_formulas` looks at a cell's first character only.
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
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
  return await uploadAuditCsv(storage, auditEntriesOf(deps, input.tenantId, input.filter), input);
}
