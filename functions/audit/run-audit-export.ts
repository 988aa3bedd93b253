import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { s3 } from '../../shared/audit/csv-export';
import { config } from '../../shared/config';
import { present } from '../../shared/domain/present';
import { exportWorker, matchesStreamFilter } from '../../shared/jobs/schedules';
import { logger } from '../../shared/observability';
import { runAuditExport } from '../../shared/services/audit-service';
import { defaultServiceDeps } from '../../shared/services/service-deps';

/** Runs of one export in all: the first plus the event source mapping's retries. */
const MAX_ATTEMPTS = exportWorker.maxRetries + 1;

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  if (!matchesStreamFilter(exportWorker.filter, record)) return;
  const image = unmarshall(present(record.dynamodb?.NewImage, 'stream NewImage') as Record<string, AttributeValue>) as {
    tenantId: string;
    exportId: string;
  };
  const bucket = config().EXPORT_BUCKET;
  if (!bucket) throw new Error('EXPORT_BUCKET is not configured');
  logger.appendKeys({ tenantId: image.tenantId, exportId: image.exportId });
  try {
    const outcome = await runAuditExport(defaultServiceDeps(), { s3, bucket }, image, MAX_ATTEMPTS);
    logger.info('audit export run', { outcome });
  } catch (error) {
    logger.error('audit export run failed; the event source retries it', { error: error as Error });
    throw error;
  }
}

/**
 * The audit export worker: new `EXPORT#` items of the main table's stream (filtered at the event
 * source) → CSV in the export bucket, one export per batch. A failed run fails its record, so the
 * mapping retries it; the export record counts the runs and is marked failed after the last.
 */
export const handler = (event: DynamoDBStreamEvent, context: Context) => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(event, recordHandler, processor, { context });
};
