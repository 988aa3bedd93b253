import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../shared/audit/verify';
import { auditKeys } from '../../shared/data/audit-keys';
import { listAuditPage, reindexAuditEntries } from '../../shared/data/audit-repository';
import { auditDeps, bulkAppend, content } from '../support/audit';
import { deps } from '../support/fixtures';

/**
 * Entries written before the combined-filter indexes existed lack their four index attributes: they are
 * invisible to combined filters and `/audit/verify` reports them (index_mismatch) until
 * `npm run reindex-audit` adds the attributes, derived from the hashed content, which it never changes.
 */

const COMBINED_KEYS = ['actorActionGroupKey', 'actorActionKey', 'targetActionGroupKey', 'targetActionKey'];

describe('reindex-audit', () => {
  it('gives entries written before the combined indexes their keys: combined filters find them, verify passes', async () => {
    const tenantId = ulid();
    const entries = await bulkAppend(
      tenantId,
      Array.from({ length: 30 }, (_, i) =>
        content(tenantId, {
          actor: { id: 'sub-old', email: 'old@example.com' },
          action: i % 2 ? 'role.updated' : 'member.suspended',
        }),
      ),
    );
    // Ten of them as the writer wrote them before: without the combined index attributes.
    for (const entry of entries.slice(0, 10)) {
      await deps().db.send(
        new UpdateCommand({
          TableName: deps().auditTableName,
          Key: auditKeys.entry(tenantId, entry.seq),
          UpdateExpression: `REMOVE ${COMBINED_KEYS.join(', ')}`,
        }),
      );
    }
    const combined = async () =>
      (await listAuditPage(auditDeps(), tenantId, { actorId: 'sub-old', action: 'role.' }, { limit: 100 })).items
        .length;
    expect(await combined()).toBe(10); // of 15: the old ones are missing
    expect((await verifyAuditChain(auditDeps(), tenantId, {})).brokenAt?.reason).toBe('index_mismatch');

    const first = await reindexAuditEntries(auditDeps(), { tenantId });
    expect(first.updated).toBe(10);
    expect(await combined()).toBe(15);
    expect(await verifyAuditChain(auditDeps(), tenantId, {})).toMatchObject({ ok: true, checked: 30 });
    // Idempotent: nothing left to do.
    expect((await reindexAuditEntries(auditDeps(), { tenantId })).updated).toBe(0);
  });

  it('never fixes an index key that is present but wrong: verify keeps reporting it', async () => {
    const tenantId = ulid();
    const [entry] = await bulkAppend(tenantId, [content(tenantId)]);
    await deps().db.send(
      new UpdateCommand({
        TableName: deps().auditTableName,
        Key: auditKeys.entry(tenantId, entry!.seq),
        UpdateExpression: 'SET actorKey = :other REMOVE actorActionKey',
        ExpressionAttributeValues: { ':other': `TENANT#${tenantId}#ACTOR#someone-else` },
      }),
    );
    await reindexAuditEntries(auditDeps(), { tenantId });
    expect((await verifyAuditChain(auditDeps(), tenantId, {})).brokenAt?.reason).toBe('index_mismatch');
  });
});
