import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Grant, grantActions, REDRIVE_POLICY_ATTRIBUTES } from '../../infra/constructs/grants';
import { OUTBOX_PK_PREFIX, STREAM_CONSUMER_GRANTS } from '../../infra/constructs/messaging';
import type { ServiceFunction } from '../../infra/constructs/service-function';
import { auditTable, mainTable, type TableDefinition } from '../../shared/data/table-definitions';
import { PLATFORM_ADMIN_GROUP } from '../../shared/domain/actor';
import { requiresToken } from '../../shared/http/route-definition';
import { fallbackRoute, routeList } from '../../shared/http/routes';
import { exportWorker, scheduledJobs, streamConsumer, streamConsumers } from '../../shared/jobs/schedules';
import { acknowledgements, allNagFindings, logicalId, nagViolations, type Synthesized, synthStage } from './synth';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;

/** Environment every function needs: what shared/config.ts reads, plus Powertools/Node settings. */
const REQUIRED_ENV = [
  'STAGE',
  'TABLE_NAME',
  'AUDIT_TABLE_NAME',
  'USER_POOL_ID',
  'USER_POOL_CLIENT_ID',
  'OUTBOX_SEALING_SECRET_ARN',
  'EXPORT_BUCKET',
  'APP_URL',
  'SENDER_EMAIL',
  'MAX_BODY_BYTES',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_NAMESPACE',
  'NODE_OPTIONS',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

let dev: Synthesized;
let prod: Synthesized;
let resources: Resources;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
  resources = dev.template.toJSON().Resources as Resources;
}, 180_000);

// ---------------------------------------------------------------------------------------------
// IAM helpers: a policy as a set of "action resource" strings, resources flattened like cdk-nag does.

function flatten(node: unknown): string {
  if (typeof node === 'string') return node;
  const obj = node as Record<string, any>;
  if (obj['Fn::Join']) return (obj['Fn::Join'][1] as unknown[]).map(flatten).join(obj['Fn::Join'][0]);
  if (obj['Fn::GetAtt']) return `<${obj['Fn::GetAtt'][0]}.${obj['Fn::GetAtt'][1]}>`;
  if (obj.Ref) return `<${obj.Ref}>`;
  return JSON.stringify(node);
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** All Allow statements of the policies attached to `roleId`, as "action resource" pairs. */
function permissionsOfRole(res: Resources, roleId: string): Set<string> {
  const pairs = new Set<string>();
  for (const resource of Object.values(res)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties.Roles as { Ref: string }[]).map((r) => r.Ref);
    if (!roles.includes(roleId)) continue;
    for (const statement of resource.Properties.PolicyDocument.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const action of asArray(statement.Action as string | string[])) {
        for (const target of asArray(statement.Resource)) pairs.add(`${action} ${flatten(target)}`);
      }
    }
  }
  return pairs;
}

function permissionsOf(synth: Synthesized, fn: ServiceFunction): Set<string> {
  return permissionsOfRole(synth.template.toJSON().Resources as Resources, logicalId(fn.serviceRole));
}

/** What `grants` must produce, written out from the resources' logical ids. */
function expectedPermissions(synth: Synthesized, fn: ServiceFunction, grants: readonly Grant[]): Set<string> {
  const main = logicalId(synth.stack.data.mainTable);
  const audit = logicalId(synth.stack.data.auditTable);
  const pool = logicalId(synth.stack.identity.userPool);
  const bucket = logicalId(synth.stack.audit.exportBucket);
  const secret = logicalId(synth.stack.data.outboxSealingSecret);
  const targets: Record<Grant, string[]> = {
    'main:read': [`<${main}.Arn>`, `<${main}.Arn>/index/*`],
    'main:write': [`<${main}.Arn>`, `<${main}.Arn>/index/*`],
    'main:recordSignIn': [`<${main}.Arn>`],
    'audit:read': [`<${audit}.Arn>`, `<${audit}.Arn>/index/*`],
    'audit:append': [`<${audit}.Arn>`],
    'userPool:manageUsers': [`<${pool}.Arn>`],
    'userPool:signOut': [`<${pool}.Arn>`],
    'exports:read': [`<${bucket}.Arn>/*`],
    'exports:write': [`<${bucket}.Arn>/*`],
    'outboxKey:read': [`<${secret}>`],
    'outbox:redrive': [`<${main}.Arn>`],
    'email:send': [
      `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/${synth.stack.config.senderEmail}`,
      `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/${synth.stack.config.senderEmail.split('@')[1]}`,
    ],
  };
  const logs = `<${logicalId(fn.serviceLogGroup)}.Arn>`;
  const expected = new Set([`logs:CreateLogStream ${logs}`, `logs:PutLogEvents ${logs}`]);
  for (const grant of grants) {
    for (const action of grantActions[grant]) for (const target of targets[grant]) expected.add(`${action} ${target}`);
  }
  return expected;
}

