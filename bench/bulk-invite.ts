import { ulid } from 'ulidx';
import { withCallLog } from './ddb-calls';
import { call } from './invoke';
import { type BenchContext, type Figure, figure, median, since } from './lib';
import type { LoadedTenant } from './load-data';

/**
 * Figure 7, bulk invite: one `POST /invitations` with 100 addresses against one with a single address,
 * both through the real handler on the loaded tenant. The stream is drained before each pair, so that
 * the consumer's work for the previous pair (100 audit entries and emails) does not run meanwhile.
 */
export async function measureBulkInvite(
  ctx: BenchContext,
  tenant: LoadedTenant,
  drain: () => Promise<unknown>,
): Promise<Figure[]> {
  const { routes } = await import('../shared/http/routes');
  const invite = async (count: number) => {
    const emails = Array.from({ length: count }, (_, i) => `bulk-${i}-${ulid().toLowerCase()}@bench.example.com`);
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
      inDynamoDb.push(calls.reduce((sum, c) => sum + c.ms, 0));
      transactions = calls.filter((c) => c.transactItems !== undefined).map((c) => c.transactItems!);
    }
    return ms;
  };
  const inDynamoDb: number[] = [];
  let transactions: number[] = [];
  await invite(1); // warm
  const pairs = ctx.quick ? 1 : 12;
  const single: number[] = [];
  const bulk: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    await drain();
    if (pair % 2 === 0) {
      single.push(await invite(1));
      bulk.push(await invite(100));
    } else {
      bulk.push(await invite(100));
      single.push(await invite(1));
    }
  }
  await drain();
  ctx.log(`bulk invite: 100 addresses ${median(bulk).toFixed(0)} ms, one address ${median(single).toFixed(0)} ms`);
  return [
    figure({
      name: '7. bulk invite, 100 addresses',
      value: median(bulk),
      unit: 'ms',
      baseline: median(single),
      target: { on: 'ratio', max: 5 },
      note: `median of ${pairs} requests each; baseline: one request with one address`,
    }),
    figure({
      name: '7. bulk invite, 100 addresses: whole request vs its DynamoDB calls',
      value: median(bulk),
      unit: 'ms',
      baseline: median(inDynamoDb),
      note: `time inside DynamoDB calls as the baseline; transactions of ${transactions.join(', ')} items, one after another (each takes the seats of its invitations)`,
    }),
  ];
}
