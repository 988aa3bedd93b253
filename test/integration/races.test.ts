import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { ulid } from 'ulidx';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDb } from '../../shared/clients';
import { keys } from '../../shared/data/keys';
import { getMember } from '../../shared/data/member-repository';
import type { OutboxEvent } from '../../shared/data/outbox';
import { getTenant } from '../../shared/data/tenant-repository';
import { DomainError } from '../../shared/domain/errors';
import { routes } from '../../shared/http/routes';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { inviteMembers } from '../../shared/services/invitation-service';
import { transferOwnership } from '../../shared/services/member-admin-service';
import { createRole } from '../../shared/services/role-service';
import { chainOf, outboxRecord, streamEvent } from '../support/audit';
import { capturing, deliveredTokens, deps, memberIn, meta, tenantWithOwner, uniqueEmail } from '../support/fixtures';
import { lambdaContext } from '../support/http-event';
import { invoke } from '../support/invoke';
import { createIdentity, drainStream, signIn } from '../support/local-stack';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/**
 * Races against DynamoDB Local (SPEC §3 invariants, ASVS V8.3.x): for each invariant that a race could
 * break, 30 requests at once through the real handlers, and the exact outcome they must have — how many
 * succeed, what every other one answers, and what the table and the audit chain hold afterwards.
 */
