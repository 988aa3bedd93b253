import { createHash } from 'node:crypto';
import { InvalidCursor } from '../domain/errors';

/**
 * Opaque pagination cursors. A cursor carries DynamoDB's LastEvaluatedKey plus a digest of the list it
 * belongs to (tenant, list name, filter) and of the key itself. Decoding checks the digest and the key's
 * partition, so a cursor taken from one tenant or filter is rejected (400 invalid_cursor) anywhere else,
 * an edited cursor is rejected, and a tampered key never reaches DynamoDB.
 *
 * The digest is not keyed: someone who knows this format can forge a cursor for a list they may read
 * anyway. Such a cursor still has to name the caller's own partition (checked below, and range-checked by
 * the repositories), so all it can do is start that list at another key.
 */

type Key = Record<string, string | number>;

const digest = (scope: string, keyJson: string) =>
  createHash('sha256').update(scope).update('\u0000').update(keyJson).digest('base64url').slice(0, 22);

export function encodeCursor(scope: string, lastEvaluatedKey: Record<string, unknown> | undefined): string | null {
  if (!lastEvaluatedKey) return null;
  return Buffer.from(
    JSON.stringify({ s: digest(scope, JSON.stringify(lastEvaluatedKey)), k: lastEvaluatedKey }),
  ).toString('base64url');
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
    const bytes = Buffer.from(cursor, 'base64url');
    // Node's decoder skips characters outside the alphabet and ignores padding bits, and JSON.parse
    // ignores whitespace: only the exact text encodeCursor wrote is a cursor, so no edit goes unnoticed.
    if (bytes.toString('base64url') !== cursor) throw new InvalidCursor();
    const text = bytes.toString('utf8');
    parsed = JSON.parse(text);
    if (JSON.stringify(parsed) !== text) throw new InvalidCursor();
  } catch {
    throw new InvalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursor();
  const { s, k } = parsed as { s?: unknown; k?: unknown };
  if (typeof k !== 'object' || k === null || Array.isArray(k) || s !== digest(scope, JSON.stringify(k)))
    throw new InvalidCursor();
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
