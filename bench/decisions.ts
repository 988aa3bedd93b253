import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { assertDecidable, type DecisionCheck, decide, decisionContext } from '../shared/domain/decisions';
import { builtInRoles } from '../shared/domain/roles';
import type { ServiceDeps } from '../shared/services/service-deps';
import { type DynamoDbCall, roundTrips, withCallLog } from './ddb-calls';
import { call } from './invoke';
import { type BenchContext, type Figure, figure, median, percentile, since } from './lib';

/**
 * Figure 8, authorization decisions (SPEC §10): `POST /authorize` with 50 checks over 50 bots, by a member
 * holding built-in roles on half of them, through the real handler in-process against DynamoDB Local.
 * - round trips after the token (target ≤ 2: the principal link, then one round of BatchGetItems);
 * - CPU of the decisions themselves: the pure part of the request (assertDecidable, decisionContext and the 50
 *   `decide` calls) in a loop, CPU time as figure 3 measures it;
 * - p50 of the whole call against p50 of the raw round trips it needs (GetItem of the link, then the same keys
 *   in parallel BatchGetItems), issued from this process with the same client, alternating (target ≤ 1.3).
 */

const BOTS = 50;

export async function measureDecisions(ctx: BenchContext, deps: ServiceDeps): Promise<Figure[]> {
  const [
    { routes },
    { keys },
    { botsWithGrantsKeys, putGrant, botsWithGrantsFrom },
    { transactWrite },
    { registerBot },
    { resolveTenantCaller },
    { tenantWithOwner, memberIn, meta },
    { batchGetByKey },
  ] = await Promise.all([
    import('../shared/http/routes'),
    import('../shared/data/keys'),
    import('../shared/data/bot-repository'),
    import('../shared/data/transactions'),
    import('../shared/services/bot-service'),
    import('../shared/services/caller-service'),
    import('../test/support/fixtures'),
    import('../shared/data/batch-get'),
  ]);
  const { tenantId, owner } = await tenantWithOwner(BOTS + 10, `Decisions bench ${ulid()}`);
  const ownerCaller = await resolveTenantCaller(deps, owner.identity, tenantId);
  const botIds: string[] = [];
  for (let i = 0; i < BOTS; i++)
    botIds.push(
      (await registerBot(deps, ownerCaller, { name: `Bench bot ${i}`, botId: `bench-${i}` }, meta())).bot.botId,
    );
  const member = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
  const now = new Date().toISOString();
  await transactWrite(
    deps,
    botIds.slice(0, BOTS / 2).map((botId, i) => ({
      item: putGrant(
        deps,
        {
          tenantId,
          resourceType: 'bot',
          resourceId: botId,
          principalType: 'member',
          principalId: member.member.memberId,
          roles: i % 2 === 0 ? [{ roleId: 'inbox-agent' }] : [{ roleId: 'bot-developer', environments: ['staging'] }],
          updatedAt: now,
          version: 1,
        },
        undefined,
      ),
    })),
  );
  const environments = [undefined, 'sandbox', 'staging', 'production'] as const;
  const checks: readonly DecisionCheck[] = botIds.map((botId, i) => ({
    permission: i % 3 === 0 ? 'flows:write' : 'inbox:write',
    botId,
    ...(environments[i % 4] ? { environment: environments[i % 4] } : {}),
  }));
  const request = { identity: member.identity, params: { tenantId }, body: { checks } };
  const handler = () => call(routes.authorize, request, 200);

  const T = deps.tableName;
  const keysRead = [
    keys.member(tenantId, member.member.memberId),
    ...botsWithGrantsKeys(tenantId, botIds, member.member.memberId),
  ];
  const raw = async () => {
    await deps.db.send(
      new GetCommand({ TableName: T, Key: keys.principalLink(member.identity.userId, tenantId), ConsistentRead: true }),
    );
    const chunks = [keysRead.slice(0, 100), keysRead.slice(100)].filter((chunk) => chunk.length > 0);
    await Promise.all(
      chunks.map((Keys) =>
        deps.db.send(new BatchGetCommand({ RequestItems: { [T]: { Keys, ConsistentRead: true } } })),
      ),
    );
  };

  // Round trips of one call, counted on the client.
  const counted = await withCallLog(handler);
  const rawCounted = await withCallLog(raw);
  const list = (calls: readonly DynamoDbCall[]) => calls.map((c) => c.command.replace(/Command$/, '')).join(', ');

  // CPU of the 50 decisions: the pure part of the request, on the state the handler reads.
  const found = await batchGetByKey(deps, keysRead);
  const bots = new Map(
    botsWithGrantsFrom(found, tenantId, botIds, member.member.memberId).map(({ bot, grant }) => [
      bot.botId,
      { environments: bot.environments, assignments: grant?.roles ?? [] },
    ]),
  );
  const roles = new Map(Object.values(builtInRoles).map((role) => [role.roleId, role]));
  const { effectivePermissions } = await resolveTenantCaller(deps, member.identity, tenantId);
  const decideAll = () => {
    assertDecidable(checks);
    const context = decisionContext({ active: true, effectivePermissions, bots, roles, now: new Date() });
    return checks.map((check) => decide(check, context));
  };
  if (decideAll().filter((d) => d.allowed).length === 0) throw new Error('the decisions bench allows nothing');
  const iterations = ctx.quick ? 500 : 2000;
  const batches = ctx.quick ? 7 : 21;
  for (let i = 0; i < iterations; i++) decideAll();
  const perCall: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) decideAll();
    const used = process.cpuUsage(start);
    perCall.push((used.user + used.system) / iterations);
  }
  const cpu = median(perCall);

  // The whole call vs its raw round trips, alternating so that noise lands on both alike.
  const warmup = ctx.quick ? 5 : 50;
  const samples = ctx.quick ? 20 : 1000;
  const handlerTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const runs: [number[], () => Promise<unknown>][] = [
      [handlerTimes, handler],
      [rawTimes, raw],
    ];
    if (i % 2 === 1) runs.reverse();
    for (const [times, run] of runs) {
      const start = performance.now();
      await run();
      if (i >= warmup) times.push(since(start));
    }
  }
  ctx.log(
    `authorize 50 checks: ${roundTrips(counted.calls)} round trips (${list(counted.calls)}); decisions ${cpu.toFixed(1)} µs CPU; p50 ${percentile(handlerTimes, 50).toFixed(2)} ms vs raw ${percentile(rawTimes, 50).toFixed(2)} ms`,
  );
  return [
    figure({
      name: '8. authorize 50 checks over 50 bots: round trips',
      value: roundTrips(counted.calls),
      unit: 'round trips',
      baseline: roundTrips(rawCounted.calls),
      target: { on: 'value', max: 2 },
      note: `${list(counted.calls)} (the principal link, then parallel BatchGetItems of the member, the 50 bots and the member's 50 grants)`,
    }),
    figure({
      name: '8. authorize 50 checks: decisions CPU',
      value: cpu,
      unit: 'µs CPU',
      target: { on: 'value', max: 50 },
      note: `assertDecidable + decisionContext + 50 decide(), median of ${batches} batches of ${iterations}`,
    }),
    figure({
      name: '8. authorize 50 checks over 50 bots p50',
      value: percentile(handlerTimes, 50),
      unit: 'ms',
      baseline: percentile(rawTimes, 50),
      target: { on: 'ratio', max: 1.3 },
      note: `${samples} warm requests in-process vs the same GetItem + ${rawCounted.calls.length - 1} parallel BatchGetItems issued directly, alternating`,
    }),
  ];
}
