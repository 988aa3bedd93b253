import { createHash } from 'node:crypto';
import type { AuditContent, AuditEntry, ChainHead } from '../data/audit-entry';
import type { OutboxEvent } from '../data/outbox';

/**
 * The tamper-evident audit chain, as pure functions (SPEC §4): each tenant's entries are numbered
 * 1, 2, 3, ... (`seq`) and each carries the hash of the one before it, so that altering, removing or
 * reordering any entry breaks every hash after it.
 *
 *   hash = SHA-256(prevHash + canonicalJson(entry without `hash`))      (hex)
 *
 * The first entry of a tenant has `prevHash` = GENESIS_HASH. The hashed content includes `seq` and
 * `prevHash` themselves, and every field of the entry: nothing stored in an entry escapes the hash
 * (index keys are derived from hashed fields, and `/audit/verify` checks them too).
 */

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON (the RFC 8785 JCS rules for the JSON our entries hold): object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers as ECMAScript's JSON.stringify writes them, members
 * whose value is `undefined` left out. The same value always gives the same text, whatever order its
 * keys were built or stored in (DynamoDB maps do not keep an order).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value))
        return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
  }
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The hash an entry must have: over its previous hash and its canonical content without `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...content } = entry;
  return sha256Hex(entry.prevHash + canonicalJson(content));
}

/**
 * The audit content of an outbox event: its audit fields only, by name. `delivery` (which carries a
 * sealed invitation token) and anything else an event may carry never reach the trail. The result is
 * JSON-normalised (undefined members dropped, undefined array items → null), which is exactly what
 * DynamoDB stores and gives back, so the hash computed now is the hash recomputed on read.
 */
export function auditContentOf(event: OutboxEvent): AuditContent {
  const actor = {
    id: event.actor.id,
    email: event.actor.email,
    ip: event.actor.ip,
    userAgent: event.actor.userAgent,
  };
  const content: AuditContent = {
    id: event.eventId,
    tenantId: event.tenantId,
    occurredAt: new Date(event.occurredAt).toISOString(),
    actor,
    action: event.action,
    target: { type: event.target.type, id: event.target.id, label: event.target.label },
    changes: { before: event.changes?.before ?? null, after: event.changes?.after ?? null },
    requestId: event.requestId,
  };
  return JSON.parse(JSON.stringify(content)) as AuditContent;
}

/** Places content after `head` (or first, with no head): the next seq, the link, and the hash. */
export function chainEntry(content: AuditContent, head: ChainHead | undefined): AuditEntry {
  const unhashed = { ...content, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH };
  return { ...unhashed, hash: entryHash(unhashed) };
}

/** Chains several contents in order after `head` (bulk loads and tests). */
export function chainEntries(contents: readonly AuditContent[], head: ChainHead | undefined): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let previous = head;
  for (const content of contents) {
    const entry = chainEntry(content, previous);
    entries.push(entry);
    previous = { seq: entry.seq, hash: entry.hash };
  }
  return entries;
}

export type ChainBreak =
  | 'missing_entry'
  | 'seq_mismatch'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'index_mismatch'
  | 'head_mismatch';
