import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditContentOf, chainEntry } from '../../audit/chain';
import type { AuditEntry, ChainHead } from '../../data/audit-entry';
import { APPEND_ITEM, type AuditDataDeps, appendEntry, getChainHead } from '../../data/audit-repository';
import type { OutboxEvent } from '../../data/outbox';
import type { OutboxEffect } from '../outbox-consumer';

/** Several writers (shards, overlapping batches) appended to the tenant's chain on every attempt. */
export class AuditChainContention extends Error {
  constructor(tenantId: string, attempts: number) {
    super(`audit chain of tenant ${tenantId}: head changed on each of ${attempts} attempts`);
    this.name = 'AuditChainContention';
  }
}

/** The entry slot after the head is taken although the head says otherwise: the chain was written around the writer. */
export class AuditChainCorrupt extends Error {
  constructor(tenantId: string, seq: number) {
    super(`audit chain of tenant ${tenantId}: entry ${seq} exists beyond the chain head`);
    this.name = 'AuditChainCorrupt';
  }
}

export type AppendOutcome =
  | { readonly status: 'appended'; readonly entry: AuditEntry; readonly attempts: number }
  /** The event's guard exists: it was recorded before (a redelivered record); nothing was written. */
  | { readonly status: 'duplicate' };

export interface AuditAppenderOptions {
  readonly deps: AuditDataDeps;
  /** Attempts per event when racing writers move the head (default 8). */
  readonly maxAttempts?: number;
  /** Upper bound of the first backoff; doubles per attempt, capped at 1 s, full jitter (default 25 ms). */
  readonly baseDelayMs?: number;
}

const MAX_CACHED_HEADS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Appends outbox events to their tenant's audit chain, exactly once each.
 *
 * Per event: read the tenant's head (consistently; or use the head this writer last wrote, which is
 * right unless another writer appended since), chain the entry after it, and write guard + entry + new
 * head in one transaction of conditional Puts (`appendEntry`). A failed guard condition means the event
 * is already recorded: done, nothing written. A failed head or entry condition, or a transaction
 * conflict, means another writer appended first: re-read the head and try again, with jittered
 * exponential backoff, at most `maxAttempts` times; then the record fails and Lambda retries it.
 *
 * Callers append one tenant's events one at a time, in stream order (functions/stream-consumer.ts).
 */
export function createAuditAppender(options: AuditAppenderOptions): (event: OutboxEvent) => Promise<AppendOutcome> {
  const { deps } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 25;
  const knownHeads = new Map<string, ChainHead>();

  return async (event) => {
    const content = auditContentOf(event);
    for (let attempt = 1; ; attempt++) {
      const head = knownHeads.get(event.tenantId) ?? (await getChainHead(deps, event.tenantId));
      const entry = chainEntry(content, head);
      try {
        await deps.db.send(new TransactWriteCommand({ TransactItems: appendEntry(deps, entry, head) }));
        if (knownHeads.size >= MAX_CACHED_HEADS) knownHeads.clear();
        knownHeads.set(event.tenantId, { seq: entry.seq, hash: entry.hash });
        return { status: 'appended', entry, attempts: attempt };
      } catch (error) {
        knownHeads.delete(event.tenantId);
        if (!isRetriable(error)) throw error;
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        if (reasons[APPEND_ITEM.guard]?.Code === 'ConditionalCheckFailed') return { status: 'duplicate' };
        if (
          reasons[APPEND_ITEM.entry]?.Code === 'ConditionalCheckFailed' &&
          reasons[APPEND_ITEM.head]?.Code !== 'ConditionalCheckFailed'
        ) {
          // Re-read the head once: a racing writer may have put entry and head between our read and write.
          const current = await getChainHead(deps, event.tenantId);
          if (current?.seq === head?.seq) throw new AuditChainCorrupt(event.tenantId, entry.seq);
        }
        if (attempt >= maxAttempts) throw new AuditChainContention(event.tenantId, attempt);
        await sleep(Math.random() * Math.min(1000, baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  };
}

/** Condition failures and transaction conflicts are races; anything else is a real error. */
function isRetriable(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
    return codes.some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict');
  }
  return (error as { name?: string } | null)?.name === 'TransactionConflictException';
}

/**
 * The audit effect of the outbox consumer: every outbox event becomes exactly one audit entry.
 * Idempotent on the event id (the guard), so redelivered and replayed batches change nothing.
 */
export function auditWriter(options: AuditAppenderOptions): OutboxEffect {
  const append = createAuditAppender(options);
  return {
    name: 'audit-writer',
    handles: () => true,
    apply: async (event) => {
      await append(event);
    },
  };
}
