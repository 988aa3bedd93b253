import { type AuditIndexName, auditTable, type IndexDefinition } from './table-definitions';

/**
 * Every key of the audit table is built here, and nowhere else (the main table's keys are in keys.ts;
 * this is a different table with its own vocabulary).
 *
 * | item            | PK                 | SK                 | GSI keys                                            |
 * |-----------------|--------------------|--------------------|-----------------------------------------------------|
 * | audit entry     | TENANT#<t>         | SEQ#<seq, 12 dig.> | tenantKey, actorKey, targetKey, actionGroupKey,     |
 * |                 |                    |                    | actionKey, actorActionGroupKey, actorActionKey,     |
 * |                 |                    |                    | targetActionGroupKey, targetActionKey;              |
 * |                 |                    |                    | all with timeKey = <occurredAt>#<seq>               |
 * | chain head      | TENANT#<t>         | HEAD               | -                                                   |
 * | event guard     | EVENT#<eventId>    | EVENT              | -                                                   |
 *
 * - The base table holds a tenant's chain in `seq` order: `/audit/verify` walks it with consistent reads.
 * - The GSIs answer `GET /audit`, one per filter combination. Partition = the tenant (ByTime), plus the
 *   actor id (ByActor) or the target id (ByTarget), or plus the part of the action before its first dot
 *   (ByActionGroup, for `member.`) or the full action (ByAction), or plus actor or target AND action group
 *   or full action (ByActorActionGroup, ByActorAction, ByTargetActionGroup, ByTargetAction: "what did this
 *   person do to roles"). Sort key = occurrence time (fixed-width UTC ISO, so lexical order is time order)
 *   then seq. Every filter is therefore one key-condition Query, newest first with `ScanIndexForward:
 *   false`, and a date range is a BETWEEN on the sort key: nothing is read that is not returned.
 *   An action prefix and a date range fit in one key condition because the prefix is an equality (on the
 *   action group) in the partition key, not a `begins_with` on the sort key.
 * - Cost: an entry is one base item and nine index items (DynamoDB writes each GSI item: ten write units
 *   per entry of up to 1 KB). Actor AND target together would need three more indexes for a question the
 *   target's own history answers, so that combination is refused (schemas/audit.ts).
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
export function actionGroupOf(action: string): string {
  const dot = action.indexOf('.');
  return dot < 0 ? action : action.slice(0, dot);
}

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

/**
 * Which audit filter a query serves: actorId or targetId (not both: see schemas/audit.ts), each optionally
 * with an action or action prefix, and an optional date range.
 */
export interface AuditKeyFilter {
  readonly actorId?: string;
  /** Not together with actorId. */
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

function indexDefinition(name: AuditIndexName): IndexDefinition {
  const index = auditTable.globalSecondaryIndexes.find((definition) => definition.indexName === name);
  if (!index) throw new Error(`audit table has no index ${name}`); // unreachable: AuditIndexName lists them
  return index;
}

/** Normalises any ISO date-time (with an offset) to the fixed-width UTC form the sort keys use. */
export const toUtcIso = (dateTime: string): string => new Date(dateTime).toISOString();

/**
 * The index and partition of a filter: its subject (actor or target, or the tenant) and its action part
 * (an action group for a prefix ending with a dot, a full action, or none) pick one of nine indexes.
 */
function indexAndPartitionOf(tenant: string, filter: AuditKeyFilter): [AuditIndexName, string] {
  const subject: { readonly index: 'ByActor' | 'ByTarget'; readonly key: string } | undefined =
    filter.actorId !== undefined
      ? { index: 'ByActor', key: `${tenant}#ACTOR#${filter.actorId}` }
      : filter.targetId !== undefined
        ? { index: 'ByTarget', key: `${tenant}#TARGET#${filter.targetId}` }
        : undefined;
  const action: { readonly index: 'ActionGroup' | 'Action'; readonly key: string } | undefined =
    filter.action === undefined
      ? undefined
      : filter.action.endsWith('.')
        ? { index: 'ActionGroup', key: `ACTIONGROUP#${filter.action.slice(0, -1)}` }
        : { index: 'Action', key: `ACTION#${filter.action}` };
  if (subject && action) return [`${subject.index}${action.index}`, `${subject.key}#${action.key}`];
  if (subject) return [subject.index, subject.key];
  if (action) return [`By${action.index}`, `${tenant}#${action.key}`];
  return ['ByTime', tenant];
}

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
      actorActionGroupKey: `${tenant}#ACTOR#${entry.actor.id}#ACTIONGROUP#${actionGroupOf(entry.action)}`,
      actorActionKey: `${tenant}#ACTOR#${entry.actor.id}#ACTION#${entry.action}`,
      targetActionGroupKey: `${tenant}#TARGET#${entry.target.id}#ACTIONGROUP#${actionGroupOf(entry.action)}`,
      targetActionKey: `${tenant}#TARGET#${entry.target.id}#ACTION#${entry.action}`,
    };
  },

  /** The index, partition and sort-key range that answer `filter` for `tenantId`. */
  queryFor: (tenantId: string, filter: AuditKeyFilter): AuditIndexQuery => {
    const [indexName, partitionValue] = indexAndPartitionOf(`${TENANT_PREFIX}${tenantId}`, filter);
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
