import type { DynamoDBBatchResponse } from 'aws-lambda';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { handler as streamConsumer } from '../../functions/stream-consumer';
import { entryHash, GENESIS_HASH } from '../../shared/audit/chain';
import { verifyAuditChain } from '../../shared/audit/verify';
import { getChainHead } from '../../shared/data/audit-repository';
import type { OutboxEvent } from '../../shared/data/outbox';
import { SYSTEM_ACTOR } from '../../shared/domain/actor';
import { createAuditAppender } from '../../shared/outbox/effects/audit-writer';
import { seal } from '../../shared/security/sealing';
import {
  auditDeps,
  auditSnapshot,
  chainOf,
  memberModifyRecord,
  outboxEvent,
  outboxRecord,
  streamEvent,
} from '../support/audit';
import { uniqueEmail } from '../support/fixtures';
import { lambdaContext } from '../support/http-event';

/**
 * The audit writer behind the real stream consumer, against DynamoDB Local: one entry per outbox event,
 * idempotent under redelivery, one unbroken chain per tenant however many writers race.
 * Tenants here exist only in the audit table (fresh ULIDs), so the stack's own consumer never touches them.
 */

const consume = async (records: ReturnType<typeof outboxRecord>[]) =>
  (await streamConsumer(streamEvent(records), lambdaContext('streamConsumer'))) as DynamoDBBatchResponse;

