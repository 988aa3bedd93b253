import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/data/keys';
import { listMembers } from '../../shared/data/member-repository';
import { getTenant } from '../../shared/data/tenant-repository';
import { DomainError } from '../../shared/domain/errors';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import {
  type InviteOutcome,
  inviteMembers,
  purgeLeftoverSeatReservations,
} from '../../shared/services/invitation-service';
import type { ServiceDeps } from '../../shared/services/service-deps';
import { capturing, deps, meta, tenantWithOwner, uniqueEmail } from '../support/fixtures';

/**
 * A bulk invitation of more than one chunk takes its seats first, one reservation per chunk, then writes the
 * chunks in parallel (shared/services/invitation-service.ts, PERFORMANCE.md figure 7). These tests hold it to
 * the rules the one-transaction path kept: the seat limit under concurrency, no seat left held by nobody,
 * one member per email, and every invitation with its `member.invited` in its transaction.
 */

async function ownerCaller(seatLimit: number) {
  const tenant = await tenantWithOwner(seatLimit);
  return { ...tenant, caller: await resolveTenantCaller(deps(), tenant.owner.identity, tenant.tenantId) };
}

async function outcomeOf(invitation: Promise<InviteOutcome>): Promise<InviteOutcome> {
  try {
    return await invitation;
  } catch (error) {
    if (error instanceof DomainError && error.extensions?.failed)
      return { created: [], failed: error.extensions.failed as InviteOutcome['failed'] };
    throw error;
  }
}

/** The tenant's seat reservations still in the table. */
async function reservationsOf(tenantId: string) {
  const d = deps();
  const { Items } = await d.db.send(
    new QueryCommand({
      TableName: d.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).PK, ':prefix': 'SEATRESERVATION#' },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

async function invitedMembers(tenantId: string) {
  const page = await listMembers(deps(), tenantId, { status: 'invited' }, { limit: 500 });
  return page.items;
}

const emailsOf = (label: string, count: number) => Array.from({ length: count }, (_, i) => uniqueEmail(`${label}${i}`));

/** Deps whose client runs `before` ahead of each TransactWriteItems that `matches`, and may fail it instead. */
function intercepting(
  base: ServiceDeps,
  matches: (items: readonly Record<string, unknown>[]) => boolean,
  before: () => Promise<'send' | 'fail'>,
): ServiceDeps {
  const db = new Proxy(base.db, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<typeof target.send>[0]) => {
        if (command instanceof TransactWriteCommand && matches(command.input.TransactItems ?? [])) {
          if ((await before()) === 'fail') throw new Error('injected: the process died here');
        }
        return target.send(command as never);
      };
    },
  });
  return { ...base, db };
}

const touchesReservation = (kind: 'Put' | 'Delete') => (items: readonly Record<string, unknown>[]) =>
  items.some((item) => {
    const op = item[kind] as { Item?: { SK?: string }; Key?: { SK?: string } } | undefined;
    return String(op?.Item?.SK ?? op?.Key?.SK ?? '').startsWith('SEATRESERVATION#');
  });

