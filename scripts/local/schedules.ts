import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import type { ScheduledJob } from '../../shared/jobs/schedules';
import type { LambdaRuntime } from './lambda-runtime';
import { errorFields, type StackLogger } from './log';

/**
 * The local stand-in for the EventBridge schedules: each job's handler runs every `localEverySeconds`
 * with a `ScheduledEvent`. A job never overlaps itself (a run that is due while the previous one is still
 * going waits for it); failures are logged, never fatal. `runOnce` runs a job now, in the same queue.
 */
export interface Schedules {
  /** `detail` becomes the event's `detail` (a job may take parameters from it; EventBridge sends `{}`). */
  runOnce(name: string, detail?: Record<string, unknown>): Promise<unknown>;
  stop(): Promise<void>;
}

export class UnknownJobError extends Error {
  readonly statusCode = 404;
  constructor(name: string, known: readonly string[]) {
    super(`unknown job "${name}"; jobs: ${known.join(', ')}`);
    this.name = 'UnknownJobError';
  }
}

export function startSchedules(options: {
  readonly jobs: readonly ScheduledJob[];
  readonly runtime: LambdaRuntime;
  readonly region: string;
  readonly accountId: string;
  readonly stage: string;
  /** Start the timers (default true); `runOnce` works either way. */
  readonly timers?: boolean;
  readonly log: StackLogger;
}): Schedules {
  const queues = new Map<string, Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const run = (
    job: ScheduledJob,
    trigger: 'timer' | 'manual',
    detail: Record<string, unknown> = {},
  ): Promise<unknown> => {
    const previous = queues.get(job.name) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const event = { ...scheduledEvent(job, options), detail };
        const started = performance.now();
        try {
          const result = await options.runtime.invoke(job.handler, job.name, event, 15 * 60_000);
          options.log.info('job finished', { job: job.name, trigger, ms: Math.round(performance.now() - started) });
          return result;
        } catch (error) {
          options.log.error('job failed', { job: job.name, trigger, ...errorFields(error) });
          throw error;
        }
      });
    queues.set(job.name, next);
    return next;
  };

  if (options.timers ?? true) {
    for (const job of options.jobs) {
      const tick = () => {
        if (stopped) return;
        // Only one timer run waits in the queue: skip a tick while the previous run is still going.
        run(job, 'timer')
          .catch(() => undefined)
          .finally(() => {
            if (!stopped) timers.push(setTimeout(tick, job.localEverySeconds * 1000));
          });
      };
      timers.push(setTimeout(tick, job.localEverySeconds * 1000));
    }
  }

  return {
    runOnce(name, detail) {
      const job = options.jobs.find((j) => j.name === name);
      if (!job)
        return Promise.reject(
          new UnknownJobError(
            name,
            options.jobs.map((j) => j.name),
          ),
        );
      return run(job, 'manual', detail);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.race([
        Promise.allSettled([...queues.values()]),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
    },
  };
}

function scheduledEvent(
  job: ScheduledJob,
  options: { region: string; accountId: string; stage: string },
): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: options.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: options.region,
    resources: [`arn:aws:events:${options.region}:${options.accountId}:rule/${options.stage}-${job.name}`],
    detail: {},
  };
}
