import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { stringify } from 'csv-stringify';
import { CSV_COLUMNS, csvRowOf } from '../../shared/audit/csv-export';
import type { AuditEntry } from '../../shared/data/audit-entry';
import { auditKeys } from '../../shared/data/audit-keys';

/**
 * The baseline of figure 6, bundled and run in a fresh process like the export worker: the same
 * entries read with raw key-condition Queries (pages of 500, newest first, as the export reads them)
 * and stringified to CSV with the same columns and formula escaping, into a sink instead of S3.
 * Prints `{ms, rows, bytes, maxRssKb}`.
 */
const [tenantId, from, to] = process.argv.slice(2) as [string, string, string];
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const query = auditKeys.queryFor(tenantId, { from, to });

async function* rows() {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: process.env.AUDIT_TABLE_NAME,
        IndexName: query.indexName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
        ExpressionAttributeNames: { '#pk': query.partitionAttribute, '#sk': query.sortAttribute },
        ExpressionAttributeValues: { ':pk': query.partitionValue, ':lower': query.lower, ':upper': query.upper },
        ScanIndexForward: false,
        Limit: 500,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield csvRowOf(item as unknown as AuditEntry);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

let count = 0;
let bytes = 0;
const start = performance.now();
await pipeline(
  async function* () {
    for await (const row of rows()) {
      count++;
      yield row;
    }
  },
  stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true }),
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  }),
);
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, rows: count, bytes, maxRssKb: process.resourceUsage().maxRSS })}\n`);
