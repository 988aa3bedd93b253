import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '../shared/config';
import { sesMailer } from '../shared/email/mailer';
import { logger } from '../shared/observability';
import { invitationMailer } from '../shared/outbox/effects/invitation-mailer';
import { applyEffects, outboxEventOf, type OutboxEffect } from '../shared/outbox/outbox-consumer';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'eventId', expiresAfterSeconds: 7 * 24 * 3600 });

/**
 * Effects of outbox events, in order. The audit writer (hash-chained audit entries) joins with its own
 * capability; until then events stay in the outbox (never deleted), so none is lost.
 */
const effects: readonly OutboxEffect[] = [
  invitationMailer({
    mailer: sesMailer(config().SENDER_EMAIL),
    appUrl: config().APP_URL,
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config().TABLE_NAME,
      keyAttr: 'PK',
      sortKeyAttr: 'SK',
      staticPkValue: 'IDEMPOTENCY#invitation-mailer',
      expiryAttr: 'ttl',
    }),
    idempotencyConfig,
  }),
];

async function recordHandler(record: DynamoDBRecord): Promise<void> {
  const event = outboxEventOf(record);
  if (!event) return;
  logger.debug('outbox event', { eventId: event.eventId, action: event.action, tenantId: event.tenantId });
  await applyEffects(effects, event);
}

/** DynamoDB stream → outbox effects, with partial batch failure reporting (Lambda retries from the failed record). */
export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  idempotencyConfig.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
