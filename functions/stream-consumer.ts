import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamoDb } from '../shared/clients';
import { config } from '../shared/config';
import { deleteOutboxEvent } from '../shared/data/outbox';
import { sesMailer } from '../shared/email/mailer';
import { logger } from '../shared/observability';
import { auditWriter } from '../shared/outbox/effects/audit-writer';
import { invitationMailer } from '../shared/outbox/effects/invitation-mailer';
import { notifier } from '../shared/outbox/effects/notifier';
import { applyEffects, keyedSequencer, type OutboxEffect, outboxEventOf } from '../shared/outbox/outbox-consumer';
import { defaultServiceDeps } from '../shared/services/service-deps';

const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'eventId', expiresAfterSeconds: 7 * 24 * 3600 });
/** Notification emails: one per event and recipient (the notifier's `key`). */
const notificationIdempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  expiresAfterSeconds: 7 * 24 * 3600,
});

/**
 * Effects of outbox events, in order: the audit entry first (the record of what happened), then the
 * invitation email, then notifications (in-app and email). Each is idempotent on the event id (the notifier on
 * the event id and recipient), so a redelivered record repeats none.
 */
const effects: readonly OutboxEffect[] = [
  auditWriter({ deps: { db: dynamoDb, auditTableName: config().AUDIT_TABLE_NAME } }),
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
  notifier({
    deps: defaultServiceDeps(),
    mailer: sesMailer(config().SENDER_EMAIL),
    appUrl: config().APP_URL,
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: config().TABLE_NAME,
      keyAttr: 'PK',
      sortKeyAttr: 'SK',
      staticPkValue: 'IDEMPOTENCY#notifier',
      expiryAttr: 'ttl',
    }),
    idempotencyConfig: notificationIdempotencyConfig,
  }),
];

const mainTable = { db: dynamoDb, tableName: config().TABLE_NAME };

/**
 * One record: its effects, then the outbox item is deleted (its job is done). Records that are not
 * new outbox items return at once (CDK filters them out at the event source already; the local poller
 * applies the same filter). A tenant's records are handled one at a time, in stream order, so that its
 * audit chain follows the stream; different tenants proceed in parallel.
 */
function recordHandler(inTenantOrder: ReturnType<typeof keyedSequencer>) {
  return async (record: DynamoDBRecord): Promise<void> => {
    const event = outboxEventOf(record);
    if (!event) return;
    const fields = { eventId: event.eventId, action: event.action, tenantId: event.tenantId };
    try {
      await inTenantOrder(event.tenantId, async () => {
        logger.debug('outbox event', fields);
        await applyEffects(effects, event);
        await deleteOutboxEvent(mainTable, event.eventId);
      });
    } catch (error) {
      // The record fails and the event source retries it (then its DLQ); events carry no secrets in clear.
      logger.warn('outbox event not processed; retried by the event source', { ...fields, error: error as Error });
      throw error;
    }
  };
}

/** DynamoDB stream → outbox effects, with partial batch failure reporting (Lambda retries from the failed record). */
export const handler = (event: DynamoDBStreamEvent, context: Context) => {
  idempotencyConfig.registerLambdaContext(context);
  notificationIdempotencyConfig.registerLambdaContext(context);
  // A processor per invocation: it holds the batch's state, and invocations may overlap in one process locally.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(event, recordHandler(keyedSequencer()), processor, { context });
};
