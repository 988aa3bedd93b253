import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ServiceDeps } from '../shared/services/service-deps';
import { call } from './invoke';
import { type BenchContext, type Figure, figure, percentile, since, sleep } from './lib';

/**
 * Figure 5, stream → audit lag: a mutation through its real handler, then the time from the API
 * response until its audit entry can be read the way `GET /audit` reads it (the tenant's time index,
 * newest first, matched by the request id). The local stack's stream poller and consumer do the work
 * in between, so the figure includes the poller's idle sleep (`idleMs` in scripts/local/stream-poller.ts)
 * as well as the consumer's processing. Mutations are sequential, on a tenant of their own, after the
 * stream has been drained of earlier benchmarks' events, with a random pause before each.
 */
export async function measureLag(
  ctx: BenchContext,
  deps: ServiceDeps,
  drain: () => Promise<unknown>,
): Promise<Figure[]> {
  const [{ routes }, { tenantWithOwner, memberIn }, { auditKeys }] = await Promise.all([
    import('../shared/http/routes'),
    import('../test/support/fixtures'),
    import('../shared/data/audit-keys'),
  ]);
  const { tenantId, owner } = await tenantWithOwner(10);
  const target = await memberIn(tenantId, { roles: [{ roleId: 'agent' }] });
  await drain();

  const index = auditKeys.queryFor(tenantId, {});
  /** The newest entry's request id, as the audit list reads it. */
  const newestRequestId = async () => {
    const { Items } = await deps.db.send(
      new QueryCommand({
        TableName: deps.auditTableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionAttribute },
        ExpressionAttributeValues: { ':pk': index.partitionValue },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    return Items?.[0]?.requestId as string | undefined;
  };

  const mutations = ctx.quick ? 30 : 500;
  const lags: number[] = [];
  for (let i = 0; i < mutations; i++) {
    // A random pause first: back-to-back mutations would fall into the same phase of the poller's
    // cycle every time (the next one lands while it sleeps after the previous one).
    await sleep(Math.random() * 200);
    const requestId = randomUUID();
    await call(
      routes.updateMember,
      {
        identity: owner.identity,
        params: { tenantId, memberId: target.member.memberId },
        body: { roles: [{ roleId: i % 2 === 0 ? 'viewer' : 'agent' }] },
        requestId,
      },
      200,
    );
    const answered = performance.now();
    while ((await newestRequestId()) !== requestId) {
      if (since(answered) > 30_000) throw new Error('audit entry not readable after 30 s');
      await sleep(2);
    }
    lags.push(since(answered));
  }
  ctx.log(
    `stream → audit lag over ${mutations} mutations: p50 ${percentile(lags, 50).toFixed(0)} ms, p99 ${percentile(lags, 99).toFixed(0)} ms, min ${Math.min(...lags).toFixed(0)} ms`,
  );
  const note = `${mutations} sequential PATCH member roles, 0-200 ms apart; response → entry readable on the audit time index (polled every ~2 ms)`;
  return [
    figure({ name: '5. stream → audit lag p50', value: percentile(lags, 50), unit: 'ms', note }),
    figure({
      name: '5. stream → audit lag p99',
      value: percentile(lags, 99),
      unit: 'ms',
      target: { on: 'value', max: 1000 },
      note,
    }),
    figure({
      name: '5. stream → audit lag min',
      value: Math.min(...lags),
      unit: 'ms',
      note: 'a record that arrives just before a poll: consumer processing without the idle sleep',
    }),
  ];
}
