import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type StreamConsumer, streamConsumer, streamConsumers } from '../../shared/jobs/schedules';
import { acknowledge } from '../nag';
import type { StageConfig } from '../stage-config';
import { applyGrants, type Grant, type GrantResources } from './grants';
import { ServiceFunction } from './service-function';

/** Only new outbox items wake the outbox consumer; every other change of the main table is filtered out by Lambda. */
export const OUTBOX_PK_PREFIX = streamConsumer.filter.prefix;

/** What the outbox consumer may do (see `streamConsumer` in shared/jobs/schedules.ts). */
export const STREAM_CONSUMER_GRANTS: readonly Grant[] = streamConsumer.grants;

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
  /** @default `streamConsumers` from shared/jobs/schedules.ts */
  readonly consumers?: readonly StreamConsumer[];
}

/** One consumer of the main table's stream: its function and its on-failure destination. */
export interface StreamConsumerResources {
  readonly function: ServiceFunction;
  readonly deadLetterQueue: Queue;
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The consumers of the main table's stream, one per entry of `streamConsumers`: the transactional
 * outbox consumer (hash-chained audit entries and invitation emails) and the audit export worker.
 * Each has its own function, event source mapping with its filter (Lambda drops every other record
 * before invoking), partial batch failure reporting, bounded retries with bisection, a maximum record
 * age and an encrypted DLQ as on-failure destination.
 */
export class Messaging extends Construct {
  /** Consumers by name. */
  readonly consumers: ReadonlyMap<string, StreamConsumerResources>;
  /** The outbox consumer. */
  readonly consumer: ServiceFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: MessagingProps) {
    super(scope, id);
    const { config } = props;
    const consumers = new Map<string, StreamConsumerResources>();

    for (const definition of props.consumers ?? streamConsumers) {
      const constructId = pascal(definition.name);
      const deadLetterQueue = new Queue(this, `${constructId}Dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: config.removalPolicy,
      });
      acknowledge(
        deadLetterQueue,
        'AwsSolutions-SQS3',
        'This queue is itself the on-failure destination of a stream event source mapping; it has no DLQ of its own.',
      );

      const fn = new ServiceFunction(this, constructId, {
        entry: definition.handler,
        config,
        environment: props.environment,
        description: definition.description,
        memorySize: definition.memorySize,
        timeout: Duration.seconds(definition.timeoutSeconds),
      });
      applyGrants(fn.serviceRole, definition.grants, props.grantResources);

      const { filter } = definition;
      fn.addEventSource(
        new DynamoEventSource(props.mainTable, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: definition.batchSize,
          retryAttempts: definition.maxRetries,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          maxRecordAge: Duration.seconds(definition.maxRecordAgeSeconds),
          parallelizationFactor: definition.parallelizationFactor,
          onFailure: new SqsDlq(deadLetterQueue),
          filters: [
            FilterCriteria.filter({
              eventName: FilterRule.or(...filter.eventNames),
              dynamodb: { NewImage: { [filter.attribute]: { S: FilterRule.beginsWith(filter.prefix) } } },
            }),
          ],
        }),
      );
      consumers.set(definition.name, { function: fn, deadLetterQueue });
    }

    this.consumers = consumers;
    const outbox = consumers.get(streamConsumer.name);
    if (!outbox) throw new Error(`the stream consumers must include ${streamConsumer.name}`);
    this.consumer = outbox.function;
    this.deadLetterQueue = outbox.deadLetterQueue;
  }
}
