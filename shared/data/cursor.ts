import { createHash } from 'node:crypto';
import { InvalidCursor } from '../domain/errors';

/**
 * Opaque pagination cursors. A cursor carries DynamoDB's LastEvaluatedKey plus a digest of the list it
 * belongs to (tenant, list name, filter). Decoding checks the digest and the key's partition, so a cursor
 * taken from one tenant or filter is rejected (400 invalid_cursor) anywhere else, and a tampered key never
 * reaches DynamoDB.
 */

type Key = Record<string, string | number>;

const scopeDigest = (scope: string) => createHash('sha256').update(scope).digest('base64url').slice(0, 16);

export function encodeCursor(scope: string, lastEvaluatedKey: Record<string, unknown> | undefined): string | null {
  if (!lastEvaluatedKey) return null;
  return Buffer.from(JSON.stringify({ s: scopeDigest(scope), k: lastEvaluatedKey })).toString('base64url');
}

/**
 * @param expectedKey attributes the key must have with exactly these values (e.g. the partition key),
 *                    and the names of the other attributes it must have (value `undefined`).
 */
export function decodeCursor(
  cursor: string | undefined,
  scope: string,
  expectedKey: Record<string, string | undefined>,
): Key | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursor();
  const { s, k } = parsed as { s?: unknown; k?: unknown };
  if (s !== scopeDigest(scope) || typeof k !== 'object' || k === null) throw new InvalidCursor();
  const key = k as Record<string, unknown>;
  const names = Object.keys(key);
  if (names.length !== Object.keys(expectedKey).length) throw new InvalidCursor();
  for (const [name, expected] of Object.entries(expectedKey)) {
    const value = key[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 1024) throw new InvalidCursor();
    if (expected !== undefined && value !== expected) throw new InvalidCursor();
  }
  return key as Key;
}