/** A tenant's events of several kinds, one carrying an invitation delivery (sealed token), one by the system. */
async function eventsFor(tenantId: string): Promise<OutboxEvent[]> {
  const invited = outboxEvent(tenantId, {
    action: 'member.invited',
    changes: { before: null, after: { status: 'invited' } },
  });
  const withDelivery: OutboxEvent = {
    ...invited,
    delivery: {
      kind: 'invitation',
      to: uniqueEmail('audit-writer'),
      tenantName: 'Writer test',
      inviterEmail: 'actor@example.com',
      sealedToken: await seal('a'.repeat(43), invited.eventId),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
  };
  return [
    outboxEvent(tenantId, { action: 'tenant.created', target: { type: 'tenant', id: tenantId, label: 'Writer test' } }),
    withDelivery,
    outboxEvent(tenantId, { action: 'role.created', target: { type: 'role', id: ulid(), label: 'Campaign Operator' } }),
    outboxEvent(tenantId, {
      action: 'member.roles_changed',
      changes: {
        before: { roles: [{ roleId: 'viewer' }] },
        after: { roles: [{ roleId: 'agent', expiresAt: '2030-01-01T00:00:00.000Z' }] },
      },
    }),
    outboxEvent(tenantId, {
      action: 'invitation.expired',
      actor: SYSTEM_ACTOR,
      requestId: 'purge-2026-01-01T00:00:00.000Z',
    }),
    outboxEvent(tenantId, { action: 'member.suspended', actor: { id: 'sub-no-email' } }),
  ];
}

describe('audit writer (stream consumer → audit table)', () => {
  it('turns each outbox event into one chained entry with its audit fields, in stream order, and never copies the delivery', async () => {
    const tenantId = ulid();
    const events = await eventsFor(tenantId);
    // Records that are not new outbox items are ignored (and do not fail the batch).
    const result = await consume([memberModifyRecord(tenantId), ...events.map(outboxRecord)]);
    expect(result.batchItemFailures).toEqual([]);

    const chain = await chainOf(tenantId);
    expect(chain.map((e) => e.id)).toEqual(events.map((e) => e.eventId));
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    for (const [i, entry] of chain.entries()) {
      const event = events[i]!;
      expect(entry).toEqual({
        id: event.eventId,
        tenantId,
        seq: i + 1,
        occurredAt: event.occurredAt,
        actor: JSON.parse(JSON.stringify(event.actor)),
        action: event.action,
        target: event.target,
        changes: event.changes,
        requestId: event.requestId,
        prevHash: i === 0 ? GENESIS_HASH : chain[i - 1]!.hash,
        hash: entryHash(entry),
      });
    }
    expect(chain[4]!.actor).toEqual({ id: 'system', email: 'system' });
    // The sealed token (and the rest of the delivery) never reaches the trail.
    expect(
      JSON.stringify(
        await auditSnapshot(
          tenantId,
          events.map((e) => e.eventId),
        ),
      ),
    ).not.toMatch(/delivery|sealedToken|inviterEmail/);
    expect(await getChainHead(auditDeps(), tenantId)).toEqual({ seq: 6, hash: chain[5]!.hash });
    expect(await verifyAuditChain(auditDeps(), tenantId, {})).toMatchObject({ ok: true, checked: 6 });
  });

  it('replaying the same stream batch twice (and any part of it, in any order) leaves the audit table unchanged', async () => {
    const tenantId = ulid();
    const events = await eventsFor(tenantId);
    const records = events.map(outboxRecord);
    expect((await consume(records)).batchItemFailures).toEqual([]);
    const before = await auditSnapshot(
      tenantId,
      events.map((e) => e.eventId),
    );
    expect(before.items).toHaveLength(6);

    expect((await consume(records)).batchItemFailures).toEqual([]);
    expect(
      await auditSnapshot(
        tenantId,
        events.map((e) => e.eventId),
      ),
    ).toEqual(before);

    expect((await consume([records[4]!, records[1]!, records[4]!])).batchItemFailures).toEqual([]);
    expect(
      await auditSnapshot(
        tenantId,
        events.map((e) => e.eventId),
      ),
    ).toEqual(before);

    // Redelivery with a new event after it: only the new one is appended, after the old head.
    const later = outboxEvent(tenantId, { action: 'member.reactivated' });
    expect((await consume([...records, outboxRecord(later)])).batchItemFailures).toEqual([]);
    const chain = await chainOf(tenantId);
    expect(chain.map((e) => e.id)).toEqual([...events.map((e) => e.eventId), later.eventId]);
    expect(chain[6]!.prevHash).toBe(chain[5]!.hash);
  });

  it('parallel writers racing on one tenant (shards, overlapping batches) record every event exactly once in one unbroken chain', async () => {
    const tenantId = ulid();
    const events = Array.from({ length: 60 }, (_, i) => outboxEvent(tenantId, { requestId: `race-${i}` }));
    // Six writers with their own head caches, like six concurrent Lambda invocations; each also redelivers
    // a few events of another writer, as a retried batch would.
    const writers = Array.from({ length: 6 }, () =>
      createAuditAppender({ deps: auditDeps(), maxAttempts: 50, baseDelayMs: 5 }),
    );
    const outcomes = await Promise.all(
      writers.map(async (append, w) => {
        const own = events.filter((_, i) => i % writers.length === w);
        const others = events.filter((_, i) => i % writers.length === (w + 1) % writers.length).slice(0, 3);
        const results: Awaited<ReturnType<typeof append>>[] = [];
        for (const event of [...own, ...others]) results.push(await append(event));
        return results;
      }),
    );
    const flat = outcomes.flat();
    expect(flat.filter((o) => o.status === 'appended')).toHaveLength(60);
    expect(flat.filter((o) => o.status === 'duplicate')).toHaveLength(18);
    // The race was real: some writers had to retry after losing the head.
    expect(Math.max(...flat.map((o) => (o.status === 'appended' ? o.attempts : 1)))).toBeGreaterThan(1);

    const chain = await chainOf(tenantId);
    expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(chain.map((e) => e.id))).toEqual(new Set(events.map((e) => e.eventId)));
    expect(await verifyAuditChain(auditDeps(), tenantId, {})).toEqual({
      ok: true,
      checked: 60,
      complete: true,
      fromSeq: 1,
      toSeq: 60,
    });
  });

  it('two overlapping consumer invocations of the same records record each event once', async () => {
    const tenantId = ulid();
    const events = Array.from({ length: 12 }, () => outboxEvent(tenantId));
    const records = events.map(outboxRecord);
    const [first, second] = await Promise.all([consume(records.slice(0, 8)), consume(records.slice(4))]);
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    const chain = await chainOf(tenantId);
    expect(chain).toHaveLength(12);
    expect(new Set(chain.map((e) => e.id)).size).toBe(12);
    expect((await verifyAuditChain(auditDeps(), tenantId, {})).ok).toBe(true);
  });

  it('a failing record fails itself and the later records of its tenant (retried in order), not other tenants', async () => {
    const [a, b] = [ulid(), ulid()];
    const broken = outboxEvent(a, { occurredAt: 'not a date' });
    const afterBroken = outboxEvent(a);
    const other = outboxEvent(b);
    const records = [outboxRecord(broken), outboxRecord(afterBroken), outboxRecord(other)];
    const result = await consume(records);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [records[0]!.dynamodb!.SequenceNumber!, records[1]!.dynamodb!.SequenceNumber!].sort(),
    );
    expect(await chainOf(a)).toEqual([]);
    expect((await chainOf(b)).map((e) => e.id)).toEqual([other.eventId]);
  });
});
