import { type AuditIndexName, auditTable } from './table-definitions';

/**
 * Every key of the audit table is built here, and nowhere else (the main table's keys are in keys.ts;
 * this is a different table with its own vocabulary).
 *
 * | item            | PK                 | SK                 | GSI keys                                            |
 * |-----------------|--------------------|--------------------|-----------------------------------------------------|
 * | audit entry     | TENANT#<t>         | SEQ#<seq, 12 dig.> | tenantKey, actorKey, targetKey, actionGroupKey,     |
 * |                 |                    |                    | actionKey; all with timeKey = <occurredAt>#<seq>    |
 * | chain head      | TENANT#<t>         | HEAD               | -                                                   |
 * | event guard     | EVENT#<eventId>    | EVENT              | -                                                   |
 *
 * - The base table holds a tenant's chain in `seq` order: `/audit/verify` walks it with consistent reads.
 * - The GSIs answer `GET /audit`: partition = tenant (ByTime), tenant + actor id (ByActor), tenant + target
 *   id (ByTarget), tenant + the part of the action before its first dot (ByActionGroup, for `member.`) or
 *   tenant + full action (ByAction); sort key = occurrence time (fixed-width UTC ISO, so lexical order is
 *   time order) then seq. Every filter is therefore one key-condition Query, newest first with
 *   `ScanIndexForward: false`, and a date range is a BETWEEN on the sort key: nothing is read that is
 *   not returned.
 * - The head (`{seq, hash}` of the last entry) is replaced with a conditional Put in the same transaction
 *   as each entry; the guard makes recording an event idempotent.
 * - Head and guard items have no GSI attributes, so they never appear in the indexes.
 */

const TENANT_PREFIX = 'TENANT#';
export const AUDIT_ENTRY_PREFIX = 'SEQ#';
export const AUDIT_HEAD_SK = 'HEAD';
const SEQ_DIGITS = 12;

/** The sort-key suffix above every `#<seq>`: an upper bound "at the end of this instant". */
const AFTER_ALL_SEQS = '#\uffff';

export const padSeq = (seq: number): string => String(seq).padStart(SEQ_DIGITS, '0');

/** `member` for `member.invited`: the part of an action before its first dot. */
export const actionGroupOf = (action: string): string => action.split('.', 1)[0]!;

export interface AuditKey {
  PK: string;
  SK: string;
}

/** What an entry's index keys are derived from. */
export interface IndexedEntryFields {
  readonly tenantId: string;
  readonly seq: number;
  readonly occurredAt: string;
  readonly action: string;
  readonly actor: { readonly id: string };
  readonly target: { readonly id: string };
}

/** Which audit filter a query serves; at most one of actorId, targetId and action (see schemas/audit.ts). */
export interface AuditKeyFilter {
  readonly actorId?: string;
  readonly targetId?: string;
  /** A full action (`member.invited`) or an action prefix ending with a dot (`member.`). */
  readonly action?: string;
  /** ISO date-times, inclusive. */
  readonly from?: string;
  readonly to?: string;
}

export interface AuditIndexQuery {
  readonly indexName: AuditIndexName;
  readonly partitionAttribute: string;
  readonly partitionValue: string;
  readonly sortAttribute: string;
  /** Inclusive bounds on the sort key, when the filter has a date range. */
  readonly lower?: string;
  readonly upper?: string;
}

const indexDefinition = (name: AuditIndexName) =>
  auditTable.globalSecondaryIndexes.find((index) => index.indexName === name)!;

/** Normalises any ISO date-time (with an offset) to the fixed-width UTC form the sort keys use. */
export const toUtcIso = (dateTime: string): string => new Date(dateTime).toISOString();

export const auditKeys = {
  entry: (tenantId: string, seq: number): AuditKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${AUDIT_ENTRY_PREFIX}${padSeq(seq)}`,
  }),
  /** The partition of a tenant's entries (and head) in the base table. */
  tenantPartition: (tenantId: string): string => `${TENANT_PREFIX}${tenantId}`,
  head: (tenantId: string): AuditKey => ({ PK: `${TENANT_PREFIX}${tenantId}`, SK: AUDIT_HEAD_SK }),
  eventGuard: (eventId: string): AuditKey => ({ PK: `EVENT#${eventId}`, SK: 'EVENT' }),

  /** The GSI attributes of an entry: one per filter, all sorted by time then seq. */
  entryIndexes: (entry: IndexedEntryFields) => {
    const tenant = `${TENANT_PREFIX}${entry.tenantId}`;
    return {
      tenantKey: tenant,
      timeKey: `${entry.occurredAt}#${padSeq(entry.seq)}`,
      actorKey: `${tenant}#ACTOR#${entry.actor.id}`,
      targetKey: `${tenant}#TARGET#${entry.target.id}`,
      actionGroupKey: `${tenant}#ACTIONGROUP#${actionGroupOf(entry.action)}`,
      actionKey: `${tenant}#ACTION#${entry.action}`,
    };
  },

  /** The index, partition and sort-key range that answer `filter` for `tenantId`. */
  queryFor: (tenantId: string, filter: AuditKeyFilter): AuditIndexQuery => {
    const tenant = `${TENANT_PREFIX}${tenantId}`;
    const [indexName, partitionValue]: [AuditIndexName, string] =
      filter.actorId !== undefined
        ? ['ByActor', `${tenant}#ACTOR#${filter.actorId}`]
        : filter.targetId !== undefined
          ? ['ByTarget', `${tenant}#TARGET#${filter.targetId}`]
          : filter.action !== undefined && filter.action.endsWith('.')
            ? ['ByActionGroup', `${tenant}#ACTIONGROUP#${filter.action.slice(0, -1)}`]
            : filter.action !== undefined
              ? ['ByAction', `${tenant}#ACTION#${filter.action}`]
              : ['ByTime', tenant];
    const index = indexDefinition(indexName);
    return {
      indexName,
      partitionAttribute: index.partitionKey,
      partitionValue,
      sortAttribute: index.sortKey,
      // `<from>` sorts before `<from>#<seq>`, and `<to>#\uffff` after `<to>#<any seq>`: both inclusive.
      ...(filter.from !== undefined ? { lower: toUtcIso(filter.from) } : {}),
      ...(filter.to !== undefined ? { upper: `${toUtcIso(filter.to)}${AFTER_ALL_SEQS}` } : {}),
    };
  },
} as const;
