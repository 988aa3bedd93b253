/**
 * The vocabulary of AWS access a function may be given: routes (shared/http/routes) and scheduled jobs and
 * stream consumers (shared/jobs/schedules.ts) both declare their needs in it, and infra/constructs/grants.ts
 * maps each grant to IAM (least privilege). It sits below both, so neither imports the other for it.
 */

/**
 * AWS access a route's function needs beyond logging. CDK turns each into grant calls (least privilege);
 * the infra tests compare every synthesized policy with this list.
 */
export type ResourceGrant =
  /** GetItem/Query/BatchGetItem on the main table and its indexes. */
  | 'main:read'
  /** Put/Update/Delete/TransactWrite on the main table (read included). */
  | 'main:write'
  /**
   * UpdateItem on the main table, limited by an IAM condition to the `lastLoginAt` attribute: a tenant
   * route records the caller's sign-in on their first request after it (caller-service), and read-only
   * routes need that one write too.
   */
  | 'main:recordSignIn'
  /** Query on the audit table and its indexes (never write: only the stream consumer writes it). */
  | 'audit:read'
  /** Cognito admin calls to create an identity for an accepted invitation and look users up. */
  | 'userPool:manageUsers'
  /** Cognito AdminUserGlobalSignOut, to revoke a suspended member's sessions. */
  | 'userPool:signOut'
  /** GetObject in the export bucket: a presigned download link acts with its signer's rights. */
  | 'exports:read'
  /** Read the per-stage secret that seals invitation tokens in outbox events (shared/security/sealing.ts). */
  | 'outboxKey:read';

/**
 * Grants that only infrastructure functions get, never a route (infra/constructs/grants.ts maps them
 * to IAM): `audit:append` is the single write path into the audit table (PutItem only);
 * `exports:write` uploads export CSVs; `email:send` sends from the stage's sender identity;
 * `outboxKey:read` (also a route grant) unseals invitation tokens for the email link;
 * `outbox:redrive` is UpdateItem on outbox items only (`OUTBOX#` partition keys), of the redrive's
 * bookkeeping attributes only (shared/data/outbox.ts redriveOutboxEvent).
 */
export type InternalGrant = 'audit:append' | 'email:send' | 'exports:write' | 'outboxKey:read' | 'outbox:redrive';

/** Any grant a function of the stack may hold. */
export type Grant = ResourceGrant | InternalGrant;