const sorted = (set: Set<string>) => [...set].sort();

// ---------------------------------------------------------------------------------------------

/** Our functions: all but the console's deployment handler (the function whose role is its role). */
function serviceFunctions() {
  const deploymentRole = logicalId(dev.stack.console.deploymentRole);
  return Object.entries(resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Role['Fn::GetAtt'][0] !== deploymentRole,
  );
}

describe('functions', () => {
  it('one function per route, plus the fallback, one per stream consumer and one per scheduled job', () => {
    const expected = routeList.length + 1 + streamConsumers.length + scheduledJobs.length;
    // Plus the console's BucketDeployment handler (a CDK-provided singleton, test/infra/console-hosting.test.ts).
    dev.template.resourceCountIs('AWS::Lambda::Function', expected + 1);
    expect(serviceFunctions()).toHaveLength(expected);
    expect(dev.stack.api.routeFunctions.size).toBe(routeList.length);
    // Every function has its own role; nothing else creates roles.
    dev.template.resourceCountIs('AWS::IAM::Role', expected + 1);
  });

  it('every function runs Node 22 on arm64 as an ESM bundle with the full environment and its own log group', () => {
    const functions = serviceFunctions();
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.Handler, id).toBe('index.handler');
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(env).sort(), id).toEqual(expect.arrayContaining(REQUIRED_ENV));
      expect(env.STAGE).toBe('dev');
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('users-and-roles');
      expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(fn.Properties.LoggingConfig.LogFormat, id).toBe('JSON');
      expect(fn.Properties.LoggingConfig.LogGroup.Ref, id).toMatch(/Logs/);
      // No AWS managed policy anywhere (cdk-nag IAM4): roles are ours.
      const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      expect(resources[roleId]!.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('log groups have the stage retention and removal policy', () => {
    dev.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    prod.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 180 });
    for (const [, group] of Object.entries(prod.template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('HTTP API', () => {
  const routeResource = (method: string, path: string) => {
    const found = Object.values(resources).filter(
      (r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === `${method} ${path}`,
    );
    expect(found, `${method} ${path}`).toHaveLength(1);
    return found[0]!;
  };
  const integrationTarget = (route: Resources[string]): string => {
    const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
    return resources[integrationId]!.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
  };

  it('has one route per route-table entry, wired to that route’s function', () => {
    dev.template.resourceCountIs('AWS::ApiGatewayV2::Route', routeList.length + 1);
    for (const route of routeList) {
      const resource = routeResource(route.method, route.path);
      expect(integrationTarget(resource)).toBe(logicalId(dev.stack.api.routeFunctions.get(route.operationId)!));
    }
  });

  it('puts the JWT authorizer on every non-public route and none on public ones', () => {
    const authorizerId = logicalId(dev.stack.api.httpApi.node.findChild('CognitoJwt'));
    for (const route of routeList) {
      const { Properties } = routeResource(route.method, route.path);
      if (requiresToken(route)) {
        expect(Properties.AuthorizationType, route.operationId).toBe('JWT');
        expect(Properties.AuthorizerId, route.operationId).toEqual({ Ref: authorizerId });
      } else {
        expect(route.access.kind).toBe('public');
        expect(Properties.AuthorizationType, route.operationId).toBe('NONE');
        expect(Properties.AuthorizerId, route.operationId).toBeUndefined();
      }
    }
  });

  it('verifies Cognito JWTs of this pool, for this app client', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        // ProviderURL is https://cognito-idp.<region>.amazonaws.com/<poolId>
        Issuer: { 'Fn::GetAtt': [logicalId(dev.stack.identity.userPool), 'ProviderURL'] },
        Audience: [{ Ref: logicalId(dev.stack.identity.userPoolClient) }],
      },
    });
  });

  it('routes $default (unknown routes) to the public problem+json 404 function', () => {
    const defaults = Object.values(resources).filter(
      (r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === '$default',
    );
    expect(defaults).toHaveLength(1);
    expect(defaults[0]!.Properties.AuthorizationType).toBe('NONE');
    expect(integrationTarget(defaults[0]!)).toBe(logicalId(dev.stack.api.notFoundFunction));
    expect(fallbackRoute.handler).toMatch(/^functions\//);
  });

  it('throttles the default stage per stage config and logs access as JSON without headers or query strings', () => {
    for (const synth of [dev, prod]) {
      synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: synth.stack.config.throttle.rateLimit,
          ThrottlingBurstLimit: synth.stack.config.throttle.burstLimit,
        },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      });
    }
    const stage = Object.values(resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    const format = stage.Properties.AccessLogSettings.Format as string;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields.requestId).toBe('$context.requestId');
    expect(format).not.toMatch(/authorization|header|querystring|query_string|token/i);
    expect(fields.path).toBe('$context.path');
  });

  it('throttles public routes (no token) harder than the stage default', () => {
    for (const synth of [dev, prod]) {
      const stage = Object.values(synth.template.toJSON().Resources as Resources).find(
        (r) => r.Type === 'AWS::ApiGatewayV2::Stage',
      )!;
      const expected = Object.fromEntries(
        routeList
          .filter((route) => !requiresToken(route))
          .map((route) => [
            `${route.method} ${route.path}`,
            {
              ThrottlingRateLimit: synth.stack.config.publicRouteThrottle.rateLimit,
              ThrottlingBurstLimit: synth.stack.config.publicRouteThrottle.burstLimit,
            },
          ]),
      );
      expect(stage.Properties.RouteSettings).toEqual(expected);
      expect(synth.stack.config.publicRouteThrottle.rateLimit).toBeLessThan(synth.stack.config.throttle.rateLimit);
    }
  });

  it('answers CORS preflight for the configured origins only', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({ AllowOrigins: dev.stack.resolve(dev.stack.config.corsAllowedOrigins) }),
    });
    // No appUrl of its own: the console's CloudFront URL.
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [prod.stack.resolve(prod.stack.console.url)] }),
    });
  });
});

