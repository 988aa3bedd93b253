import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { entryHash } from '../../shared/audit/chain';
import { verifyAuditChain } from '../../shared/audit/verify';
import { auditKeys } from '../../shared/data/audit-keys';
import { auditEntryItem, entryOfItem, readChainItems } from '../../shared/data/audit-repository';
import { routes } from '../../shared/http/routes';
import { createAuditAppender } from '../../shared/outbox/effects/audit-writer';
import { auditDeps, outboxEvent } from '../support/audit';
import { tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/**
 * `/audit/verify` detects tampering done directly in DynamoDB Local (which, unlike AWS, enforces no
 * IAM: here the test plays an attacker with write access to the table).
 */

const table = () => auditDeps().auditTableName;
const db = () => auditDeps().db;
const DAY = 24 * 3600_000;

/** A tenant (audit table only) with `count` entries, one per day from 2025-01-01, appended by the writer. */
async function chainOfLength(count: number) {
  const tenantId = ulid();
  const append = createAuditAppender({ deps: auditDeps() });
  for (let i = 0; i < count; i++) {
    await append(
      outboxEvent(tenantId, {
        occurredAt: new Date(Date.UTC(2025, 0, 1) + i * DAY).toISOString(),
        requestId: `verify-${i + 1}`,
      }),
    );
  }
  const items: Record<string, unknown>[] = [];
  for await (const item of readChainItems(auditDeps(), tenantId, 1)) items.push(item);
  expect(items).toHaveLength(count);
  return { tenantId, items, item: (seq: number) => items[seq - 1]! };
}

const verify = (tenantId: string, range: { from?: string; to?: string } = {}) =>
  verifyAuditChain(auditDeps(), tenantId, range);
const put = (item: Record<string, unknown>) => db().send(new PutCommand({ TableName: table(), Item: item }));

describe('audit chain verification', () => {
  it('an untouched chain verifies', async () => {
    const { tenantId } = await chainOfLength(20);
    expect(await verify(tenantId)).toEqual({ ok: true, checked: 20, complete: true, fromSeq: 1, toSeq: 20 });
  });

  it('detects an altered entry', async () => {
    const { tenantId, item } = await chainOfLength(20);
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: auditKeys.entry(tenantId, 12),
        UpdateExpression: 'SET #target.#label = :label',
        ExpressionAttributeNames: { '#target': 'target', '#label': 'label' },
        ExpressionAttributeValues: { ':label': 'someone-else@example.com' },
      }),
    );
    expect(await verify(tenantId)).toMatchObject({
      ok: false,
      checked: 11,
      brokenAt: { seq: 12, id: item(12).id, reason: 'hash_mismatch' },
    });
    // Restoring the original makes it whole again: the check is of content, not of history.
    await put(item(12));
    expect((await verify(tenantId)).ok).toBe(true);
  });

  it('detects an altered entry whose own hash was recomputed: the next link breaks', async () => {
    const { tenantId, item } = await chainOfLength(20);
    const forged = { ...entryOfItem(item(12)), action: 'member.reactivated' as const };
    await put(auditEntryItem({ ...forged, hash: entryHash(forged) }));
    expect(await verify(tenantId)).toMatchObject({
      ok: false,
      checked: 12,
      brokenAt: { seq: 13, reason: 'prev_hash_mismatch' },
    });
  });

  it('detects a deleted entry', async () => {
    const { tenantId } = await chainOfLength(20);
    await db().send(new DeleteCommand({ TableName: table(), Key: auditKeys.entry(tenantId, 7) }));
    expect(await verify(tenantId)).toMatchObject({
      ok: false,
      checked: 6,
      brokenAt: { seq: 7, reason: 'missing_entry' },
    });
  });

  it('detects deleted newest entries (the head still names the last one)', async () => {
    const { tenantId } = await chainOfLength(20);
    await db().send(new DeleteCommand({ TableName: table(), Key: auditKeys.entry(tenantId, 20) }));
    await db().send(new DeleteCommand({ TableName: table(), Key: auditKeys.entry(tenantId, 19) }));
    expect(await verify(tenantId)).toMatchObject({
      ok: false,
      checked: 18,
      brokenAt: { seq: 19, reason: 'missing_entry' },
    });
  });

  it('detects reordered entries (two entries swapped in the chain)', async () => {
    const { tenantId, item } = await chainOfLength(20);
    // Swap the items at seq 8 and 9, keeping each one's content (the keys move, the contents do not).
    await put({ ...item(9), ...auditKeys.entry(tenantId, 8) });
    await put({ ...item(8), ...auditKeys.entry(tenantId, 9) });
    expect(await verify(tenantId)).toMatchObject({
      ok: false,
      checked: 7,
      brokenAt: { seq: 8, id: item(9).id, reason: 'seq_mismatch' },
    });
  });

  it('detects reordered entries whose seq numbers were swapped as well', async () => {
    const { tenantId, item } = await chainOfLength(20);
    const moved = (seq: number, to: number) => {
      const { seq: _s, ...rest } = item(seq);
      return { ...rest, seq: to, ...auditKeys.entry(tenantId, to) };
    };
    await put(moved(9, 8));
    await put(moved(8, 9));
    expect(await verify(tenantId)).toMatchObject({
      ok: false,
      checked: 7,
      brokenAt: { seq: 8, reason: 'prev_hash_mismatch' },
    });
  });

  it('detects an entry hidden from a filter by changing only its index key', async () => {
    const { tenantId, item } = await chainOfLength(10);
    await put({ ...item(4), actorKey: `TENANT#${tenantId}#ACTOR#someone-else` });
    expect(await verify(tenantId)).toMatchObject({ ok: false, brokenAt: { seq: 4, reason: 'index_mismatch' } });
  });

  it('detects a foreign entry inserted at the end without moving the head', async () => {
    const { tenantId, item } = await chainOfLength(5);
    await put({ ...item(5), ...auditKeys.entry(tenantId, 6), seq: 6, id: ulid() });
    expect((await verify(tenantId)).ok).toBe(false);
  });

  it('verifies a date range: its run of the chain and the link into it', async () => {
    const { tenantId, item } = await chainOfLength(30);
    const range = { from: '2025-01-10T00:00:00Z', to: '2025-01-20T00:00:00Z' };
    expect(await verify(tenantId, range)).toEqual({ ok: true, checked: 11, complete: true, fromSeq: 10, toSeq: 20 });
    expect(await verify(tenantId, { from: '2030-01-01T00:00:00Z' })).toEqual({ ok: true, checked: 0, complete: true });

    // Tampering outside the window is not this window's business...
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: auditKeys.entry(tenantId, 25),
        UpdateExpression: 'SET requestId = :r',
        ExpressionAttributeValues: { ':r': 'forged' },
      }),
    );
    expect((await verify(tenantId, range)).ok).toBe(true);
    expect(await verify(tenantId)).toMatchObject({ ok: false, brokenAt: { seq: 25, reason: 'hash_mismatch' } });
    // ...but the entry the window links to is checked.
    await db().send(new DeleteCommand({ TableName: table(), Key: auditKeys.entry(tenantId, 9) }));
    expect(await verify(tenantId, range)).toMatchObject({ ok: false, brokenAt: { seq: 9, reason: 'missing_entry' } });
    await put(item(9));
    expect((await verify(tenantId, range)).ok).toBe(true);
  });

  it('stops at the limit and says so', async () => {
    const { tenantId } = await chainOfLength(12);
    expect(await verifyAuditChain(auditDeps(), tenantId, {}, 5)).toEqual({
      ok: true,
      checked: 5,
      complete: false,
      fromSeq: 1,
      toSeq: 5,
    });
  });
});

describe('GET /audit/verify', () => {
  it('verifies a real tenant’s chain over HTTP, and reports a break', async () => {
    const tenant = await tenantWithOwner();
    await drainStream();
    const ok = await invoke(routes.verifyAudit, {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, checked: 2, complete: true, fromSeq: 1, toSeq: 2 }); // tenant.created, member.joined

    await db().send(new DeleteCommand({ TableName: table(), Key: auditKeys.entry(tenant.tenantId, 1) }));
    const broken = await invoke(routes.verifyAudit, {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
    });
    expect(broken.body).toMatchObject({ ok: false, checked: 0, brokenAt: { seq: 1, reason: 'missing_entry' } });

    const invalid = await invoke(routes.verifyAudit, {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
      query: { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
    });
    expect(invalid.status).toBe(400);
  });
});
