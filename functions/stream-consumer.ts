import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/observability';
import { applyEffects, outboxEventOf, type OutboxEffect } from '../shared/outbox/outbox-consumer';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/**
 * Effects of outbox events, in order. The audit writer (hash-chained audit entries) and the invitation
 * mailer are added by their own capabilities; until then events stay in the outbox, unprocessed and
 * intact, so nothing is lost.
 */
const effects: readonly OutboxEffect[] = [];

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  const event = outboxEventOf(record);
  if (!event) return;
  logger.debug('outbox event', { eventId: event.eventId, action: event.action, tenantId: event.tenantId });
  await applyEffects(effects, event);
}

/** DynamoDB stream → outbox effects, with partial batch failure reporting (Lambda retries from the failed record). */
export const handler = async (event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
