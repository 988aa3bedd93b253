import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toLambdaRecord } from '../../scripts/local/stream-poller';
import {
  auditContentOf,
  canonicalJson,
  chainEntries,
  chainEntry,
  entryHash,
  GENESIS_HASH,
} from '../../shared/audit/chain';
import { CSV_COLUMNS, csvRowOf } from '../../shared/audit/csv-export';
import { auditKeys, toUtcIso } from '../../shared/data/audit-keys';
import type { OutboxEvent } from '../../shared/data/outbox';
import { listAuditQuerySchema } from '../../shared/http/schemas/audit';
import { keyedSequencer } from '../../shared/outbox/outbox-consumer';

const event: OutboxEvent = {
  eventId: '01JD2Q3V4W5X6Y7Z8A9B0C1D2E',
  tenantId: '01JD2Q3V4W5X6Y7Z8A9B0C1D2T',
  occurredAt: '2026-03-01T10:00:00.000Z',
  action: 'member.invited',
  actor: { id: 'sub-1', email: 'a@example.com', ip: '203.0.113.9', userAgent: undefined },
  target: { type: 'member', id: '01JD2Q3V4W5X6Y7Z8A9B0C1D2M', label: 'b@example.com' },
  changes: { before: null, after: { roles: [{ roleId: 'agent', expiresAt: undefined }] } },
  requestId: 'req-1',
  delivery: {
    kind: 'invitation',
    to: 'b@example.com',
    tenantName: 'T',
    sealedToken: 'v1.secret',
    expiresAt: '2026-03-08T10:00:00.000Z',
  },
};

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null, { z: true, y: undefined }], c: 'é"\n' } })).toBe(
      '{"a":{"c":"é\\"\\n","d":[1,"x",null,{"z":true}]},"b":1}',
    );
  });

  it('is independent of the order keys were built in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        return canonicalJson(record) === canonicalJson(reversed);
      }),
    );
  });

  it('round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(10n)).toThrow();
  });
});

describe('audit chain', () => {
  it('takes the audit fields of an event by name: never its delivery', () => {
    const content = auditContentOf(event);
    expect(content).toEqual({
      id: event.eventId,
      tenantId: event.tenantId,
      occurredAt: event.occurredAt,
      actor: { id: 'sub-1', email: 'a@example.com', ip: '203.0.113.9' },
      action: 'member.invited',
      target: event.target,
      changes: { before: null, after: { roles: [{ roleId: 'agent' }] } },
      requestId: 'req-1',
    });
    expect(JSON.stringify(content)).not.toContain('secret');
  });

  it('links each entry to the previous hash: hash = sha256(prevHash + canonical JSON without hash)', () => {
    const [first, second] = chainEntries(
      [auditContentOf(event), auditContentOf({ ...event, eventId: 'E2', action: 'member.joined' })],
      undefined,
    );
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first!.hash });
    const { hash, ...rest } = second!;
    expect(hash).toBe(
      createHash('sha256')
        .update(second!.prevHash + canonicalJson(rest))
        .digest('hex'),
    );
    expect(entryHash(second!)).toBe(hash);
  });

  it('any change to any field changes the hash', () => {
    const entry = chainEntry(auditContentOf(event), { seq: 41, hash: 'f'.repeat(64) });
    for (const altered of [
      { ...entry, seq: 43 },
      { ...entry, prevHash: '0'.repeat(64) },
      { ...entry, occurredAt: '2026-03-01T10:00:00.001Z' },
      { ...entry, actor: { ...entry.actor, ip: '203.0.113.10' } },
      { ...entry, target: { ...entry.target, label: 'c@example.com' } },
      { ...entry, changes: { before: null, after: null } },
      { ...entry, requestId: 'req-2' },
      { ...entry, extra: 'smuggled' },
    ]) {
      expect(entryHash(altered)).not.toBe(entry.hash);
    }
  });
});