const N = 30;
const together = <T>(count: number, run: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: count }, (_, i) => run(i)));
const statusesOf = (results: { status: number; body: any }[]) =>
  results.reduce<Record<string, number>>((counts, r) => {
    const key = r.status < 300 ? String(r.status) : `${r.status} ${r.body?.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});

async function entriesOf(tenantId: string, action: string) {
  await drainStream();
  return (await chainOf(tenantId)).filter((entry) => entry.action === action);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe(`races: ${N} concurrent requests, exact outcomes`, () => {
  it('seats: 30 invitations for 9 free seats create exactly 9, refuse 21 with seat_limit_reached, and the counter ends at the limit', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    const results = await together(N, (i) =>
      invoke(routes.createInvitations, {
        identity: owner.identity,
        params: { tenantId },
        body: { emails: [uniqueEmail(`seat-${i}`)], roles: [{ roleId: 'viewer' }] },
      }),
    );
    // A request that invites nobody is a 409 problem carrying the same `failed` list.
    expect(statusesOf(results)).toEqual({ 201: 9, '409 invitations_refused': N - 9 });
    const created = results.flatMap((r) => r.body.created ?? []);
    const failed = results.flatMap((r) => r.body.failed);
    expect(created).toHaveLength(9);
    expect(failed).toHaveLength(21);
    expect(new Set(failed.map((f: { code: string }) => f.code))).toEqual(new Set(['seat_limit_reached']));
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(10);
    const invited = await deps().db.send(
      new QueryCommand({
        TableName: deps().tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.membersByStatus(tenantId, 'invited').GSI1PK },
      }),
    );
    expect(invited.Items).toHaveLength(9);
    expect(await entriesOf(tenantId, 'member.invited')).toHaveLength(9);
  });

  it('email uniqueness: 30 invitations of one address (any case) create exactly one member and seat', async () => {
    const { tenantId, owner } = await tenantWithOwner(100);
    const email = uniqueEmail('same');
    const results = await together(N, (i) =>
      invoke(routes.createInvitations, {
        identity: owner.identity,
        params: { tenantId },
        body: { emails: [i % 2 ? email.toUpperCase() : ` ${email}`], roles: [{ roleId: 'viewer' }] },
      }),
    );
    expect(statusesOf(results)).toEqual({ 201: 1, '409 invitations_refused': N - 1 });
    expect(results.flatMap((r) => r.body.created ?? []).map((c: { email: string }) => c.email)).toEqual([email]);
    const failed = results.flatMap((r) => r.body.failed);
    expect(failed).toHaveLength(N - 1);
    expect(new Set(failed.map((f: { code: string }) => f.code))).toEqual(new Set(['already_invited']));
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(2);
    const guard = await deps().db.send(
      new GetCommand({ TableName: deps().tableName, Key: keys.emailGuard(tenantId, email), ConsistentRead: true }),
    );
    expect(guard.Item).toBeDefined();
    expect(await entriesOf(tenantId, 'member.invited')).toHaveLength(1);
  });

  it('token accept: 30 accepts of one token by the invitee (signed in) let exactly one through; the token is single-use', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    const email = uniqueEmail('race-accept');
    const caller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    const { deps: capturingDeps, events } = capturing();
    const { created } = await inviteMembers(
      capturingDeps,
      caller,
      { emails: [email], roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    const { token } = (await deliveredTokens(events))[0]!;
    const password = `Pw-${ulid()}-race!`;
    const { userId } = await createIdentity(email, password);
    const { idToken } = await signIn(email, password);

    const results = await together(N, () =>
      invoke(routes.acceptInvitation, { headers: { authorization: `Bearer ${idToken}` }, body: { token } }),
    );
    const counts = statusesOf(results);
    expect(counts['200'], JSON.stringify(counts)).toBe(1);
    expect(
      (counts['404 invitation_not_found'] ?? 0) + (counts['409 invitation_not_pending'] ?? 0),
      JSON.stringify(counts),
    ).toBe(N - 1);
    const member = await getMember(deps(), tenantId, created[0]!.memberId);
    expect(member).toMatchObject({ status: 'active', userId, version: 2 });
    const link = await deps().db.send(
      new GetCommand({ TableName: deps().tableName, Key: keys.principalLink(userId, tenantId), ConsistentRead: true }),
    );
    expect(link.Item?.memberId).toBe(member!.memberId);
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(2);
    expect(await entriesOf(tenantId, 'member.joined')).toHaveLength(2); // the Owner's and this one
    const again = await invoke(routes.acceptInvitation, {
      headers: { authorization: `Bearer ${idToken}` },
      body: { token },
    });
    expect(again.status).toBe(404);
  });

  it('If-Match: 30 updates of one role version let exactly one through; 29 get 412 with the current version', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    const caller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    const role = await createRole(deps(), caller, { name: `Race role ${ulid()}`, permissions: ['inbox:read'] }, meta());
    const results = await together(N, (i) =>
      invoke(routes.updateRole, {
        identity: owner.identity,
        params: { tenantId, roleId: role.roleId },
        headers: { 'if-match': `"${role.version}"` },
        body: { description: `writer ${i}` },
      }),
    );
    expect(statusesOf(results)).toEqual({ 200: 1, '412 version_mismatch': N - 1 });
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.headers.etag).toBe('"2"');
    const current = await invoke(routes.getRole, {
      identity: owner.identity,
      params: { tenantId, roleId: role.roleId },
    });
    expect(current.body).toMatchObject({ version: 2, description: winner.body.description });
    expect(await entriesOf(tenantId, 'role.updated')).toHaveLength(1);
  });

  it('ownership transfer: 30 transfers to 30 members at once make exactly one new Owner; the old Owner becomes Admin', async () => {
    const { tenantId, owner } = await tenantWithOwner(50);
    const heirs = await together(N, () => memberIn(tenantId, { roles: [{ roleId: 'viewer' }] }));
    const results = await together(N, (i) =>
      invoke(routes.transferOwnership, {
        identity: owner.identity,
        params: { tenantId },
        body: { memberId: heirs[i]!.member.memberId },
      }),
    );
    const counts = statusesOf(results);
    expect(counts['204'], JSON.stringify(counts)).toBe(1);
    expect((counts['412 version_mismatch'] ?? 0) + (counts['403 owner_required'] ?? 0)).toBe(N - 1);
    const heir = heirs[results.findIndex((r) => r.status === 204)]!;
    const members = await Promise.all([owner, ...heirs].map((m) => getMember(deps(), tenantId, m.member.memberId)));
    const owners = members.filter((m) => m!.roles.some((r) => r.roleId === 'owner'));
    expect(owners.map((m) => m!.memberId)).toEqual([heir.member.memberId]);
    expect(members[0]!.roles.map((r) => r.roleId)).toEqual(['admin']);
    expect(await entriesOf(tenantId, 'member.ownership_transferred')).toHaveLength(1);
  });

  it('ownership transfer, deterministically: an Owner who lost ownership after their request began cannot transfer again', async () => {
    // The interleaving behind the race above (before the fix, two of the 30 succeeded): the second request
    // authorized its caller as Owner, then the first transfer committed, then the second one wrote.
    const { tenantId, owner } = await tenantWithOwner(10);
    const [first, second] = await together(2, () => memberIn(tenantId, { roles: [{ roleId: 'viewer' }] }));
    const staleOwner = await resolveTenantCaller(deps(), owner.identity, tenantId);
    await transferOwnership(
      deps(),
      await resolveTenantCaller(deps(), owner.identity, tenantId),
      first!.member.memberId,
      meta(),
    );
    const outcome = await transferOwnership(deps(), staleOwner, second!.member.memberId, meta()).then(
      () => 'transferred',
      (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
    );
    expect(outcome).toBe('owner_required');
    expect((await getMember(deps(), tenantId, second!.member.memberId))!.roles).toEqual([{ roleId: 'viewer' }]);
  });

  it('audit chain head: 30 mutations at once, each event appended by 30 racing consumer invocations and the stack’s own consumer, make one unbroken chain with every event exactly once', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    await drainStream();
    const before = (await chainOf(tenantId)).length;
    // Record the outbox events the handlers commit (the same DynamoDB client instance they use).
    const send = vi.spyOn(dynamoDb, 'send');
    const results = await together(N, (i) =>
      invoke(routes.createRole, {
        identity: owner.identity,
        params: { tenantId },
        body: { name: `Chain ${i} ${ulid()}`, permissions: ['inbox:read'] },
      }),
    );
    expect(statusesOf(results)).toEqual({ 201: N });
    const events: OutboxEvent[] = [];
    for (const [index, call] of send.mock.calls.entries()) {
      const command = call[0];
      if (!(command instanceof TransactWriteCommand)) continue;
      const committed = await (send.mock.results[index]!.value as Promise<unknown>).then(
        () => true,
        () => false,
      );
      if (!committed) continue;
      for (const item of command.input.TransactItems ?? [])
        if (item.Put?.Item?.entity === 'outbox') events.push(item.Put.Item.event as OutboxEvent);
    }
    send.mockRestore();
    expect(events.filter((e) => e.tenantId === tenantId)).toHaveLength(N);

    // Thirty single-record invocations at once, as if from thirty shards; a record that loses the race too
    // often fails and is redelivered, as Lambda does.
    const { handler } = await import('../../functions/stream-consumer');
    let pending = events.filter((e) => e.tenantId === tenantId);
    for (let round = 0; pending.length > 0; round++) {
      expect(round, 'every record lands within 20 deliveries').toBeLessThan(20);
      const outcomes = await Promise.all(
        pending.map(
          async (event) =>
            ((await handler(streamEvent([outboxRecord(event)]), lambdaContext('consumer'))) as DynamoDBBatchResponse)
              .batchItemFailures.length,
        ),
      );
      pending = pending.filter((_, i) => outcomes[i]! > 0);
    }
    await drainStream();

    const chain = await chainOf(tenantId);
    expect(chain).toHaveLength(before + N);
    expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: before + N }, (_, i) => i + 1));
    expect(new Set(chain.map((e) => e.id)).size).toBe(chain.length);
    for (const event of events)
      expect(
        chain.filter((e) => e.id === event.eventId),
        event.eventId,
      ).toHaveLength(1);
    const verified = await invoke(routes.verifyAudit, { identity: owner.identity, params: { tenantId } });
    expect(verified.body).toMatchObject({ ok: true, checked: before + N });
  });
});
