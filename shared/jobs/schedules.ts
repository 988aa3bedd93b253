import type { DynamoDBRecord } from 'aws-lambda';
import { AUDIT_EXPORT_PREFIX, OUTBOX_PREFIX } from '../data/keys';
import type { InternalGrant, ResourceGrant } from '../grants';

/**
 * Scheduled jobs and stream consumers: one source for the EventBridge rules and event source mappings
 * in CDK and for the timers and stream pollers of the local stack.
 */

export interface ScheduledJob {
  /** Construct id and log name. */
  readonly name: string;
  /** Lambda entry point, relative to the repository root. */
  readonly handler: string;
  readonly description: string;
  /** EventBridge schedule expression in AWS. */
  readonly awsSchedule: string;
  /** Interval of the local timer in `npm start`: short, so that expiry is visible while trying things out. */
  readonly localEverySeconds: number;
  /** What the job's function may touch in AWS (as for routes). */
  readonly grants: readonly (ResourceGrant | InternalGrant)[];
}

export const scheduledJobs: readonly ScheduledJob[] = [
  {
    name: 'purge',
    handler: 'functions/jobs/purge.ts',
    description:
      'Expire stale invitations (freeing their seats), time-bound role assignments and bot roles, and pending access requests',
    awsSchedule: 'rate(15 minutes)',
    localEverySeconds: 30,
    grants: ['main:write'],
  },
  {
    name: 'redrive',
    handler: 'functions/jobs/redrive.ts',
    description: 'Deliver again, through the stream consumer, outbox events that exhausted its retries',
    awsSchedule: 'rate(15 minutes)',
    localEverySeconds: 60,
    // Reads the undelivered-outbox index; its only write touches outbox items (infra/constructs/grants.ts).
    grants: ['main:read', 'outbox:redrive'],
  },
];

/**
 * Which main-table stream records a consumer is given: records of one of `eventNames` whose new image's
 * `attribute` starts with `prefix`. CDK turns it into the event source mapping's filter (Lambda drops the
 * rest before invoking); the local poller applies `matchesStreamFilter`.
 */
export interface StreamFilter {
  readonly eventNames: readonly ('INSERT' | 'MODIFY')[];
  readonly attribute: 'PK' | 'SK';
  readonly prefix: string;
}

/** A consumer of the main table's DynamoDB stream (DynamoDB streams serve two consumers at once). */
export interface StreamConsumer {
  /** Construct id (PascalCased), local function name and log name. */
  readonly name: string;
  /** Lambda entry point, relative to the repository root. */
  readonly handler: string;
  readonly description: string;
  readonly filter: StreamFilter;
  /** Event source mapping settings, mirrored by the local poller. */
  readonly batchSize: number;
  readonly maxRetries: number;
  /** Records older than this go to the consumer's DLQ unprocessed (and are logged so locally). */
  readonly maxRecordAgeSeconds: number;
  /** Concurrent batches per shard (records of one partition key stay in order). Local poller: 1. */
  readonly parallelizationFactor: number;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly grants: readonly (ResourceGrant | InternalGrant)[];
}

/**
 * Outbox events → audit entries, invitation emails and notifications. Reads and writes the main table (reads
 * for emails and recipients, in-app notifications, idempotency records, deletes processed outbox items), reads the audit chain head and appends audit entries
 * (conditional PutItem only), unseals invitation tokens and sends email.
 */
export const streamConsumer = {
  name: 'streamConsumer',
  handler: 'functions/stream-consumer.ts',
  description: 'Outbox events from the main table stream: audit entries, invitation emails and notifications',
  // New outbox items, and redriven ones (the redrive job's UpdateItem: nothing else modifies an outbox item).
  filter: { eventNames: ['INSERT', 'MODIFY'], attribute: 'PK', prefix: OUTBOX_PREFIX },
  batchSize: 25,
  maxRetries: 5,
  maxRecordAgeSeconds: 6 * 3600,
  // One batch per shard at a time: a tenant's audit chain follows the stream order.
  parallelizationFactor: 1,
  memorySize: 1024,
  timeoutSeconds: 60,
  grants: ['main:write', 'audit:read', 'audit:append', 'outboxKey:read', 'email:send'],
} as const satisfies StreamConsumer;

/**
 * Audit export requests (new `EXPORT#` items) → CSV in the export bucket. Its own consumer, so a long
 * export never delays audit entries or emails. Reads the audit table, writes the export record (main
 * table) and the CSV object; no audit write.
 */
export const exportWorker = {
  name: 'auditExportWorker',
  handler: 'functions/audit/run-audit-export.ts',
  description: 'Audit export requests from the main table stream: CSV streamed to the export bucket',
  filter: { eventNames: ['INSERT'], attribute: 'SK', prefix: AUDIT_EXPORT_PREFIX },
  batchSize: 1,
  // Three runs in all: the export record counts them and marks the export failed after the last.
  maxRetries: 2,
  maxRecordAgeSeconds: 6 * 3600,
  // Exports are independent: several tenants' exports may run at once on one shard.
  parallelizationFactor: 5,
  memorySize: 1024,
  timeoutSeconds: 15 * 60,
  grants: ['main:write', 'audit:read', 'exports:write'],
} as const satisfies StreamConsumer;

export const streamConsumers: readonly StreamConsumer[] = [streamConsumer, exportWorker];

/** The local poller's equivalent of the event source mapping's filter. */
export function matchesStreamFilter(filter: StreamFilter, record: DynamoDBRecord): boolean {
  if (!(record.eventName === 'INSERT' || record.eventName === 'MODIFY')) return false;
  if (!filter.eventNames.includes(record.eventName)) return false;
  const value = record.dynamodb?.NewImage?.[filter.attribute]?.S;
  return typeof value === 'string' && value.startsWith(filter.prefix);
}
