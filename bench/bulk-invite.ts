import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { withCallLog } from './ddb-calls';
import { call } from './invoke';
import { type BenchContext, type Figure, figure, median, since } from './lib';
import type { LoadedTenant } from './load-data';

/** Invitations per transaction in the raw plans: 7 items each, 98 beside the seat item (as the service). */
const CHUNK = 14;

/**
 * Figure 7, bulk invite: one `POST /invitations` with 100 addresses through the real handler, against the
 * fastest raw write plan for the same items under the same invariants, from the same process and client:
 *
 * - `sequential`: the tenant read, then transactions of 14 invitations one after another, each taking its
 *   seats on the tenant's counter (the plan the service used before the seat reservations);
 * - `reserved`: the tenant read, one transaction that takes all the seats and writes one reservation per
 *   chunk, then the chunks' transactions in parallel, each consuming its reservation
 *   (shared/data/tenant-repository.ts);
 * - `reserved-7`: the same with chunks of 7 (twice the transactions, half the size).
 *
 * Every raw plan writes what the service writes for an invitation, built with the repositories' own item
 * builders (member, email guard, role assignment, search term, invitation, token, `member.invited` with its
 * sealed delivery) with the same conditions, for fresh addresses; building them (token, sealing) is inside
 * the timing, as it is in the request. The service's pre-reads (email guards, roles) are not: they only
 * name failures, the conditions enforce the rules. The plans run in a rotating order, the stream drained
 * before each, so that the consumer's work for the previous one (100 audit entries and emails) does not run
 * meanwhile. One request with one address is kept for information (the old target).
 */
export async function measureBulkInvite(
  ctx: BenchContext,
  tenant: LoadedTenant,
  drain: () => Promise<unknown>,
): Promise<Figure[]> {
  // --quick: 30 addresses (3 chunks: still the reserved plan with chunks in parallel) and one round, in seconds.
  const addresses = ctx.quick ? 30 : 100;
  const { routes } = await import('../shared/http/routes');
  const { defaultServiceDeps } = await import('../shared/services/service-deps');
  const deps = defaultServiceDeps();
  const freshEmails = (count: number) =>
    Array.from({ length: count }, (_, i) => `bulk-${i}-${ulid().toLowerCase()}@bench.example.com`);

  const inDynamoDb: number[] = [];
  let transactions: number[][] = [];
  const viaService = async (count: number) => {
    const emails = freshEmails(count);
    const start = performance.now();
    const { result, calls } = await withCallLog(() =>
      call(
        routes.createInvitations,
        {
          identity: tenant.owner.identity,
          params: { tenantId: tenant.tenantId },
          body: { emails, roles: [{ roleId: 'agent' }] },
        },
        201,
      ),
    );
    const ms = since(start);
    const body = JSON.parse(String(result.body)) as { created: unknown[]; failed: unknown[] };
    if (body.created.length !== count)
      throw new Error(
        `bulk invite created ${body.created.length} of ${count}: ${JSON.stringify(body.failed).slice(0, 300)}`,
      );
    if (count > 1) {
      // Calls sent together (the parallel chunks) overlap: each round trip counts as its slowest call.
      const roundTrips = new Map<number, number>();
      for (const c of calls) roundTrips.set(c.answeredBefore, Math.max(roundTrips.get(c.answeredBefore) ?? 0, c.ms));
      inDynamoDb.push([...roundTrips.values()].reduce((sum, ms) => sum + ms, 0));
      transactions = groupByRoundTrip(calls);
    }
    return ms;
  };

  const raw = await rawPlans(deps, tenant);
  const plans: Record<string, () => Promise<number>> = {
    service: () => viaService(addresses),
    single: () => viaService(1),
    sequential: async () => {
      const start = performance.now();
      await raw.sequential(freshEmails(addresses));
      return since(start);
    },
    reserved: async () => {
      const start = performance.now();
      await raw.reserved(freshEmails(addresses), CHUNK);
      return since(start);
    },
    'reserved-7': async () => {
      const start = performance.now();
      await raw.reserved(freshEmails(addresses), 7);
      return since(start);
    },
  };
  const names = Object.keys(plans);
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  for (const name of names) await plans[name]!(); // warm each path once
  const rounds = ctx.quick ? 1 : 12;
  for (let round = 0; round < rounds; round++) {
    // Rotate the order, so that no plan always follows the same one.
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      await drain();
      samples.get(name)!.push(await plans[name]!());
    }
  }
  await drain();
  for (const name of names)
    ctx.log(
      `${name}: ${samples
        .get(name)!
        .map((ms) => ms.toFixed(0))
        .join(' ')}`,
    );
  ctx.log(`last request's transactions by round trip: ${transactions.map((group) => group.join('+')).join(', ')}`);
  const medians = Object.fromEntries(names.map((name) => [name, median(samples.get(name)!)]));
  ctx.log(
    `bulk invite medians of ${rounds}: ${names.map((name) => `${name} ${medians[name]!.toFixed(0)} ms`).join(', ')}`,
  );
  const rawNames = ['sequential', 'reserved', 'reserved-7'];
  const fastest = rawNames.reduce((best, name) => (medians[name]! < medians[best]! ? name : best));
  return [
    figure({
      name: `7. bulk invite, ${addresses} addresses`,
      value: medians.service!,
      unit: 'ms',
      baseline: medians[fastest]!,
      target: { on: 'ratio', max: 1.3 },
      note: `median of ${rounds} requests each; baseline: the fastest raw write plan for the same items and conditions (${rawNames.map((name) => `${name} ${medians[name]!.toFixed(0)} ms`).join(', ')}; fastest: ${fastest})`,
    }),
    figure({
      name: `7. bulk invite, ${addresses} addresses: vs one address`,
      value: medians.service!,
      unit: 'ms',
      baseline: medians.single!,
      note: `median of ${rounds} requests each; for information: one request with one address`,
    }),
    figure({
      name: `7. bulk invite, ${addresses} addresses: whole request vs its DynamoDB calls`,
      value: medians.service!,
      unit: 'ms',
      baseline: median(inDynamoDb),
      note: `time inside DynamoDB calls as the baseline (calls sent together count as their slowest); the last request's transactions by round trip: ${transactions.map((group) => group.join('+')).join(', ')} items`,
    }),
  ];
}

