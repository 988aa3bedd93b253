import { Stack } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { OUTBOX_PREFIX } from '../../shared/data/keys';
import type { Grant } from '../../shared/grants';
import { acknowledge, iam5ResourceFinding } from '../nag';

/**
 * Route functions get `ResourceGrant`s from the route table; stream consumers and jobs may also get
 * `InternalGrant`s (both in shared/grants.ts, below the route table and the schedules that use them):
 * `audit:append` is the single write path into the audit table (stream consumer only), `exports:write`
 * uploads export CSVs (export worker only), `email:send` sends from the stage's sender identity.
 */
export type { Grant, InternalGrant } from '../../shared/grants';

/**
 * The IAM actions each grant implies. No Scan anywhere (SPEC §5: every list is a key-condition
 * Query), and the audit table is never updated or deleted from: not even `audit:append` has
 * UpdateItem/DeleteItem/BatchWriteItem. TransactWriteItems/TransactGetItems have no IAM action of
 * their own: DynamoDB authorizes each item with Put/Update/Delete/ConditionCheck/GetItem.
 */
export const grantActions = {
  'main:read': ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  'main:write': [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
  'main:recordSignIn': ['dynamodb:UpdateItem'],
  'audit:read': ['dynamodb:GetItem', 'dynamodb:Query'],
  'audit:append': ['dynamodb:PutItem'],
  'userPool:manageUsers': [
    'cognito-idp:AdminCreateUser',
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminSetUserPassword',
    'cognito-idp:AdminUpdateUserAttributes',
    'cognito-idp:ListUsers',
  ],
  'userPool:signOut': ['cognito-idp:AdminUserGlobalSignOut'],
  'exports:read': ['s3:GetObject'],
  // Multipart uploads: Create/UploadPart/Complete are authorized by PutObject; Abort by its own action.
  'exports:write': ['s3:PutObject', 's3:AbortMultipartUpload'],
  'email:send': ['ses:SendEmail', 'ses:SendRawEmail'],
  'outboxKey:read': ['secretsmanager:GetSecretValue'],
  'outbox:redrive': ['dynamodb:UpdateItem'],
} as const satisfies Record<Grant, readonly string[]>;

/** The attributes a `main:recordSignIn` UpdateItem may name: the key and the sign-in time (member-repository recordSignIn). */
export const SIGN_IN_POLICY_ATTRIBUTES = ['PK', 'SK', 'lastLoginAt'] as const;

/** The attributes an `outbox:redrive` UpdateItem may name: the key, the index entry it moves and its bookkeeping. */
export const REDRIVE_POLICY_ATTRIBUTES = ['PK', 'SK', 'GSI2SK', 'redriveCount', 'redrivenAt'] as const;

/** What grants can point at. */
export interface GrantResources {
  readonly mainTable: ITableV2;
  readonly auditTable: ITableV2;
  readonly userPool: IUserPool;
  readonly exportBucket: IBucket;
  /** Per-stage secret sealing invitation tokens inside outbox events (shared/security/sealing.ts). */
  readonly outboxSealingSecret: ISecret;
  /** Verified SES identity: the sender address (or the domain it belongs to, if that is what is verified). */
  readonly senderEmail: string;
}

const indexArn = (table: ITableV2): string => `${table.tableArn}/index/*`;

/**
 * THE mapping from grants to IAM, least privilege: each grant becomes one statement with exactly
 * `grantActions[grant]` on exactly the resources it needs. cdk-nag wildcard findings that a grant
 * necessarily creates are acknowledged here, on the role, with the reason.
 */
export function applyGrants(role: Role, grants: readonly Grant[], resources: GrantResources): void {
  const stack = Stack.of(role);
  for (const grant of new Set(grants)) {
    const actions = [...grantActions[grant]];
    switch (grant) {
      case 'main:read':
      case 'main:write':
        role.addToPrincipalPolicy(
          new PolicyStatement({ actions, resources: [resources.mainTable.tableArn, indexArn(resources.mainTable)] }),
        );
        acknowledge(
          role,
          iam5ResourceFinding(role, indexArn(resources.mainTable)),
          'Queries on the main table GSIs (GSI1-GSI3, overloaded per entity); the wildcard covers only the indexes ' +
            'of this one table.',
        );
        break;
      case 'main:recordSignIn':
        // Table ARN only, and only the sign-in bookkeeping attribute: a read-only route cannot change
        // anything else of a member (or any other item) with it.
        role.addToPrincipalPolicy(
          new PolicyStatement({
            actions,
            resources: [resources.mainTable.tableArn],
            conditions: {
              'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...SIGN_IN_POLICY_ATTRIBUTES] },
              StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
            },
          }),
        );
        break;
      case 'outbox:redrive':
        // Table ARN only, outbox items only (partition key OUTBOX#...), the redrive's attributes only: the
        // job cannot change a tenant, member or role, nor an outbox event's payload.
        role.addToPrincipalPolicy(
          new PolicyStatement({
            actions,
            resources: [resources.mainTable.tableArn],
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${OUTBOX_PREFIX}*`] },
              'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...REDRIVE_POLICY_ATTRIBUTES] },
              StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
            },
          }),
        );
        break;
      case 'audit:read':
        role.addToPrincipalPolicy(
          new PolicyStatement({ actions, resources: [resources.auditTable.tableArn, indexArn(resources.auditTable)] }),
        );
        acknowledge(
          role,
          iam5ResourceFinding(role, indexArn(resources.auditTable)),
          'Audit filters query the audit table indexes (one per filter combination); read-only actions, this table only.',
        );
        break;
      case 'audit:append':
        // Table ARN only: writes never target an index.
        role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [resources.auditTable.tableArn] }));
        break;
      case 'userPool:manageUsers':
      case 'userPool:signOut':
        role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [resources.userPool.userPoolArn] }));
        break;
      case 'exports:read':
      case 'exports:write': {
        const objects = resources.exportBucket.arnForObjects('*');
        role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [objects] }));
        acknowledge(
          role,
          iam5ResourceFinding(role, objects),
          'Export object keys are generated per export (exports/<tenantId>/<exportId>.csv); object-level ' +
            'actions only, in the private export bucket.',
        );
        break;
      }
      case 'outboxKey:read':
        role.addToPrincipalPolicy(
          new PolicyStatement({ actions, resources: [resources.outboxSealingSecret.secretArn] }),
        );
        break;
      case 'email:send': {
        const { senderEmail } = resources;
        const domain = senderEmail.slice(senderEmail.indexOf('@') + 1);
        role.addToPrincipalPolicy(
          new PolicyStatement({
            actions,
            resources: [senderEmail, domain].map((identity) =>
              stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
            ),
            conditions: { StringEquals: { 'ses:FromAddress': senderEmail } },
          }),
        );
        break;
      }
      default: {
        const unknown: never = grant;
        throw new Error(`No IAM mapping for grant ${String(unknown)}`);
      }
    }
  }
}
