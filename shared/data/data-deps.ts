import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every repository function needs; passed explicitly so tests can point it anywhere. */
export interface DataDeps {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Removes the key attributes from a raw item, leaving the record. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _g1p,
    GSI1SK: _g1s,
    GSI2PK: _g2p,
    GSI2SK: _g2s,
    GSI3PK: _g3p,
    GSI3SK: _g3s,
    entity: _e,
    ttl: _t,
    ...record
  } = item;
  return record as T;
}