describe('audit keys', () => {
  const tenant = 'T1';
  it('pick one index per filter dimension, all sorted by time then seq', () => {
    expect(auditKeys.queryFor(tenant, {})).toMatchObject({ indexName: 'ByTime', partitionValue: 'TENANT#T1' });
    expect(auditKeys.queryFor(tenant, { actorId: 'sub-1' })).toMatchObject({
      indexName: 'ByActor',
      partitionValue: 'TENANT#T1#ACTOR#sub-1',
    });
    expect(auditKeys.queryFor(tenant, { targetId: 'M1' })).toMatchObject({
      indexName: 'ByTarget',
      partitionValue: 'TENANT#T1#TARGET#M1',
    });
    expect(auditKeys.queryFor(tenant, { action: 'member.' })).toMatchObject({
      indexName: 'ByActionGroup',
      partitionValue: 'TENANT#T1#ACTIONGROUP#member',
    });
    expect(auditKeys.queryFor(tenant, { action: 'member.invited' })).toMatchObject({
      indexName: 'ByAction',
      partitionValue: 'TENANT#T1#ACTION#member.invited',
    });
    const entry = {
      tenantId: tenant,
      seq: 7,
      occurredAt: '2026-03-01T10:00:00.000Z',
      action: 'role_assignment.expired',
      actor: { id: 'system' },
      target: { id: 'M1' },
    };
    expect(auditKeys.entryIndexes(entry)).toEqual({
      tenantKey: 'TENANT#T1',
      timeKey: '2026-03-01T10:00:00.000Z#000000000007',
      actorKey: 'TENANT#T1#ACTOR#system',
      targetKey: 'TENANT#T1#TARGET#M1',
      actionGroupKey: 'TENANT#T1#ACTIONGROUP#role_assignment',
      actionKey: 'TENANT#T1#ACTION#role_assignment.expired',
      actorActionGroupKey: 'TENANT#T1#ACTOR#system#ACTIONGROUP#role_assignment',
      actorActionKey: 'TENANT#T1#ACTOR#system#ACTION#role_assignment.expired',
      targetActionGroupKey: 'TENANT#T1#TARGET#M1#ACTIONGROUP#role_assignment',
      targetActionKey: 'TENANT#T1#TARGET#M1#ACTION#role_assignment.expired',
    });
  });

  it('pick one index per combination of actor or target with an action group or full action', () => {
    expect(auditKeys.queryFor(tenant, { actorId: 'U1', action: 'role.' })).toMatchObject({
      indexName: 'ByActorActionGroup',
      partitionValue: 'TENANT#T1#ACTOR#U1#ACTIONGROUP#role',
    });
    expect(auditKeys.queryFor(tenant, { actorId: 'U1', action: 'role.updated' })).toMatchObject({
      indexName: 'ByActorAction',
      partitionValue: 'TENANT#T1#ACTOR#U1#ACTION#role.updated',
    });
    expect(auditKeys.queryFor(tenant, { targetId: 'M1', action: 'member.' })).toMatchObject({
      indexName: 'ByTargetActionGroup',
      partitionValue: 'TENANT#T1#TARGET#M1#ACTIONGROUP#member',
    });
    expect(
      auditKeys.queryFor(tenant, { targetId: 'M1', action: 'member.suspended', from: '2026-03-01T00:00:00Z' }),
    ).toMatchObject({
      indexName: 'ByTargetAction',
      partitionValue: 'TENANT#T1#TARGET#M1#ACTION#member.suspended',
      lower: '2026-03-01T00:00:00.000Z',
    });
  });

  it('turn a date range into inclusive sort-key bounds, whatever the offset', () => {
    const query = auditKeys.queryFor(tenant, { from: '2026-03-01T12:00:00+02:00', to: '2026-03-02T00:00:00Z' });
    expect(query.lower).toBe('2026-03-01T10:00:00.000Z');
    expect(query.upper).toBe('2026-03-02T00:00:00.000Z#\uffff');
    expect('2026-03-01T10:00:00.000Z#000000000001' >= query.lower!).toBe(true);
    expect('2026-03-02T00:00:00.000Z#999999999999' <= query.upper!).toBe(true);
    expect(toUtcIso('2026-03-01T00:00:00-05:00')).toBe('2026-03-01T05:00:00.000Z');
  });
});

