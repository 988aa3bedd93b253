import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import type { StageConfig } from '../stage-config';

export interface AuditProps {
  readonly config: StageConfig;
  /** The append-only audit table (built by `Data`). */
  readonly auditTable: TableV2;
}

/**
 * The audit bounded context's storage beyond the table: the private bucket CSV exports are streamed
 * into and downloaded from through short-lived presigned URLs.
 *
 * Who may touch the audit table is decided in `grants.ts`: `audit:read` (Query/GetItem) for routes,
 * `audit:append` (PutItem only) for the stream consumer, nothing else for anyone.
 */
export class Audit extends Construct {
  readonly auditTable: TableV2;
  readonly exportBucket: Bucket;
  /** Server access log bucket of the export bucket, when the stage enables it. */
  readonly accessLogBucket?: Bucket;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);
    const { config } = props;
    this.auditTable = props.auditTable;

    if (config.exportBucketAccessLogs) {
      this.accessLogBucket = new Bucket(this, 'ExportAccessLogs', {
        ...privateBucketDefaults,
        lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
        removalPolicy: config.removalPolicy,
      });
      // cdk-nag S1 recognises a bucket that is another bucket's access log target: nothing to acknowledge.
    }

    // Versioning off: exports are derived, re-creatable data that must disappear after expiry;
    // noncurrent versions would keep audit contents around longer than intended.
    this.exportBucket = new Bucket(this, 'ExportBucket', {
      ...privateBucketDefaults,
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-exports',
          expiration: config.exportExpiration,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      cors: [
        {
          allowedMethods: [HttpMethods.GET],
          allowedOrigins: [...config.corsAllowedOrigins],
          maxAge: 3600,
        },
      ],
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: this.accessLogBucket ? 'export-bucket/' : undefined,
      removalPolicy: config.removalPolicy,
    });
    if (!this.accessLogBucket) {
      acknowledge(
        this.exportBucket,
        'AwsSolutions-S1',
        `Stage "${config.stage}" holds no production data; every export is itself recorded as an ` +
          '`audit.exported` event and downloads go through presigned URLs valid for minutes. Prod enables access logs.',
      );
    }
  }
}

/** Private, TLS-only, SSE-S3 (presigned GETs need no KMS grant), ACLs disabled. */
export const privateBucketDefaults = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const;