describe('tables', () => {
  const tableResource = (synth: Synthesized, def: TableDefinition) => {
    const table = def.id === mainTable.id ? synth.stack.data.mainTable : synth.stack.data.auditTable;
    return (synth.template.toJSON().Resources as Resources)[logicalId(table)]!;
  };

  it.each([mainTable, auditTable])('$id table matches its definition: keys, GSIs (ALL), on-demand, PITR', (def) => {
    const { Properties } = tableResource(dev, def);
    expect(Properties.KeySchema).toEqual([
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Properties.GlobalSecondaryIndexes).toEqual(
      def.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
  });

  it('main table has a NEW_AND_OLD_IMAGES stream and TTL on its TTL attribute', () => {
    const { Properties } = tableResource(dev, mainTable);
    expect(Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Properties.TimeToLiveSpecification).toEqual({ AttributeName: mainTable.timeToLiveAttribute, Enabled: true });
  });

  it('the audit table has point-in-time recovery in every stage and deletion protection in prod', () => {
    for (const synth of [dev, prod]) {
      const { Properties } = tableResource(synth, auditTable);
      expect(Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    expect(tableResource(prod, auditTable).Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    // No stream and no TTL on the audit table: nothing consumes it, and nothing may expire from it.
    expect(tableResource(dev, auditTable).Properties.StreamSpecification).toBeUndefined();
    expect(tableResource(dev, auditTable).Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('prod retains both tables with deletion protection; dev destroys them', () => {
    for (const def of [mainTable, auditTable]) {
      const prodTable = tableResource(prod, def);
      expect(prodTable.DeletionPolicy).toBe('Retain');
      expect(prodTable.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
      const devTable = tableResource(dev, def);
      expect(devTable.DeletionPolicy).toBe('Delete');
      expect(devTable.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    }
  });
});

describe('least privilege', () => {
  it('the grant vocabulary means what route-definition.ts says it means', () => {
    expect(new Set(grantActions['main:read'])).toEqual(
      new Set(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']),
    );
    expect(new Set(grantActions['audit:read'])).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(grantActions['main:recordSignIn']).toEqual(['dynamodb:UpdateItem']);
    expect(grantActions['audit:append']).toEqual(['dynamodb:PutItem']);
    expect(grantActions['userPool:signOut']).toEqual(['cognito-idp:AdminUserGlobalSignOut']);
    for (const actions of Object.values(grantActions)) {
      for (const action of actions) expect(action).not.toMatch(/\*|dynamodb:Scan/);
    }
  });

  it.each(routeList.map((route) => [route.operationId, route] as const))(
    'route %s gets exactly its grants (plus writing its own logs)',
    (operationId, route) => {
      const fn = dev.stack.api.routeFunctions.get(operationId)!;
      const actual = permissionsOf(dev, fn);
      expect(sorted(actual)).toEqual(sorted(expectedPermissions(dev, fn, route.grants)));
      if (!route.grants.includes('main:write')) {
        // The one write a read-only route may make: its caller's sign-in time (an IAM-conditioned UpdateItem).
        const signIn = route.grants.includes('main:recordSignIn')
          ? `dynamodb:UpdateItem <${logicalId(dev.stack.data.mainTable)}.Arn>`
          : undefined;
        for (const pair of actual)
          if (pair !== signIn)
            expect(
              WRITE_ACTIONS.some((a) => pair.startsWith(`${a} `)),
              pair,
            ).toBe(false);
      }
    },
  );

  it('the fallback function may only write its logs', () => {
    const fn = dev.stack.api.notFoundFunction;
    expect(sorted(permissionsOf(dev, fn))).toEqual(sorted(expectedPermissions(dev, fn, [])));
  });

  it.each(scheduledJobs.map((job) => [job.name, job] as const))('job %s gets exactly its grants', (_name, job) => {
    const fn = dev.stack.jobs.functions.get(job.name)!;
    expect(sorted(permissionsOf(dev, fn))).toEqual(sorted(expectedPermissions(dev, fn, job.grants)));
  });

  it('the redrive job may only read the main table and touch the bookkeeping of outbox items (IAM conditions)', () => {
    const redrive = scheduledJobs.find((job) => job.name === 'redrive')!;
    expect([...redrive.grants].sort()).toEqual(['main:read', 'outbox:redrive']);
    const role = logicalId(dev.stack.jobs.functions.get('redrive')!.serviceRole);
    const updates = Object.values(resources)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Record<string, any>[])
      .filter((statement) => [statement.Action].flat().includes('dynamodb:UpdateItem'));
    expect(updates).toHaveLength(1);
    expect(updates[0]!.Action).toBe('dynamodb:UpdateItem');
    expect(updates[0]!.Resource).toEqual({ 'Fn::GetAtt': [logicalId(dev.stack.data.mainTable), 'Arn'] });
    expect(updates[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*'] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...REDRIVE_POLICY_ATTRIBUTES] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
  });

  it.each(streamConsumers.map((consumer) => [consumer.name, consumer] as const))(
    'stream consumer %s gets its grants, the main table stream and its own DLQ, nothing else',
    (name, definition) => {
      const resources = dev.stack.messaging.consumers.get(name)!;
      const main = logicalId(dev.stack.data.mainTable);
      const dlq = `<${logicalId(resources.deadLetterQueue)}.Arn>`;
      const expected = expectedPermissions(dev, resources.function, definition.grants);
      for (const action of ['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams']) {
        expected.add(`dynamodb:${action} <${main}.StreamArn>`);
      }
      for (const action of ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'])
        expected.add(`${action} ${dlq}`);
      expect(sorted(permissionsOf(dev, resources.function))).toEqual(sorted(expected));
    },
  );

  it('the outbox consumer keeps exactly the grants it was reviewed with', () => {
    expect([...STREAM_CONSUMER_GRANTS].sort()).toEqual([
      'audit:append',
      'audit:read',
      'email:send',
      'main:write',
      'outboxKey:read',
    ]);
    // The export worker reads the audit table and writes only export objects: never the audit table.
    expect([...exportWorker.grants].sort()).toEqual(['audit:read', 'exports:write', 'main:write']);
  });

  it.each(['dev', 'prod'])(
    '%s: nobody may update or delete audit items; only the stream consumer may put them',
    (stage) => {
      const synth = stage === 'dev' ? dev : prod;
      const resources = synth.template.toJSON().Resources as Resources;
      const audit = logicalId(synth.stack.data.auditTable);
      const consumerRole = logicalId(synth.stack.messaging.consumer.serviceRole);
      let auditPermissions = 0;
      const roles = Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::IAM::Role')
        .map(([id]) => id);
      for (const roleId of roles) {
        for (const pair of permissionsOfRole(resources, roleId)) {
          const [action, target] = pair.split(' ') as [string, string];
          if (!target.includes(`<${audit}.`)) continue;
          auditPermissions++;
          expect(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], `${roleId}: ${pair}`).toContain(action);
          expect(action).not.toMatch(/UpdateItem|DeleteItem|BatchWriteItem|PartiQL|Transact/);
          if (action === 'dynamodb:PutItem') {
            expect(roleId).toBe(consumerRole);
            expect(target).toBe(`<${audit}.Arn>`);
          }
        }
      }
      // And no wildcard action anywhere that could include them. (The console's deployment role has S3
      // wildcards from aws-s3-deployment, and only S3/CloudFront/logs actions: console-hosting.test.ts.)
      const deploymentRole = logicalId(synth.stack.console.deploymentRole);
      for (const roleId of roles.filter((id) => id !== deploymentRole)) {
        for (const pair of permissionsOfRole(resources, roleId)) expect(pair.split(' ')[0]).not.toMatch(/\*/);
      }
      // The loop above looked at something: the audit routes and the consumer do have audit permissions.
      expect(auditPermissions).toBeGreaterThan(0);
      // No resource policy on the audit table could grant anything the roles above lack.
      expect(resources[audit]!.Properties.Replicas[0].ResourcePolicy).toBeUndefined();
    },
  );
});

describe('stream consumers', () => {
  const mappingOf = (name: string) => {
    const fn = dev.stack.messaging.consumers.get(name)!.function;
    const mappings = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName?.Ref === logicalId(fn),
    );
    expect(mappings, name).toHaveLength(1);
    return mappings[0]!.Properties;
  };

  it('one event source mapping per consumer of the list, nothing else', () => {
    const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(streamConsumers.length);
    expect(streamConsumers.map((c) => c.name)).toEqual([streamConsumer.name, exportWorker.name]);
  });

  it.each(streamConsumers.map((consumer) => [consumer.name, consumer] as const))(
    '%s: filtered at the source, partial batch failures, bounded retries, max record age and its own DLQ',
    (name, definition) => {
      const Properties = mappingOf(name);
      expect(Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': [logicalId(dev.stack.data.mainTable), 'StreamArn'] });
      expect(Properties.FilterCriteria.Filters).toHaveLength(1);
      expect(JSON.parse(Properties.FilterCriteria.Filters[0].Pattern as string)).toEqual({
        eventName: [...definition.filter.eventNames],
        dynamodb: { NewImage: { [definition.filter.attribute]: { S: [{ prefix: definition.filter.prefix }] } } },
      });
      expect(Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(Properties.BatchSize).toBe(definition.batchSize);
      expect(Properties.MaximumRetryAttempts).toBe(definition.maxRetries);
      expect(Properties.MaximumRecordAgeInSeconds).toBe(definition.maxRecordAgeSeconds);
      expect(Properties.ParallelizationFactor).toBe(definition.parallelizationFactor);
      expect(Properties.BisectBatchOnFunctionError).toBe(true);
      expect(Properties.StartingPosition).toBe('TRIM_HORIZON');
      expect(Properties.DestinationConfig.OnFailure.Destination).toEqual({
        'Fn::GetAtt': [logicalId(dev.stack.messaging.consumers.get(name)!.deadLetterQueue), 'Arn'],
      });
    },
  );

  it('the outbox consumer is fed only INSERTs and (redriven) MODIFYs of OUTBOX# items, one batch per shard at a time (chain order)', () => {
    const Properties = mappingOf(streamConsumer.name);
    expect(JSON.parse(Properties.FilterCriteria.Filters[0].Pattern as string)).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { PK: { S: [{ prefix: OUTBOX_PK_PREFIX }] } } },
    });
    expect(OUTBOX_PK_PREFIX).toBe('OUTBOX#');
    expect(Properties.ParallelizationFactor).toBe(1);
  });

  it('the export worker is fed only INSERTs of EXPORT# items and may run for up to 15 minutes', () => {
    const Properties = mappingOf(exportWorker.name);
    expect(JSON.parse(Properties.FilterCriteria.Filters[0].Pattern as string)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { SK: { S: [{ prefix: 'EXPORT#' }] } } },
    });
    const fn = resources[logicalId(dev.stack.messaging.consumers.get(exportWorker.name)!.function)]!;
    expect(fn.Properties.Timeout).toBe(900);
  });

  it('their DLQs are encrypted and TLS-only', () => {
    dev.template.resourceCountIs('AWS::SQS::Queue', streamConsumers.length);
    dev.template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(streamConsumers.length);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      );
    }
  });
});

describe('scheduled jobs', () => {
  it.each(scheduledJobs.map((job) => [job.name, job] as const))('%s runs on its schedule', (_name, job) => {
    const fn = dev.stack.jobs.functions.get(job.name)!;
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: job.awsSchedule,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(fn), 'Arn'] } })],
    });
  });
});

