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
 * Append-only audit trail, written only by the stream consumer with conditional puts (PutItem only:
 * nothing ever updates or deletes an audit item). Base table: a tenant's entries in chain order
 * (`SEQ#<seq>`), its chain head and one idempotency guard per recorded event. Every GSI has the
 * occurrence time as sort key and one filter combination as partition key (tenant; actor or target; action
 * group or full action; actor or target with an action group or full action), so each list and filter of
 * `GET /audit` is a key-condition Query, newest first, with the date range as a BETWEEN on the sort key.
 * Keys are built in shared/data/audit-keys.ts.
 */
export const auditTable = {
  id: 'Audit',
  partitionKey: 'PK',
  sortKey: 'SK',
  globalSecondaryIndexes: [
    { indexName: 'ByTime', partitionKey: 'tenantKey', sortKey: 'timeKey' },
    { indexName: 'ByActor', partitionKey: 'actorKey', sortKey: 'timeKey' },
    { indexName: 'ByTarget', partitionKey: 'targetKey', sortKey: 'timeKey' },
    { indexName: 'ByActionGroup', partitionKey: 'actionGroupKey', sortKey: 'timeKey' },
    { indexName: 'ByAction', partitionKey: 'actionKey', sortKey: 'timeKey' },
    // The combined filters (actor or target, with an action group or a full action): one index each.
    { indexName: 'ByActorActionGroup', partitionKey: 'actorActionGroupKey', sortKey: 'timeKey' },
    { indexName: 'ByActorAction', partitionKey: 'actorActionKey', sortKey: 'timeKey' },
    { indexName: 'ByTargetActionGroup', partitionKey: 'targetActionGroupKey', sortKey: 'timeKey' },
    { indexName: 'ByTargetAction', partitionKey: 'targetActionKey', sortKey: 'timeKey' },
  ],
} as const satisfies TableDefinition;

export type AuditIndexName = (typeof auditTable.globalSecondaryIndexes)[number]['indexName'];

export const tableDefinitions: readonly TableDefinition[] = [mainTable, auditTable];