describe('audit query validation', () => {
  const parse = (query: Record<string, string>) => listAuditQuerySchema.safeParse(query);
  it('accepts actor or target with an action or action prefix and a date range', () => {
    expect(parse({ action: 'member.', from: '2026-01-01T00:00:00Z' }).success).toBe(true);
    expect(
      parse({ actorId: 'a', action: 'role.', from: '2026-01-01T00:00:00Z', to: '2026-01-08T00:00:00Z' }).success,
    ).toBe(true);
    expect(parse({ targetId: 'b', action: 'member.suspended' }).success).toBe(true);
    expect(parse({ action: 'role_assignment.expired' }).success).toBe(true);
    expect(parse({ actorId: 'invitee:01JD2Q3V4W5X6Y7Z8A9B0C1D2E' }).success).toBe(true);
  });
  it('refuses actor and target together, unknown actions, reversed ranges', () => {
    expect(parse({ actorId: 'a', targetId: 'b' }).success).toBe(false);
    expect(parse({ actorId: 'a', targetId: 'b', action: 'role.' }).success).toBe(false);
    expect(parse({ action: 'billing.' }).success).toBe(false);
    expect(parse({ action: 'member.unknown' }).success).toBe(false);
    expect(parse({ action: 'member' }).success).toBe(false);
    expect(parse({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).success).toBe(false);
  });
});

describe('CSV rows', () => {
  it('escape every cell that a spreadsheet would run as a formula', () => {
    const entry = chainEntry(
      auditContentOf({
        ...event,
        actor: { id: '@sub', email: '=x@example.com', ip: '+1', userAgent: '-ua' },
        target: { type: 'member', id: 'M', label: '=HYPERLINK("http://evil","x")' },
      }),
      undefined,
    );
    const csv = stringify([csvRowOf(entry)], { header: true, columns: [...CSV_COLUMNS], escape_formulas: true });
    const [header, row] = csv.trimEnd().split('\n');
    expect(header).toBe(
      'occurredAt,actor email,actor id,action,target type,target id,target label,changes,ip,user agent,request id,seq,hash',
    );
    expect(row).toContain(`'=x@example.com,'@sub,member.invited,member,M,"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(row).toContain(",'+1,'-ua,req-1,1,");
  });
});

describe('consumer helpers', () => {
  it('keyedSequencer runs one key in order and other keys concurrently; a failure fails the rest of its key', async () => {
    const run = keyedSequencer();
    const log: string[] = [];
    let releaseA!: () => void;
    const gateA = new Promise<void>((resolve) => (releaseA = resolve));
    const a1 = run('a', async () => {
      log.push('a1 started');
      await gateA;
      throw new Error('a1 failed');
    });
    const b1 = run('b', async () => log.push('b1'));
    const a2 = run('a', async () => log.push('a2'));
    const b2 = run('b', async () => log.push('b2'));
    // Tenant b goes on while a is blocked on its first record; a's second record waits for it.
    await Promise.all([b1, b2]);
    expect(log).toEqual(['a1 started', 'b1', 'b2']);
    releaseA();
    await expect(a1).rejects.toThrow('a1 failed');
    await expect(a2).rejects.toThrow(/earlier record of a/);
    expect(log).not.toContain('a2');
  });

  it('the local poller hands an empty map to Lambda as {"M":{}} (the SDK deserializes it as {})', () => {
    const record = toLambdaRecord(
      {
        eventName: 'INSERT',
        dynamodb: { NewImage: { PK: { S: 'OUTBOX#1' }, filter: {} as never, n: { M: { m: {} as never } } } },
      },
      { streamArn: 'arn', region: 'us-east-1' },
    );
    expect(record.dynamodb!.NewImage).toEqual({ PK: { S: 'OUTBOX#1' }, filter: { M: {} }, n: { M: { m: { M: {} } } } });
  });
});