describe('identity', () => {
  it('is an email sign-in pool with admin-only creation, a strong password policy and optional TOTP', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: PLATFORM_ADMIN_GROUP });
  });

  it('has a public app client with password/SRP/refresh flows and no OAuth', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith([
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ]),
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: false,
    });
  });

  it('prod runs the Plus plan with threat protection enforced and deletion protection', () => {
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
    prod.template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });
});

describe('export bucket', () => {
  it('is private, TLS-only, encrypted, unversioned, and expires exports', () => {
    const bucketId = logicalId(dev.stack.audit.exportBucket);
    const bucket = resources[bucketId]!;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' })]),
    );
    dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('has server access logs in prod only', () => {
    expect(resources[logicalId(dev.stack.audit.exportBucket)]!.Properties.LoggingConfiguration).toBeUndefined();
    prod.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(prod.stack.audit.accessLogBucket!) } },
    });
  });
});

describe('stack', () => {
  it('is named per stage and exports what clients and scripts need', () => {
    expect(dev.stack.stackName).toBe('UsersAndRoles-dev');
    expect(prod.stack.stackName).toBe('UsersAndRoles-prod');
    expect(prod.stack.terminationProtection).toBe(true);
    const outputs = Object.keys(dev.template.toJSON().Outputs as object);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'UserPoolId',
        'UserPoolClientId',
        'TableName',
        'AuditTableName',
        'ExportBucketName',
        'ConsoleUrl',
        'ConsoleBucketName',
        'ConsoleDistributionId',
      ]),
    );
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it.each(['dev', 'prod'])('%s has no unacknowledged error or warning', (stage) => {
    const synth = stage === 'dev' ? dev : prod;
    const violations = nagViolations(synth.app).map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(violations).toEqual([]);
  });

  it.each(['dev', 'prod'])('%s: every acknowledgement has a reason and matches a real finding', (stage) => {
    const synth = stage === 'dev' ? dev : prod;
    const records = acknowledgements(synth.app).filter((r) => r.id.startsWith('AwsSolutions-'));
    expect(records.length).toBeGreaterThan(0);
    const findings = allNagFindings(synth.app);
    for (const record of records) {
      expect(record.reason.trim().length, `${record.path} ${record.id}`).toBeGreaterThanOrEqual(20);
      expect(findings.has(record.id), `stale acknowledgement ${record.id} on ${record.path}`).toBe(true);
    }
  });
});
