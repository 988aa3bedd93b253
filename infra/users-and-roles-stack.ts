import { CfnOutput, Lazy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api';
import { Audit } from './constructs/audit';
import { ConsoleHosting, cognitoEndpoint } from './constructs/console-hosting';
import { Data } from './constructs/data';
import type { GrantResources } from './constructs/grants';
import { Identity } from './constructs/identity';
import { Jobs } from './constructs/jobs';
import { Messaging } from './constructs/messaging';
import type { StageConfig } from './stage-config';

export interface UsersAndRolesStackProps extends StackProps {
  readonly config: StageConfig;
}

/** `UsersAndRoles-<stage>`. */
export function stackName(stage: string): string {
  return `UsersAndRoles-${stage}`;
}

/**
 * One stack per stage. Bounded contexts are constructs (STYLE 9): data, identity, console (hosting of
 * the web console), audit (exports), messaging (outbox stream consumer), jobs, api. Every function gets
 * the same environment, the one `shared/config.ts` validates; what it may touch is decided by its grants only.
 *
 * `config` is the stage's configuration as deployed: without an `appUrl` of its own, the stage's
 * console is its CloudFront URL, which then is `appUrl` (invitation links) and a CORS origin. The
 * distribution depends on nothing of the API (see `consoleConnectSources`), so API → distribution
 * domain is the only edge between them.
 */
export class UsersAndRolesStack extends Stack {
  readonly config: StageConfig & { readonly appUrl: string };
  readonly data: Data;
  readonly identity: Identity;
  readonly console: ConsoleHosting;
  readonly audit: Audit;
  readonly messaging: Messaging;
  readonly jobs: Jobs;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: UsersAndRolesStackProps) {
    super(scope, id, props);
    this.data = new Data(this, 'Data', { config: props.config });
    this.identity = new Identity(this, 'Identity', { config: props.config });
    this.console = new ConsoleHosting(this, 'Console', {
      config: props.config,
      runtimeConfig: {
        // The API is built below, from the config this console's URL completes.
        apiUrl: Lazy.string({ produce: () => this.api.httpApi.apiEndpoint }),
        region: this.region,
        cognito: {
          endpoint: cognitoEndpoint(this),
          userPoolId: this.identity.userPool.userPoolId,
          clientId: this.identity.userPoolClient.userPoolClientId,
        },
      },
    });
    const config = {
      ...props.config,
      appUrl: props.config.appUrl ?? this.console.url,
      corsAllowedOrigins:
        props.config.appUrl === undefined
          ? [this.console.url, ...props.config.corsAllowedOrigins]
          : props.config.corsAllowedOrigins,
    };
    this.config = config;

    this.audit = new Audit(this, 'Audit', { config, auditTable: this.data.auditTable });

    const environment: Record<string, string> = {
      STAGE: config.stage,
      TABLE_NAME: this.data.mainTable.tableName,
      AUDIT_TABLE_NAME: this.data.auditTable.tableName,
      USER_POOL_ID: this.identity.userPool.userPoolId,
      USER_POOL_CLIENT_ID: this.identity.userPoolClient.userPoolClientId,
      OUTBOX_SEALING_SECRET_ARN: this.data.outboxSealingSecret.secretArn,
      EXPORT_BUCKET: this.audit.exportBucket.bucketName,
      APP_URL: config.appUrl,
      SENDER_EMAIL: config.senderEmail,
      MAX_BODY_BYTES: String(config.maxBodyBytes),
    };
    const grantResources: GrantResources = {
      mainTable: this.data.mainTable,
      auditTable: this.data.auditTable,
      userPool: this.identity.userPool,
      exportBucket: this.audit.exportBucket,
      outboxSealingSecret: this.data.outboxSealingSecret,
      senderEmail: config.senderEmail,
    };

    this.messaging = new Messaging(this, 'Messaging', {
      config,
      mainTable: this.data.mainTable,
      environment,
      grantResources,
    });
    this.jobs = new Jobs(this, 'Jobs', { config, environment, grantResources });
    this.api = new Api(this, 'Api', {
      config,
      userPool: this.identity.userPool,
      userPoolClient: this.identity.userPoolClient,
      environment,
      grantResources,
    });

    Tags.of(this).add('project', 'users-and-roles');
    Tags.of(this).add('stage', config.stage);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.mainTable.tableName });
    new CfnOutput(this, 'AuditTableName', { value: this.data.auditTable.tableName });
    new CfnOutput(this, 'ExportBucketName', { value: this.audit.exportBucket.bucketName });
    new CfnOutput(this, 'ConsoleUrl', { value: config.appUrl });
    new CfnOutput(this, 'ConsoleBucketName', { value: this.console.bucket.bucketName });
    new CfnOutput(this, 'ConsoleDistributionId', { value: this.console.distribution.distributionId });
  }
}
