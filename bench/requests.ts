import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import type { MemberRecord, TenantRecord } from '../shared/data/records';
import type { RoleAssignment } from '../shared/domain/effective-permissions';
import type { ServiceDeps } from '../shared/services/service-deps';
import { type DynamoDbCall, withCallLog } from './ddb-calls';
import { call } from './invoke';
import { type BenchContext, type Figure, figure, percentile, since } from './lib';
import type { LoadedTenant } from './load-data';

/**
 * Figure 2, request overhead: the real handlers invoked in-process (API Gateway v2 events, the whole
 * middy chain, authorization from DynamoDB, zod, CASL, views) against DynamoDB Local, versus the raw
 * DynamoDB round trips the same request needs, issued directly from this process with the same client.
 * Handler and raw runs alternate, so background noise lands on both alike. Every handler request is
 * also counted: DynamoDB calls per request, and the round trips of authorization alone.
 */

interface Scenario {
  readonly name: string;
  /** One request through the handler. */
  handler(i: number): Promise<unknown>;
  /** The same DynamoDB work, raw. */
  raw(i: number): Promise<unknown>;
}

const commandList = (calls: readonly DynamoDbCall[]) => calls.map((c) => c.command.replace(/Command$/, '')).join(' → ');

export async function measureRequests(ctx: BenchContext, deps: ServiceDeps, tenant: LoadedTenant): Promise<Figure[]> {
  const [
    { routes },
    { keys },
    { putNewMember, updateMember },
    { putNewInvitation },
    { outboxPut },
    { reserveSeats },
    { seal },
    { resolveTenantCaller },
    { memberIn },
  ] = await Promise.all([
    import('../shared/http/routes'),
    import('../shared/data/keys'),
    import('../shared/data/member-repository'),
    import('../shared/data/invitation-repository'),
    import('../shared/data/outbox'),
    import('../shared/data/tenant-repository'),
    import('../shared/security/sealing'),
    import('../shared/services/caller-service'),
    import('../test/support/fixtures'),
  ]);
  const { tenantId, owner } = tenant;
  const caller = owner.identity;
  const db = deps.db;
  const T = deps.tableName;
  const consistentGet = (key: { PK: string; SK: string }) =>
    db.send(new GetCommand({ TableName: T, Key: key, ConsistentRead: true }));
  /** What authorization reads: the caller's principal link, then their member record. */
  const rawAuthorization = async () => {
    await consistentGet(keys.principalLink(caller.userId, tenantId));
    await consistentGet(keys.member(tenantId, owner.member.memberId));
  };

  // Targets: members holding built-in roles only (custom roles add a BatchGetItem on both sides alike).
  const target = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
  const patchTargets = [
    await memberIn(tenantId, { roles: [{ roleId: 'agent' }] }),
    await memberIn(tenantId, { roles: [{ roleId: 'agent' }] }),
  ];
  const toggled = (i: number): RoleAssignment[] => [{ roleId: i % 2 === 0 ? 'viewer' : 'agent' }];

  const inviteDraft = async () => {
    // What draftInvitation prepares (ids, token hash, sealed delivery): built before timing starts.
    const now = new Date().toISOString();
    const email = `raw-${ulid().toLowerCase()}@bench.example.com`;
    const member: MemberRecord = {
      tenantId,
      memberId: ulid(),
      email,
      displayName: null,
      status: 'invited',
      roles: [{ roleId: 'agent' }],
      permissions: [],
      invitedAt: now,
      invitedBy: caller.userId,
      version: 1,
    };
    const eventId = ulid();
    const invitationId = ulid();
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const sealedToken = await seal(randomBytes(32).toString('base64url'), eventId);
    return {
      email,
      items: (tenantRecord: TenantRecord) => [
        reserveSeats(deps, tenantId, 1, tenantRecord.seatLimit),
        ...putNewMember(deps, member),
        ...putNewInvitation(deps, {
          invitationId,
          tenantId,
          memberId: member.memberId,
          email,
          roles: member.roles,
          invitedBy: { id: caller.userId, email: caller.email },
          validDays: 7,
          expiresAt,
          createdAt: now,
          tokenHash: createHash('sha256').update(randomBytes(32)).digest('base64url'),
          version: 1,
        }),
        outboxPut(T, {
          eventId,
          tenantId,
          occurredAt: now,
          action: 'member.invited',
          actor: { id: caller.userId, email: caller.email },
          target: { type: 'member', id: member.memberId, label: email },
          changes: { before: null, after: { email, status: 'invited', roles: member.roles, invitationId, expiresAt } },
          requestId: randomUUID(),
          delivery: {
            kind: 'invitation',
            to: email,
            tenantName: 'Bench',
            inviterEmail: caller.email,
            sealedToken,
            expiresAt,
          },
        }),
      ],
    };
  };

  const scenarios: Scenario[] = [
    {
      name: 'GET member',
      handler: () =>
        call(routes.getMember, { identity: caller, params: { tenantId, memberId: target.member.memberId } }, 200),
      raw: async () => {
        await rawAuthorization();
        await consistentGet(keys.member(tenantId, target.member.memberId));
      },
    },
    {
      name: 'GET members (page of 50)',
      handler: () => call(routes.listMembers, { identity: caller, params: { tenantId }, query: { limit: '50' } }, 200),
      raw: async () => {
        await rawAuthorization();
        const { PK, skPrefix } = keys.membersOfTenant(tenantId);
        const page = await db.send(
          new QueryCommand({
            TableName: T,
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
            ExpressionAttributeValues: { ':pk': PK, ':prefix': skPrefix },
            Limit: 50,
          }),
        );
        // The page's members hold a custom role: its definition is read once for the page.
        const customIds = new Set(
          (page.Items ?? [])
            .flatMap((m) => (m.roles as RoleAssignment[]).map((r) => r.roleId))
            .filter((id) => /^[0-9A-Z]{26}$/.test(id)),
        );
        if (customIds.size > 0) {
          await db.send(
            new BatchGetCommand({
              RequestItems: {
                [T]: { Keys: [...customIds].map((id) => keys.role(tenantId, id)), ConsistentRead: true },
              },
            }),
          );
        }
      },
    },
    {
      name: 'PATCH member roles',
      handler: (i) =>
        call(
          routes.updateMember,
          {
            identity: caller,
            params: { tenantId, memberId: patchTargets[0]!.member.memberId },
            body: { roles: toggled(i) },
          },
          200,
        ),
      raw: async (i) => {
        await rawAuthorization();
        const { Item } = await consistentGet(keys.member(tenantId, patchTargets[1]!.member.memberId));
        const current = Item as unknown as MemberRecord;
        const next: MemberRecord = { ...current, roles: toggled(i), version: current.version + 1 };
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              ...updateMember(deps, current, next),
              outboxPut(T, {
                eventId: ulid(),
                tenantId,
                occurredAt: new Date().toISOString(),
                action: 'member.roles_changed',
                actor: { id: caller.userId, email: caller.email },
                target: { type: 'member', id: current.memberId, label: current.email },
                changes: { before: { roles: current.roles }, after: { roles: next.roles } },
                requestId: randomUUID(),
              }),
            ],
          }),
        );
      },
    },
  ];

  // Invitations: raw drafts are prepared up front so that only round trips are timed on the raw side.
  const warmup = ctx.quick ? 5 : 50;
  const samples = ctx.quick ? 20 : 1000;
  const drafts: Awaited<ReturnType<typeof inviteDraft>>[] = [];
  for (let i = 0; i < warmup + samples + 2; i++) drafts.push(await inviteDraft());
  scenarios.push({
    name: 'POST invitations (one email)',
    handler: (i) =>
      call(
        routes.createInvitations,
        {
          identity: caller,
          params: { tenantId },
          body: { emails: [`inv-${i}-${ulid().toLowerCase()}@bench.example.com`], roles: [{ roleId: 'agent' }] },
        },
        201,
      ),
    raw: async (i) => {
      await rawAuthorization();
      const draft = drafts[i]!;
      await db.send(
        new BatchGetCommand({
          RequestItems: { [T]: { Keys: [keys.emailGuard(tenantId, draft.email)], ConsistentRead: true } },
        }),
      );
      const { Item } = await consistentGet(keys.tenant(tenantId));
      await db.send(new TransactWriteCommand({ TransactItems: draft.items(Item as TenantRecord) }));
    },
  });

  const figures: Figure[] = [];
  for (const scenario of scenarios) {
    const handlerTimes: number[] = [];
    const rawTimes: number[] = [];
    let i = 0;
    for (; i < warmup + samples; i++) {
      // Alternate which goes first, so that neither always follows the other's write.
      const runs: [number[], () => Promise<unknown>][] = [
        [handlerTimes, () => scenario.handler(i)],
        [rawTimes, () => scenario.raw(i)],
      ];
      if (i % 2 === 1) runs.reverse();
      for (const [times, run] of runs) {
        const start = performance.now();
        await run();
        if (i >= warmup) times.push(since(start));
      }
    }
    const handlerCalls = (await withCallLog(() => scenario.handler(i))).calls;
    const rawCalls = (await withCallLog(() => scenario.raw(i + 1))).calls;
    for (const p of [50, 99]) {
      figures.push(
        figure({
          name: `2. ${scenario.name} p${p}`,
          value: percentile(handlerTimes, p),
          unit: 'ms',
          baseline: percentile(rawTimes, p),
          target: { on: 'ratio', max: 1.5 },
          note: `${samples} warm requests in-process vs the same ${rawCalls.length} DynamoDB round trips issued directly, alternating`,
        }),
      );
    }
    figures.push(
      figure({
        name: `2. ${scenario.name} DynamoDB calls`,
        value: handlerCalls.length,
        unit: 'calls',
        baseline: rawCalls.length,
        note: commandList(handlerCalls),
      }),
    );
    ctx.log(
      `${scenario.name}: p50 ${percentile(handlerTimes, 50).toFixed(2)} ms vs raw ${percentile(rawTimes, 50).toFixed(2)} ms; calls: ${commandList(handlerCalls)}`,
    );
  }

  // Authorization alone: what every tenant-scoped request reads before its handler runs.
  const customHolder = await memberIn(tenantId, { roles: [{ roleId: tenant.customRoleId }, { roleId: 'agent' }] });
  for (const [label, identity] of [
    ['built-in roles', caller],
    ['a custom role', customHolder.identity],
  ] as const) {
    const { calls } = await withCallLog(() => resolveTenantCaller(deps, identity, tenantId));
    figures.push(
      figure({
        name: `2. authorization round trips (${label})`,
        value: calls.length,
        unit: 'round trips',
        target: { on: 'value', max: 2 },
        note: commandList(calls),
      }),
    );
  }
  return figures;
}
