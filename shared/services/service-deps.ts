import { ulid } from 'ulidx';
import { dynamoDb } from '../clients';
import { config } from '../config';
import type { DataDeps } from '../data/data-deps';

/** Everything a service needs from the outside world, passed explicitly (tests substitute clock and ids). */
export interface ServiceDeps extends DataDeps {
  /** The append-only audit table (read by the audit routes and exports; written only by the stream consumer). */
  readonly auditTableName: string;
  readonly now: () => Date;
  readonly newId: () => string;
}

let defaults: ServiceDeps | undefined;

/** The production wiring: module-scope clients, configured table, wall clock, ULIDs. */
export function defaultServiceDeps(): ServiceDeps {
  defaults ??= {
    db: dynamoDb,
    tableName: config().TABLE_NAME,
    auditTableName: config().AUDIT_TABLE_NAME,
    now: () => new Date(),
    newId: () => ulid(),
  };
  return defaults;
}
