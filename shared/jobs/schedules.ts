import type { ResourceGrant } from '../http/route-definition';

/**
 * Scheduled jobs: one source for the EventBridge rules in CDK and the timers of the local stack.
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
  readonly grants: readonly ResourceGrant[];
}

export const scheduledJobs: readonly ScheduledJob[] = [
  {
    name: 'purge',
    handler: 'functions/jobs/purge.ts',
    description: 'Expire stale invitations (freeing their seats) and time-bound role assignments',
    awsSchedule: 'rate(15 minutes)',
    localEverySeconds: 30,
    grants: ['main:write'],
  },
];

/** The DynamoDB stream consumer of the main table: outbox events to audit entries and emails. */
export const streamConsumer = {
  name: 'streamConsumer',
  handler: 'functions/stream-consumer.ts',
  /** Lambda event source mapping settings, mirrored by the local poller. */
  batchSize: 25,
  maxRetries: 5,
  /** Records older than this go to the DLQ unprocessed (and are logged so locally). */
  maxRecordAgeSeconds: 6 * 3600,
} as const;