describe('bulk invitations with seat reservations (DynamoDB Local)', () => {
  it('writes 100 addresses in reserved chunks: every invitation with its event, every seat held by a member', async () => {
    const { tenantId, caller } = await ownerCaller(200);
    const { deps: d, events } = capturing();
    const emails = emailsOf('chunked', 100);
    const outcome = await inviteMembers(d, caller, { emails, roles: [{ roleId: 'agent' }] }, meta());
    expect(outcome.created.map((i) => i.email)).toEqual(emails);
    expect(outcome.failed).toEqual([]);
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(101);
    expect(await reservationsOf(tenantId)).toEqual([]);
    expect((await invitedMembers(tenantId)).map((m) => m.email).sort()).toEqual([...emails].sort());
    expect(events.filter((e) => e.action === 'member.invited').map((e) => e.delivery?.to)).toHaveLength(100);
    expect(new Set(events.map((e) => e.target.id))).toEqual(new Set(outcome.created.map((i) => i.memberId)));
  });

  it('never exceeds the seat limit: 3 concurrent bulk requests of 40 for 70 free seats create exactly 70', async () => {
    const { tenantId, caller } = await ownerCaller(71); // the Owner holds the 71st seat
    const requests = [emailsOf('near-a', 40), emailsOf('near-b', 40), emailsOf('near-c', 40)];
    const outcomes = await Promise.all(
      requests.map((emails) =>
        outcomeOf(inviteMembers(deps(), caller, { emails, roles: [{ roleId: 'viewer' }] }, meta())),
      ),
    );
    const created = outcomes.flatMap((o) => o.created);
    expect(created).toHaveLength(70);
    expect(outcomes.flatMap((o) => o.failed).map((f) => f.code)).toEqual(Array(50).fill('seat_limit_reached'));
    // Each request fills what it got in its own order.
    outcomes.forEach((outcome, i) => {
      expect(outcome.created.map((c) => c.email)).toEqual(requests[i]!.slice(0, outcome.created.length));
    });
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(71);
    expect(await reservationsOf(tenantId)).toEqual([]);
    expect(await invitedMembers(tenantId)).toHaveLength(70);
  });

  it('refuses duplicates within a request and in any chunk; seats of addresses lost to a race go back', async () => {
    const { tenantId, caller } = await ownerCaller(100);
    const { deps: d, events } = capturing();
    // 30 distinct addresses; one is invited before the request (found by the first read), so 29 drafts
    // go in chunks of 14 (addresses 0-14 but 5), 14 (15-28) and 1 (29).
    const emails = emailsOf('dup', 30);
    const earlier = emails[5]!;
    await inviteMembers(deps(), caller, { emails: [earlier], roles: [{ roleId: 'viewer' }] }, meta());
    // Invited by a concurrent request after the first read, while the seats are being reserved: one address
    // of the first chunk, two of the second, and the third's only one (that chunk then writes nobody).
    const raced = [emails[3]!, emails[20]!, emails[28]!, emails[29]!];
    let raceRun = false;
    const racing = intercepting(d, touchesReservation('Put'), async () => {
      if (!raceRun) {
        raceRun = true;
        await inviteMembers(deps(), caller, { emails: raced, roles: [{ roleId: 'viewer' }] }, meta());
      }
      return 'send';
    });
    const outcome = await inviteMembers(
      racing,
      caller,
      { emails: [...emails, emails[10]!, emails[10]!.toUpperCase(), emails[25]!], roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    expect(raceRun).toBe(true);
    const refused = new Set([earlier, ...raced]);
    expect(outcome.created.map((i) => i.email)).toEqual(emails.filter((e) => !refused.has(e)));
    expect(outcome.failed).toEqual(
      expect.arrayContaining([...refused].map((email) => ({ email, code: 'already_invited' }))),
    );
    expect(outcome.failed).toHaveLength(refused.size);
    // The Owner, the earlier one, the 4 raced and the 25 created hold the seats; no reservation is left.
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(1 + 1 + 4 + 25);
    expect(await reservationsOf(tenantId)).toEqual([]);
    const invited = await invitedMembers(tenantId);
    expect(invited).toHaveLength(30);
    expect(new Set(invited.map((m) => m.email)).size).toBe(30);
    expect(events.filter((e) => e.action === 'member.invited')).toHaveLength(25);
  });

  it('a reservation a crash left behind holds its seats until the purge releases it, once', async () => {
    const { tenantId, caller } = await ownerCaller(40);
    // The process dies after taking the seats: no chunk transaction and no release gets through. Its clock
    // is an hour behind, so the reservations have expired by the time the purge runs.
    const anHourAgo = new Date(Date.now() - 3600 * 1000);
    const crashing = intercepting(
      { ...deps(), now: () => anHourAgo },
      touchesReservation('Delete'),
      async () => 'fail',
    );
    await expect(
      inviteMembers(crashing, caller, { emails: emailsOf('crash', 30), roles: [{ roleId: 'viewer' }] }, meta()),
    ).rejects.toThrow('injected');
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(31);
    expect(await reservationsOf(tenantId)).toHaveLength(3);
    expect(await invitedMembers(tenantId)).toEqual([]);
    // Meanwhile the held seats count: only 9 of 20 addresses fit.
    const squeezed = await inviteMembers(
      deps(),
      caller,
      { emails: emailsOf('squeezed', 20), roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    expect(squeezed.created).toHaveLength(9);

    // A reservation that has not expired is not touched; the expired ones are released once by two purges.
    const { deps: live } = capturing();
    await live.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: live.tableName,
              Item: {
                ...keys.seatReservation(tenantId, 'LIVE'),
                ...keys.seatReservationExpiryIndex(tenantId, 'LIVE', new Date(Date.now() + 600_000).toISOString()),
                entity: 'seatReservation',
                tenantId,
                reservationId: 'LIVE',
                seats: 0,
                expiresAt: new Date(Date.now() + 600_000).toISOString(),
              },
            },
          },
        ],
      }),
    );
    const runs = await Promise.all([purgeLeftoverSeatReservations(deps()), purgeLeftoverSeatReservations(deps())]);
    expect(runs.reduce((sum, run) => sum + run.released, 0)).toBe(3);
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(10);
    expect((await reservationsOf(tenantId)).map((r) => r.reservationId)).toEqual(['LIVE']);
    const after = await inviteMembers(
      deps(),
      caller,
      { emails: emailsOf('after', 30), roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    expect(after.created).toHaveLength(30);
    expect((await getTenant(deps(), tenantId))!.seatsUsed).toBe(40);
  });
});
