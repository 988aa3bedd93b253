import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { TableDefinition } from '../../shared/data/table-definitions';
import type { StackLogger } from './log';

/** The Cognito group whose members may call the platform routes. */
export const PLATFORM_ADMIN_GROUP = 'platform-admin';

export function tableName(stage: string, def: TableDefinition): string {
  return `${stage}-${def.id}`;
}

/** CreateTable input for a table definition: the same keys, GSIs (ALL projection) and stream CDK creates. */
export function createTableInput(stage: string, def: TableDefinition): CreateTableCommandInput {
  const attributeNames = new Set<string>([def.partitionKey, def.sortKey]);
  for (const index of def.globalSecondaryIndexes) {
    attributeNames.add(index.partitionKey);
    attributeNames.add(index.sortKey);
  }
  const attributes: AttributeDefinition[] = [...attributeNames].map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  return {
    TableName: tableName(stage, def),
    AttributeDefinitions: attributes,
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: 'HASH' },
      { AttributeName: def.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes:
      def.globalSecondaryIndexes.length === 0
        ? undefined
        : def.globalSecondaryIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: def.stream ? { StreamEnabled: true, StreamViewType: def.stream } : undefined,
  };
}

export interface BootstrapResult {
  readonly tables: Record<string, { name: string; streamArn?: string }>;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly bucket: string;
}

/**
 * Creates what CDK would create, idempotently: every table of `tableDefinitions`, the user pool (email is
 * the username), its app client (USER_PASSWORD_AUTH + refresh, no secret), the `platform-admin` group and
 * the export bucket. Existing resources are found by name and reused, so a persistent stack keeps its
 * pool and client ids across restarts. SDK clients are built from the environment the stack set up.
 */
export async function bootstrap(options: {
  stage: string;
  tables: readonly TableDefinition[];
  bucket: string;
  log: StackLogger;
}): Promise<BootstrapResult> {
  const { stage, bucket, log } = options;
  const [tables, cognito] = await Promise.all([
    bootstrapTables(stage, options.tables, log),
    bootstrapCognito(stage, log),
    bootstrapBucket(bucket, log),
  ]);
  return { tables, ...cognito, bucket };
}

async function bootstrapTables(
  stage: string,
  tableDefinitions: readonly TableDefinition[],
  log: StackLogger,
): Promise<BootstrapResult['tables']> {
  const dynamodb = new DynamoDBClient({});
  try {
    const result: Record<string, { name: string; streamArn?: string }> = {};
    for (const def of tableDefinitions) {
      const name = tableName(stage, def);
      let description = await describe(dynamodb, name);
      if (!description) {
        const created = await dynamodb.send(new CreateTableCommand(createTableInput(stage, def)));
        description = created.TableDescription;
        log.info('table created', { table: name });
        if (def.timeToLiveAttribute) {
          // DynamoDB Local accepts the setting but never deletes anything; reads enforce expiry.
          await dynamodb.send(
            new UpdateTimeToLiveCommand({
              TableName: name,
              TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
            }),
          );
        }
      } else if (def.stream && !description.StreamSpecification?.StreamEnabled) {
        throw new Error(`table ${name} exists without a stream; run \`npm run reset\` to recreate the local stack`);
      }
      if (description) description = await reconcileIndexes(dynamodb, stage, def, description, log);
      result[def.id] = { name, streamArn: description?.LatestStreamArn };
    }
    return result;
  } finally {
    dynamodb.destroy();
  }
}

/**
 * A persistent stack keeps its tables across code changes: GSIs added to a definition are created (and
 * backfilled) and GSIs it no longer has are deleted, one at a time as DynamoDB requires, so `npm start`
 * matches the definitions without `npm run reset`. Key schema changes of an index need a reset.
 */
async function reconcileIndexes(
  dynamodb: DynamoDBClient,
  stage: string,
  def: TableDefinition,
  description: TableDescription,
  log: StackLogger,
): Promise<TableDescription> {
  const name = tableName(stage, def);
  const existing = new Map((description.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName!, index]));
  const wanted = new Set(def.globalSecondaryIndexes.map((index) => index.indexName));
  const input = createTableInput(stage, def);
  let current = description;
  const waitUntilActive = async () => {
    for (let i = 0; i < 600; i++) {
      current = (await describe(dynamodb, name))!;
      const busy =
        current.TableStatus !== 'ACTIVE' ||
        (current.GlobalSecondaryIndexes ?? []).some((index) => index.IndexStatus !== 'ACTIVE');
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`table ${name}: indexes did not become active`);
  };
  for (const indexName of existing.keys()) {
    if (wanted.has(indexName)) continue;
    await dynamodb.send(
      new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: indexName } }] }),
    );
    log.info('index deleted (no longer in the table definition)', { table: name, index: indexName });
    await waitUntilActive();
  }
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    const found = existing.get(index.IndexName!);
    if (found) {
      const sameKeys = JSON.stringify(found.KeySchema) === JSON.stringify(index.KeySchema);
      if (!sameKeys)
        throw new Error(
          `table ${name}: index ${index.IndexName} has other keys than its definition; run \`npm run reset\``,
        );
      continue;
    }
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } },
        ],
      }),
    );
    log.info('index created (new in the table definition)', { table: name, index: index.IndexName });
    await waitUntilActive();
  }
  return current;
}

async function describe(dynamodb: DynamoDBClient, name: string) {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function bootstrapCognito(stage: string, log: StackLogger): Promise<{ userPoolId: string; clientId: string }> {
  const cognito = new CognitoIdentityProviderClient({});
  try {
    const poolName = `${stage}-users`;
    const clientName = `${stage}-api`;
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((pool) => pool.Name === poolName)?.Id;
    if (!userPoolId) {
      const created = await cognito.send(
        new CreateUserPoolCommand({
          PoolName: poolName,
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        }),
      );
      userPoolId = created.UserPool?.Id;
      if (!userPoolId) throw new Error('cognito-local returned no user pool id');
      log.info('user pool created', { userPoolId });
    }
    const clients = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let clientId = clients.UserPoolClients?.find((client) => client.ClientName === clientName)?.ClientId;
    if (!clientId) {
      const created = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: clientName,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      );
      clientId = created.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('cognito-local returned no app client id');
      log.info('user pool client created', { clientId });
    }
    // ListGroups rather than GetGroup: cognito-local answers GetGroup of a missing group with a 500.
    const groups = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
    if (!groups.Groups?.some((group) => group.GroupName === PLATFORM_ADMIN_GROUP)) {
      await cognito.send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: PLATFORM_ADMIN_GROUP,
          Description: 'Platform team: creates tenants and sets seat limits',
        }),
      );
    }
    return { userPoolId, clientId };
  } finally {
    cognito.destroy();
  }
}

async function bootstrapBucket(bucket: string, log: StackLogger): Promise<void> {
  const s3 = new S3Client({});
  try {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      log.info('bucket created', { bucket });
    }
  } finally {
    s3.destroy();
  }
}
