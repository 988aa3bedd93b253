import { ulid } from 'ulidx';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/data/audit-entry';
import { type AuditKeyFilter, actionGroupOf } from '../../shared/data/audit-keys';
import { listAuditPage } from '../../shared/data/audit-repository';
import type { AuditAction } from '../../shared/data/outbox';
import { type Identity, SYSTEM_ACTOR } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { createAuditAppender } from '../../shared/outbox/effects/audit-writer';
import { auditDeps, chainOf, outboxEvent } from '../support/audit';
import { memberIn, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/**
 * `GET /audit` against DynamoDB Local: every filter returns exactly the matching entries, newest first,
 * across pages, and reads nothing it does not return. The oracle is the tenant's whole chain read from
 * the base table, filtered and sorted in plain JavaScript.
 */

let tenantId: string;
let owner: Identity;
let oracle: AuditEntry[];
const actors = [
  { id: 'sub-alice', email: 'alice@example.com' },
  { id: 'sub-bob', email: 'bob@example.com' },
  SYSTEM_ACTOR,
];
const targets = [
  { type: 'member', id: ulid(), label: 'carol@example.com' },
  { type: 'member', id: ulid(), label: 'dave@example.com' },
  { type: 'role', id: ulid(), label: 'Campaign Operator' },
  { type: 'invitation', id: ulid(), label: 'erin@example.com' },
];
const actions: AuditAction[] = [
  'member.invited',
  'member.roles_changed',
  'member.suspended',
  'role.created',
  'role.updated',
  'invitation.resent',
  'invitation.expired',
];
/** Occurrence times spread over ten days, deliberately not in append (seq) order, some shared. */
const at = (i: number) => new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 45) * 5 * 3600_000).toISOString();

beforeAll(async () => {
  const tenant = await tenantWithOwner();
  tenantId = tenant.tenantId;
  owner = tenant.owner.identity;
  await drainStream(); // the tenant's own entries (tenant.created, member.joined) are in first
  const append = createAuditAppender({ deps: auditDeps() });
  for (let i = 0; i < 90; i++) {
    await append(
      outboxEvent(tenantId, {
        occurredAt: at(i),
        actor: actors[i % actors.length]!,
        target: targets[i % targets.length]!,
        action: actions[i % actions.length]!,
      }),
    );
  }
  oracle = await chainOf(tenantId);
  expect(oracle.length).toBeGreaterThanOrEqual(92);
}, 60_000);

const newestFirst = (a: AuditEntry, b: AuditEntry) => b.occurredAt.localeCompare(a.occurredAt) || b.seq - a.seq;

function expected(filter: AuditKeyFilter): string[] {
  const from = filter.from ? Date.parse(filter.from) : -Infinity;
  const to = filter.to ? Date.parse(filter.to) : Infinity;
  return oracle
    .filter((e) => filter.actorId === undefined || e.actor.id === filter.actorId)
    .filter((e) => filter.targetId === undefined || e.target.id === filter.targetId)
    .filter((e) =>
      filter.action === undefined
        ? true
        : filter.action.endsWith('.')
          ? actionGroupOf(e.action) === filter.action.slice(0, -1)
          : e.action === filter.action,
    )
    .filter((e) => Date.parse(e.occurredAt) >= from && Date.parse(e.occurredAt) <= to)
    .sort(newestFirst)
    .map((e) => e.id);
}

/** Every page of the filter through the real handler, following nextCursor. */
async function listAll(query: Record<string, string>, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const result = await invoke(routes.listAudit, {
      identity: owner,
      params: { tenantId },
      query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) },
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...result.body.items.map((e: AuditEntry) => e.id));
    cursor = result.body.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { ids, pages };
}

const filters: [string, Record<string, string>][] = [
  ['everything', {}],
  ['one actor', { actorId: 'sub-alice' }],
  ['the system actor', { actorId: 'system' }],
  ['one target', { targetId: targets[1]!.id }],
  ['action prefix member.', { action: 'member.' }],
  ['action prefix role.', { action: 'role.' }],
  ['action prefix invitation.', { action: 'invitation.' }],
  ['one full action', { action: 'member.suspended' }],
  ['a date range', { from: '2024-01-03T00:00:00.000Z', to: '2024-01-06T12:00:00.000Z' }],
  ['from only', { from: '2024-01-08T00:00:00Z' }],
  ['to only', { to: '2024-01-02T00:00:00Z' }],
  ['actor and date range', { actorId: 'sub-bob', from: '2024-01-02T00:00:00Z', to: '2024-01-09T00:00:00Z' }],
  ['target and date range', { targetId: targets[2]!.id, from: '2024-01-01T00:00:00Z', to: '2024-01-05T00:00:00Z' }],
  ['action prefix and date range', { action: 'member.', from: '2024-01-04T00:00:00Z', to: '2024-01-07T00:00:00Z' }],
  ['full action and date range', { action: 'role.created', to: '2024-01-08T00:00:00Z' }],
  ['date range with offsets (+02:00)', { from: '2024-01-03T02:00:00+02:00', to: '2024-01-06T14:00:00+02:00' }],
  ['nothing matches', { actorId: 'sub-nobody' }],
  // The filters combine (SPEC §4): actor or target, with an action prefix or a full action, within a date range.
  ['actor and action prefix', { actorId: 'sub-alice', action: 'role.' }],
  [
    'actor, action prefix and date range',
    { actorId: 'sub-alice', action: 'member.', from: '2024-01-02T00:00:00Z', to: '2024-01-08T00:00:00Z' },
  ],
  ['actor and full action', { actorId: 'sub-bob', action: 'member.invited' }],
  ['actor, full action and to only', { actorId: 'system', action: 'invitation.expired', to: '2024-01-07T00:00:00Z' }],
  ['target and action prefix', { targetId: targets[0]!.id, action: 'member.' }],
  [
    'target, action prefix and date range',
    { targetId: targets[2]!.id, action: 'role.', from: '2024-01-03T00:00:00Z', to: '2024-01-09T00:00:00Z' },
  ],
  ['target and full action', { targetId: targets[3]!.id, action: 'invitation.resent' }],
  [
    'target, full action and from only',
    { targetId: targets[1]!.id, action: 'member.suspended', from: '2024-01-04T00:00:00Z' },
  ],
  ['actor and an action group nobody used', { actorId: 'sub-alice', action: 'audit.' }],
];

