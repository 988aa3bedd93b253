import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { auditTable, mainTable, type TableDefinition } from '../../shared/data/table-definitions';
import { acknowledge } from '../nag';
import type { StageConfig } from '../stage-config';

export interface DataProps {
  readonly config: StageConfig;
}

/**
 * The DynamoDB tables, built from `shared/data/table-definitions.ts` (the local bootstrap builds
 * its tables from the same objects), and the secret that seals invitation tokens inside outbox items
 * (so the table, its stream and backups never hold a usable token). Exposes the tables and their
 * definitions (key and index names).
 */
export class Data extends Construct {
  readonly mainTable: TableV2;
  readonly auditTable: TableV2;
  readonly mainDefinition: TableDefinition = mainTable;
  readonly auditDefinition: TableDefinition = auditTable;
  /** Read with the `outboxKey:read` grant; functions find it through OUTBOX_SEALING_SECRET_ARN. */
  readonly outboxSealingSecret: Secret;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.mainTable = tableFrom(this, mainTable, props.config);
    this.auditTable = tableFrom(this, auditTable, props.config);

    this.outboxSealingSecret = new Secret(this, 'OutboxSealingSecret', {
      description: `Seals invitation tokens in outbox events (${props.config.stage})`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.config.removalPolicy,
    });
    acknowledge(
      this.outboxSealingSecret,
      'AwsSolutions-SMG4',
      'No automatic rotation: a sealed token must be unsealed by the stream consumer after it was sealed, ' +
        'including retries of up to the stream retention; rotating needs a two-key window (sealed values carry ' +
        'a version prefix for that). Rotate manually between deployments when required.',
    );
  }
}

/**
 * On-demand, PITR, AWS-managed KMS key (key usage visible in CloudTrail, no key policy to own; a
 * customer-managed key would add cost and a key policy every stream/filter consumer must be in),
 * GSIs projecting ALL attributes, deletion protection and RETAIN per stage.
 */
function tableFrom(scope: Construct, def: TableDefinition, config: StageConfig): TableV2 {
  return new TableV2(scope, def.id, {
    partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
    sortKey: { name: def.sortKey, type: AttributeType.STRING },
    globalSecondaryIndexes: def.globalSecondaryIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
    })),
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryptionV2.awsManagedKey(),
    timeToLiveAttribute: def.timeToLiveAttribute,
    dynamoStream: def.stream ? StreamViewType[def.stream] : undefined,
    deletionProtection: config.deletionProtection,
    removalPolicy: config.removalPolicy,
  });
}