/** Transaction sizes of a request, grouped by the round trip they went out in (parallel ones together). */
function groupByRoundTrip(
  calls: readonly { transactItems?: number; answeredBefore: number; ms: number }[],
): number[][] {
  const groups = new Map<number, number[]>();
  for (const c of calls) {
    if (c.transactItems === undefined) continue;
    groups.set(c.answeredBefore, [...(groups.get(c.answeredBefore) ?? []), c.transactItems]);
  }
  return [...groups.values()];
}

/** The raw plans, on the loaded tenant through the service's own client. */
async function rawPlans(deps: import('../shared/services/service-deps').ServiceDeps, tenant: LoadedTenant) {
  const { putNewMember } = await import('../shared/data/member-repository');
  const { putNewInvitation } = await import('../shared/data/invitation-repository');
  const { outboxPut } = await import('../shared/data/outbox');
  const { keys } = await import('../shared/data/keys');
  const { reserveSeats, putSeatReservation, consumeSeatReservation } = await import('../shared/data/tenant-repository');
  const { newInvitationToken } = await import('../shared/security/invitation-token');
  const { seal } = await import('../shared/security/sealing');
  type TransactItem = import('../shared/data/transactions').TransactItem;
  type TenantRecord = import('../shared/data/records').TenantRecord;

  const owner = tenant.owner.member;
  const inviter = { id: owner.memberId, email: owner.email, ip: '127.0.0.1', userAgent: 'bench' };
  const readTenant = async () => {
    const { Item } = await deps.db.send(
      new GetCommand({ TableName: deps.tableName, Key: keys.tenant(tenant.tenantId), ConsistentRead: true }),
    );
    return Item as unknown as TenantRecord;
  };
  /** What the service writes for one invitation (shared/services/invitation-service.ts, draftInvitation). */
  const draft = async (record: TenantRecord, email: string): Promise<TransactItem[]> => {
    const now = new Date();
    const { token, tokenHash } = newInvitationToken();
    const roles = [{ roleId: 'agent' }];
    const memberId = ulid();
    const invitationId = ulid();
    const expiresAt = new Date(now.getTime() + 7 * 24 * 3600 * 1000).toISOString();
    const eventId = ulid();
    return [
      ...putNewMember(deps, {
        tenantId: tenant.tenantId,
        memberId,
        email,
        displayName: null,
        status: 'invited',
        roles,
        permissions: [],
        invitedAt: now.toISOString(),
        invitedBy: inviter.id,
        version: 1,
      }),
      ...putNewInvitation(deps, {
        invitationId,
        tenantId: tenant.tenantId,
        memberId,
        email,
        roles,
        invitedBy: { id: inviter.id, email: inviter.email },
        issuedByOwner: true,
        validDays: 7,
        expiresAt,
        createdAt: now.toISOString(),
        tokenHash,
        version: 1,
      }),
      outboxPut(deps.tableName, {
        eventId,
        tenantId: tenant.tenantId,
        occurredAt: now.toISOString(),
        action: 'member.invited',
        actor: inviter,
        target: { type: 'member', id: memberId, label: email },
        changes: {
          before: null,
          after: { email, status: 'invited', roles, invitationId, expiresAt },
        },
        requestId: `bench-${eventId}`,
        delivery: {
          kind: 'invitation',
          to: email,
          tenantName: record.name,
          inviterEmail: inviter.email,
          sealedToken: await seal(token, eventId),
          expiresAt,
        },
      }),
    ];
  };
  const send = (items: TransactItem[]) => deps.db.send(new TransactWriteCommand({ TransactItems: items }));
  const chunksOf = <T>(list: readonly T[], size: number) =>
    Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

  return {
    async sequential(emails: readonly string[]) {
      const record = await readTenant();
      const drafts = await Promise.all(emails.map((email) => draft(record, email)));
      for (const chunk of chunksOf(drafts, CHUNK)) {
        await send([reserveSeats(deps, tenant.tenantId, chunk.length, record.seatLimit), ...chunk.flat()]);
      }
    },
    async reserved(emails: readonly string[], chunkSize: number) {
      const record = await readTenant();
      const drafts = await Promise.all(emails.map((email) => draft(record, email)));
      const chunks = chunksOf(drafts, chunkSize);
      const expiresAt = new Date(Date.now() + 15 * 60 * 1000).toISOString();
      const reservations = chunks.map((chunk) => ({
        tenantId: tenant.tenantId,
        reservationId: ulid(),
        seats: chunk.length,
        expiresAt,
      }));
      await send([
        reserveSeats(deps, tenant.tenantId, drafts.length, record.seatLimit),
        ...reservations.map((reservation) => putSeatReservation(deps, reservation)),
      ]);
      await Promise.all(
        chunks.map((chunk, i) =>
          send([...consumeSeatReservation(deps, reservations[i]!, chunk.length), ...chunk.flat()]),
        ),
      );
    },
  };
}
