import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { streamConsumer } from '../../shared/jobs/schedules';
import { acknowledge } from '../nag';
import type { StageConfig } from '../stage-config';
import { applyGrants, type Grant, type GrantResources } from './grants';
import { ServiceFunction } from './service-function';

/** Only new outbox items wake the consumer; every other change of the main table is filtered out by Lambda. */
export const OUTBOX_PK_PREFIX = 'OUTBOX#';

/**
 * What the consumer may do: read and write the main table (it reads tenants/members for emails and
 * deletes processed outbox items), read the audit chain head and append audit entries (conditional
 * PutItem only), unseal invitation tokens, and send email from the stage's sender identity.
 */
export const STREAM_CONSUMER_GRANTS: readonly Grant[] = [
  'main:write',
  'audit:read',
  'audit:append',
  'outboxKey:read',
  'email:send',
];

/**
 * Bounds how long a failing batch blocks its shard. After `maxRetries` (bisecting on each error) or
 * this age, the batch's stream coordinates go to the DLQ; the records stay readable in the stream
 * for 24 h for a replay. The age is `streamConsumer.maxRecordAgeSeconds` (shared/jobs/schedules.ts).
 */
export const STREAM_MAX_RECORD_AGE = Duration.seconds(streamConsumer.maxRecordAgeSeconds);

export interface MessagingProps {
  readonly config: StageConfig;
  readonly mainTable: TableV2;
  readonly environment: Readonly<Record<string, string>>;
  readonly grantResources: GrantResources;
}

/**
 * The transactional outbox consumer: the main table's stream, filtered to new `OUTBOX#` items,
 * feeds one function that appends hash-chained audit entries and sends invitation emails through
 * SES. Partial batch failures are reported per record; exhausted batches land in an encrypted DLQ.
 */
export class Messaging extends Construct {
  readonly consumer: ServiceFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const { config } = props;

    this.deadLetterQueue = new Queue(this, 'StreamConsumerDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: config.removalPolicy,
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the on-failure destination of the stream event source mapping; it has no DLQ of its own.',
    );

    this.consumer = new ServiceFunction(this, 'StreamConsumer', {
      entry: streamConsumer.handler,
      config,
      environment: props.environment,
      description: 'Outbox events from the main table stream: audit entries and invitation emails',
      memorySize: 1024,
      timeout: Duration.seconds(60),
    });
    applyGrants(this.consumer.serviceRole, STREAM_CONSUMER_GRANTS, props.grantResources);

    this.consumer.addEventSource(
      new DynamoEventSource(props.mainTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: streamConsumer.batchSize,
        retryAttempts: streamConsumer.maxRetries,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        maxRecordAge: STREAM_MAX_RECORD_AGE,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { PK: { S: FilterRule.beginsWith(OUTBOX_PK_PREFIX) } } },
          }),
        ],
      }),
    );
  }
}
