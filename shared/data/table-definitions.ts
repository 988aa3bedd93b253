/**
 * The one description of every DynamoDB table. CDK (infra/constructs/data.ts) and the local bootstrap
 * (scripts/local/bootstrap.ts) both build their tables from these objects, so the two can never drift.
 * All key attributes are strings; key values are built in shared/data/keys.ts only.
 */

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDefinition {
  /** Construct id in CDK and the table-name suffix locally (`<stage>-<id>`). */
  readonly id: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** Epoch-seconds attribute DynamoDB TTL deletes by. DynamoDB Local never deletes: reads enforce expiry. */
  readonly timeToLiveAttribute?: string;
  readonly stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE';
}

/**
 * Single table for tenants, members, roles, invitations, uniqueness guards and outbox events.
 * GSI1..GSI3 are overloaded: which entity uses which index for what is documented in keys.ts.
 */
export const mainTable = {
  id: 'Main',
  partitionKey: 'PK',
  sortKey: 'SK',
  globalSecondaryIndexes: [
    { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { indexName: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    { indexName: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  ],
  timeToLiveAttribute: 'ttl',
  stream: 'NEW_AND_OLD_IMAGES',
} as const satisfies TableDefinition;

/**
 * Append-only audit trail, written only by the stream consumer with conditional puts.
 * Keyed for tenant + time; the GSIs serve the actor, target and action filters.
 */
export const auditTable = {
  id: 'Audit',
  partitionKey: 'PK',
  sortKey: 'SK',
  globalSecondaryIndexes: [
    { indexName: 'ByActor', partitionKey: 'actorKey', sortKey: 'SK' },
    { indexName: 'ByTarget', partitionKey: 'targetKey', sortKey: 'SK' },
    { indexName: 'ByAction', partitionKey: 'actionKey', sortKey: 'actionSortKey' },
  ],
} as const satisfies TableDefinition;

export const tableDefinitions: readonly TableDefinition[] = [mainTable, auditTable];
