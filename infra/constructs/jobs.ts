import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { scheduledJobs } from '../../shared/jobs/schedules';
import type { StageConfig } from '../stage-config';
import { applyGrants, type GrantResources } from './grants';
import { ServiceFunction } from './service-function';

export interface JobsProps {
  readonly config: StageConfig;
  readonly environment: Readonly<Record<string, string>>;
  readonly grantResources: GrantResources;
}

/** One function and one EventBridge schedule rule per entry of `scheduledJobs`. */
export class Jobs extends Construct {
  readonly functions: ReadonlyMap<string, ServiceFunction>;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const functions = new Map<string, ServiceFunction>();
    for (const job of scheduledJobs) {
      const fn = new ServiceFunction(this, job.name, {
        entry: job.handler,
        config: props.config,
        environment: props.environment,
        description: job.description,
        memorySize: 1024,
        timeout: Duration.minutes(5),
      });
      applyGrants(fn.serviceRole, job.grants, props.grantResources);
      new Rule(this, `${job.name}Schedule`, {
        description: job.description,
        schedule: Schedule.expression(job.awsSchedule),
        // A missed run is caught up by the next one: jobs are idempotent sweeps.
        targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
      });
      functions.set(job.name, fn);
    }
    this.functions = functions;
  }
}