describe('GET /audit filters', () => {
  it.each(filters)('%s: exactly the matching entries, newest first, across pages', async (_name, query) => {
    const want = expected(query);
    const { ids, pages } = await listAll(query, 7);
    expect(ids).toEqual(want);
    if (want.length > 7) expect(pages).toBeGreaterThan(1);
  });

  it('includes entries exactly at the range bounds', async () => {
    const probe = oracle.find((e) => e.occurredAt.startsWith('2024-'))!;
    const { ids } = await listAll({ from: probe.occurredAt, to: probe.occurredAt }, 50);
    expect(ids).toEqual(expected({ from: probe.occurredAt, to: probe.occurredAt }));
    expect(ids).toContain(probe.id);
  });

  it.each(filters)('%s: every page reads only what it returns (ScannedCount = Count)', async (_name, query) => {
    let cursor: string | undefined;
    let total = 0;
    do {
      const page = await listAuditPage(auditDeps(), tenantId, query, { limit: 10, cursor });
      expect(page.scannedCount).toBe(page.items.length);
      total += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(total).toBe(expected(query).length);
  });

  it('entries come back in the SPEC shape', async () => {
    const result = await invoke(routes.listAudit, {
      identity: owner,
      params: { tenantId },
      query: { limit: '1', action: 'member.joined' },
    });
    expect(result.body.items[0]).toEqual({
      id: expect.any(String),
      tenantId,
      seq: expect.any(Number),
      occurredAt: expect.any(String),
      actor: expect.objectContaining({ id: owner.userId, email: owner.email }),
      action: 'member.joined',
      target: { type: 'member', id: expect.any(String), label: owner.email },
      changes: { before: expect.anything(), after: expect.anything() },
      requestId: expect.any(String),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

describe('GET /audit cursors and validation', () => {
  const firstCursor = async (query: Record<string, string>) => {
    const result = await invoke(routes.listAudit, {
      identity: owner,
      params: { tenantId },
      query: { ...query, limit: '2' },
    });
    expect(result.body.nextCursor).toEqual(expect.any(String));
    return result.body.nextCursor as string;
  };

  it('a cursor works only with the filter it came from', async () => {
    const cursor = await firstCursor({ action: 'member.' });
    for (const query of [
      {},
      { action: 'role.' },
      { action: 'member.invited' },
      { actorId: 'sub-alice' },
      { action: 'member.', from: '2024-01-02T00:00:00Z' },
      { actorId: 'sub-alice', action: 'member.' },
      { targetId: targets[0]!.id, action: 'member.' },
    ] as Record<string, string>[]) {
      const result = await invoke(routes.listAudit, {
        identity: owner,
        params: { tenantId },
        query: { ...query, cursor },
      });
      expect(result.status, JSON.stringify(query)).toBe(400);
      expect(result.body.code).toBe('invalid_cursor');
    }
  });

  it('a cursor of one tenant is refused in another', async () => {
    const cursor = await firstCursor({});
    const other = await tenantWithOwner();
    const result = await invoke(routes.listAudit, {
      identity: other.owner.identity,
      params: { tenantId: other.tenantId },
      query: { cursor },
    });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('invalid_cursor');
  });

  it('a tampered cursor is refused', async () => {
    const cursor = await firstCursor({ action: 'member.', from: '2024-01-02T00:00:00Z', to: '2024-01-08T00:00:00Z' });
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    decoded.k.timeKey = '2030-01-01T00:00:00.000Z#000000000001'; // outside the range
    const tampered = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    const result = await invoke(routes.listAudit, {
      identity: owner,
      params: { tenantId },
      query: { action: 'member.', from: '2024-01-02T00:00:00Z', to: '2024-01-08T00:00:00Z', cursor: tampered },
    });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('invalid_cursor');
  });

  it.each([
    ['actor and target', { actorId: 'sub-alice', targetId: targets[0]!.id }],
    ['actor and target with an action', { actorId: 'sub-alice', targetId: targets[0]!.id, action: 'member.' }],
    ['an unknown action', { action: 'member.exploded' }],
    ['an unknown action prefix', { action: 'billing.' }],
    ['a group without its dot', { action: 'member' }],
    ['from after to', { from: '2024-01-05T00:00:00Z', to: '2024-01-04T00:00:00Z' }],
    ['a date that is not ISO', { from: 'yesterday' }],
    ['an id with key syntax', { actorId: 'x#TARGET#y' }],
  ])('refuses %s with 400 validation_failed', async (_name, query) => {
    const result = await invoke(routes.listAudit, { identity: owner, params: { tenantId }, query });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('validation_failed');
  });

  it('a Viewer (audit:read) may list; an Agent may not', async () => {
    const viewer = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    const agent = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
    expect((await invoke(routes.listAudit, { identity: viewer.identity, params: { tenantId } })).status).toBe(200);
    expect((await invoke(routes.listAudit, { identity: agent.identity, params: { tenantId } })).status).toBe(403);
  });
});
